import { Arn, ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT } from '../lambdas/core/shared-facts';
import {
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  TASK_METRICS,
  type TaskMetricName,
} from '../lambdas/handlers/metric-names';
import type { TaskQueues } from './queues';

/** The handlers' namespace and service; every metric name lives in lambdas/handlers/metric-names.ts. */
export { METRICS_NAMESPACE, METRICS_SERVICE };

/** Seconds the oldest message may wait before someone should look (high priority waits less). */
export const OLDEST_MESSAGE_AGE_LIMIT_SECONDS = { high: 300, normal: 900 } as const;
/** Percentage of API responses that may be 5xx over five minutes. */
export const API_5XX_RATE_LIMIT_PERCENT = 5;
/** Throttled Textract or Bedrock calls per five minutes that mean the quota is too small. */
export const THROTTLE_LIMIT_PER_5_MINUTES = 10;

export interface ObservabilityProps {
  readonly queues: TaskQueues;
  readonly httpApi: HttpApi;
  readonly worker: IFunction;
  readonly deadLetterHandler: IFunction;
  readonly sweeper: IFunction;
  readonly bedrockModelId: string;
  /** Encrypts the alarm topic; CloudWatch is allowed to use it to publish. */
  readonly encryptionKey: Key;
  /** @default - no subscription; subscribe to the topic yourself */
  readonly alarmEmail?: string;
  readonly dashboardName: string;
  /**
   * A monthly AWS Budgets cost budget (USD, the whole account) that notifies the alarm topic.
   * @default - no budget
   */
  readonly monthlyBudgetUsd?: number;
  /** Names the budget; unique per account. @default the dashboard name */
  readonly budgetName?: string;
}

/** Percentages of the monthly budget that notify: actual spend at each, forecast at the last. */
export const BUDGET_ACTUAL_THRESHOLDS_PERCENT = [80, 100] as const;
export const BUDGET_FORECAST_THRESHOLD_PERCENT = 100;

/** Alarms (to one SNS topic) and the operations dashboard. */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  /** Present when `monthlyBudgetUsd` is set. */
  readonly budget?: CfnBudget;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'DocuSnap alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without these
    // statements nobody may publish, and every alarm notification would be dropped.
    const stack = Stack.of(this);
    const account = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    const thisAccountsAlarms = {
      ...account,
      ArnLike: {
        'aws:SourceArn': Arn.format(
          {
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          },
          stack,
        ),
      },
    };
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: thisAccountsAlarms,
      }),
    );
    // SNS encrypts each message with the topic's key on the publisher's behalf.
    props.encryptionKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: thisAccountsAlarms,
      }),
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    if (props.monthlyBudgetUsd !== undefined) {
      this.budget = this.monthlyBudget(
        props.monthlyBudgetUsd,
        props.budgetName ?? props.dashboardName,
        props.encryptionKey,
      );
    }

    const fiveMinutes = Duration.minutes(5);
    const { queues } = props;

    this.alarm('DeadLetterQueueNotEmpty', {
      description:
        'Messages are waiting in the dead-letter queue: the dead-letter handler is not draining it.',
      metric: queues.deadLetter.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 1,
    });
    this.alarm('DeadLettersArrived', {
      description: `Tasks died after ${MAX_RECEIVE_COUNT} receives and were marked error by the dead-letter handler.`,
      metric: queues.deadLetter.metricNumberOfMessagesReceived({ period: fiveMinutes, statistic: Stats.SUM }),
      threshold: 1,
    });
    for (const [name, queue] of [
      ['High', queues.high],
      ['Normal', queues.normal],
    ] as const) {
      const limit = OLDEST_MESSAGE_AGE_LIMIT_SECONDS[name === 'High' ? 'high' : 'normal'];
      this.alarm(`${name}QueueOldestMessageAge`, {
        description: `The oldest ${name.toLowerCase()}-priority task has waited more than ${limit} s for a worker.`,
        metric: queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: Stats.MAXIMUM }),
        threshold: limit,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    for (const [name, fn] of [
      ['Worker', props.worker],
      ['DeadLetterHandler', props.deadLetterHandler],
      ['Sweeper', props.sweeper],
    ] as const) {
      this.alarm(`${name}Errors`, {
        description: `The ${name} function failed (crash or timeout), not a task failure it reported.`,
        metric: fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 1,
      });
    }
    const textractThrottles = new Metric({
      namespace: 'AWS/Textract',
      metricName: 'ThrottledCount',
      dimensionsMap: { Operation: 'DetectDocumentText' },
      period: fiveMinutes,
      statistic: Stats.SUM,
    });
    const bedrockThrottles = new Metric({
      namespace: 'AWS/Bedrock',
      metricName: 'InvocationThrottles',
      dimensionsMap: { ModelId: props.bedrockModelId },
      period: fiveMinutes,
      statistic: Stats.SUM,
    });
    this.alarm('TextractThrottling', {
      description:
        'Textract throttles DetectDocumentText: raise its TPS quota or lower the worker concurrency.',
      metric: textractThrottles,
      threshold: THROTTLE_LIMIT_PER_5_MINUTES,
    });
    this.alarm('BedrockThrottling', {
      description: 'Bedrock throttles the model: raise its quota or lower the worker concurrency.',
      metric: bedrockThrottles,
      threshold: THROTTLE_LIMIT_PER_5_MINUTES,
    });
    const api5xxRate = new MathExpression({
      label: 'API 5xx rate (%)',
      // CloudWatch refuses a scalar inside MAX([...]); no requests means no 5xx, so the rate is 0.
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.httpApi.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }),
        requests: props.httpApi.metricCount({ period: fiveMinutes, statistic: Stats.SUM }),
      },
      period: fiveMinutes,
    });
    this.alarm('Api5xxRate', {
      description: `More than ${API_5XX_RATE_LIMIT_PERCENT}% of API responses were 5xx.`,
      metric: api5xxRate,
      threshold: API_5XX_RATE_LIMIT_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    // Summed over the task types: the handlers emit one series per `type` dimension.
    const { service, taskType: type } = METRIC_DIMENSIONS;
    const taskTotal = (metricName: TaskMetricName, label: string, period = fiveMinutes) =>
      new MathExpression({
        expression: `SUM(SEARCH('{${METRICS_NAMESPACE},${service},${type}} ${service}="${METRICS_SERVICE}" MetricName="${metricName}"', 'Sum', ${period.toSeconds()}))`,
        usingMetrics: {},
        label,
        period,
      });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Tasks',
        width: 12,
        left: [
          taskTotal(TASK_METRICS.submitted, 'submitted'),
          taskTotal(TASK_METRICS.completed, 'completed'),
          taskTotal(TASK_METRICS.failed, 'failed'),
        ],
      }),
      new GraphWidget({
        // One task per worker invocation (batch size 1), so the worker's duration is a task's processing time.
        title: 'Processing latency per task (ms)',
        width: 12,
        left: [Stats.p(50), Stats.p(90), Stats.MAXIMUM].map((statistic) =>
          props.worker.metricDuration({ period: fiveMinutes, statistic, label: statistic }),
        ),
      }),
    );
    const queueMetrics = (pick: (queue: TaskQueues['high']) => IMetric) =>
      [queues.high, queues.normal, queues.deadLetter].map(pick);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depth (high, normal, dead-letter)',
        width: 12,
        left: queueMetrics((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: Stats.MAXIMUM }),
        ),
      }),
      new GraphWidget({
        title: 'Oldest message age (s)',
        width: 12,
        left: queueMetrics((queue) =>
          queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: Stats.MAXIMUM }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Throttles',
        width: 12,
        left: [
          textractThrottles.with({ label: 'Textract' }),
          bedrockThrottles.with({ label: 'Bedrock' }),
          props.worker.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM, label: 'worker Lambda' }),
        ],
      }),
      new GraphWidget({
        title: 'Estimated cost (USD per hour)',
        width: 8,
        left: [taskTotal(TASK_METRICS.estimatedCost, 'OCR + LLM', Duration.hours(1))],
      }),
      new SingleValueWidget({
        title: 'Estimated cost, last 24 h (USD)',
        width: 4,
        metrics: [taskTotal(TASK_METRICS.estimatedCost, 'USD', Duration.days(1))],
      }),
    );
    // What drives the cost: pages read, tokens spent, and the LLM calls the cache saved.
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'OCR pages and LLM tokens',
        width: 12,
        left: [taskTotal(TASK_METRICS.ocrPages, 'OCR pages')],
        right: [
          taskTotal(TASK_METRICS.inputTokens, 'input tokens'),
          taskTotal(TASK_METRICS.outputTokens, 'output tokens'),
        ],
      }),
      new GraphWidget({
        title: 'LLM cache hits',
        width: 12,
        left: [
          taskTotal(TASK_METRICS.cacheHits, 'cache hits'),
          taskTotal(TASK_METRICS.completed, 'tasks completed'),
        ],
      }),
    );
  }

  /** An account-wide monthly cost budget whose notifications go to the alarm topic (and so its e-mail). */
  private monthlyBudget(limitUsd: number, budgetName: string, encryptionKey: Key): CfnBudget {
    if (!(limitUsd > 0)) throw new Error(`monthlyBudgetUsd must be positive, got ${limitUsd}`);
    const thisBudget = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:budget/${budgetName}` },
    };
    const budgets = new ServicePrincipal('budgets.amazonaws.com');
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'BudgetsPublish',
        principals: [budgets],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: thisBudget,
      }),
    );
    encryptionKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'BudgetsPublishToEncryptedTopic',
        principals: [budgets],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: thisBudget,
      }),
    );
    const notification = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number) => ({
      notification: {
        notificationType,
        comparisonOperator: 'GREATER_THAN',
        threshold,
        thresholdType: 'PERCENTAGE',
      },
      subscribers: [{ subscriptionType: 'SNS', address: this.alarmTopic.topicArn }],
    });
    const budget = new CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetName,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: limitUsd, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        ...BUDGET_ACTUAL_THRESHOLDS_PERCENT.map((threshold) => notification('ACTUAL', threshold)),
        notification('FORECASTED', BUDGET_FORECAST_THRESHOLD_PERCENT),
      ],
    });
    // Budgets checks that it may publish when the budget is created.
    const topicPolicy = this.alarmTopic.node.tryFindChild('Policy');
    if (topicPolicy) budget.node.addDependency(topicPolicy);
    return budget;
  }

  private alarm(
    id: string,
    options: {
      description: string;
      metric: IMetric;
      threshold: number;
      comparisonOperator?: ComparisonOperator;
    },
  ): void {
    const alarm = new Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no traffic, not a fault.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}
