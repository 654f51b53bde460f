import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_METRICS } from '../../lambdas/handlers/metric-names';
import { checkMetricMath } from './metric-math';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';
import { type CfnJson, flatten, TemplateQueries } from './template-queries';

let synth: Synthesized;
let t: TemplateQueries;
beforeAll(() => {
  synth = synthesize({ alarmEmail: 'oncall@example.com', monthlyBudgetUsd: '250' });
  t = new TemplateQueries(synth.stack, synth.template);
}, SYNTH_TIMEOUT_MS);

/** The statements of the topic policy attached to the alarm topic. */
const topicPolicyStatements = () => {
  const topic = { Ref: t.id(synth.stack.observability.alarmTopic) };
  const policies = Object.values(t.resources('AWS::SNS::TopicPolicy')).filter((policy) =>
    policy.Properties.Topics.some(
      (candidate: CfnJson) => JSON.stringify(candidate) === JSON.stringify(topic),
    ),
  );
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement as CfnJson[];
};

const alarms = () =>
  Object.values(t.resources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as CfnJson);
const alarmOn = (namespace: string, metricName: string) =>
  alarms().filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
const dimension = (alarm: CfnJson, name: string) =>
  alarm.Dimensions.find((candidate: CfnJson) => candidate.Name === name)?.Value;

describe('alarms', () => {
  it('all notify the encrypted alarm topic, which e-mails the configured address', () => {
    const topic = { Ref: t.id(synth.stack.observability.alarmTopic) };
    expect(alarms().length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions, alarm.AlarmDescription).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    expect(t.of(synth.stack.observability.alarmTopic).Properties.KmsMasterKeyId).toEqual(
      t.arnOf(synth.stack.storage.key),
    );
    t.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: topic,
    });
  });

  it('let CloudWatch use the data key to publish to the encrypted topic', () => {
    const statements = t.of(synth.stack.storage.key).Properties.KeyPolicy.Statement as CfnJson[];
    const cloudWatch = statements.find(
      (statement) => statement.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(cloudWatch).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    expect(cloudWatch.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(flatten(cloudWatch.Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*',
    );
  });

  it("let CloudWatch publish to the topic, whose SSL-only policy replaced SNS's default one", () => {
    const statements = topicPolicyStatements();
    // enforceSSL's deny is still there...
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // ...and CloudWatch, for this account's alarms only, may publish.
    const publish = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' && statement.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(publish).toHaveLength(1);
    expect(publish[0]).toMatchObject({
      Action: 'sns:Publish',
      Resource: { Ref: t.id(synth.stack.observability.alarmTopic) },
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(flatten(publish[0].Condition.ArnLike['aws:SourceArn'])).toBe(
      'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*',
    );
  });

  it('use only metric math that CloudWatch accepts (no scalar in MAX([...]), no unknown function)', () => {
    let checked = 0;
    for (const alarm of alarms().filter((candidate) => candidate.Metrics)) {
      const queries = alarm.Metrics as CfnJson[];
      const ids = queries.map((query) => query.Id as string);
      for (const query of queries.filter((candidate) => candidate.Expression)) {
        const type = checkMetricMath(query.Expression, ids);
        // An alarm watches exactly one time series: the expression it returns.
        if (query.ReturnData !== false) expect(type, query.Expression).toBe('series');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('fire as soon as the dead-letter queue holds a message', () => {
    const [deadLetterDepth] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible').filter(
      (alarm) => dimension(alarm, 'QueueName')['Fn::GetAtt'][0] === t.id(synth.stack.queues.deadLetter),
    );
    expect(deadLetterDepth).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('watch the age of the oldest message on both task queues', () => {
    const watched = alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage').map(
      (alarm) => dimension(alarm, 'QueueName')['Fn::GetAtt'][0],
    );
    expect(watched.sort()).toEqual([t.id(synth.stack.queues.high), t.id(synth.stack.queues.normal)].sort());
  });

  it('fire on the first worker error', () => {
    const workerErrors = alarmOn('AWS/Lambda', 'Errors').find(
      (alarm) => dimension(alarm, 'FunctionName').Ref === t.id(synth.stack.taskProcessing.worker),
    );
    expect(workerErrors).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
  });

  it('watch Textract and Bedrock throttling of the configured model', () => {
    const [textract] = alarmOn('AWS/Textract', 'ThrottledCount');
    expect(dimension(textract, 'Operation')).toBe('DetectDocumentText');
    const [bedrock] = alarmOn('AWS/Bedrock', 'InvocationThrottles');
    expect(dimension(bedrock, 'ModelId')).toBe('us.amazon.nova-lite-v1:0');
  });

  it('watch the API 5xx rate as a percentage of requests', () => {
    const rate = alarms().find((alarm) =>
      alarm.Metrics?.some((metric: CfnJson) => /errors/.test(metric.Expression)),
    );
    expect(rate?.Threshold).toBe(5);
    // No requests means no errors: 0, not a division by zero (and no scalar inside MAX([...])).
    expect(rate?.Metrics.find((metric: CfnJson) => metric.Expression).Expression).toBe(
      'IF(requests > 0, 100 * errors / requests, 0)',
    );
    const metricNames = rate?.Metrics.filter((metric: CfnJson) => metric.MetricStat).map(
      (metric: CfnJson) => metric.MetricStat.Metric.MetricName,
    );
    expect(metricNames.sort()).toEqual(['5xx', 'Count']);
  });
});

describe('monthly budget', () => {
  const budgets = () => Object.values(t.resources('AWS::Budgets::Budget'));

  it('is a monthly account-wide cost budget of `monthlyBudgetUsd`, notifying the alarm topic', () => {
    expect(budgets()).toHaveLength(1);
    const [budget] = budgets();
    const { Budget, NotificationsWithSubscribers } = budget?.Properties ?? {};
    expect(Budget).toEqual({
      BudgetName: 'DocuSnap-dev',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 250, Unit: 'USD' },
    });
    const topic = { Ref: t.id(synth.stack.observability.alarmTopic) };
    expect(
      NotificationsWithSubscribers.map((entry: CfnJson) => [
        entry.Notification.NotificationType,
        entry.Notification.Threshold,
        entry.Notification.ThresholdType,
      ]),
    ).toEqual([
      ['ACTUAL', 80, 'PERCENTAGE'],
      ['ACTUAL', 100, 'PERCENTAGE'],
      ['FORECASTED', 100, 'PERCENTAGE'],
    ]);
    for (const entry of NotificationsWithSubscribers) {
      expect(entry.Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: topic }]);
    }
  });

  it('may publish to the encrypted alarm topic, for this budget only', () => {
    const budgetArn = 'arn:<AWS::Partition>:budgets::<AWS::AccountId>:budget/DocuSnap-dev';
    const fromBudgets = (statements: CfnJson[]) =>
      statements.filter((statement) => statement.Principal?.Service === 'budgets.amazonaws.com');
    const [publish] = fromBudgets(topicPolicyStatements());
    expect(publish).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
    expect(flatten(publish.Condition.ArnLike['aws:SourceArn'])).toBe(budgetArn);
    const [useKey] = fromBudgets(t.of(synth.stack.storage.key).Properties.KeyPolicy.Statement);
    expect(useKey).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    expect(flatten(useKey.Condition.ArnLike['aws:SourceArn'])).toBe(budgetArn);
  });
});

describe('dashboard', () => {
  const widgets = () =>
    JSON.parse(flatten(t.of(synth.stack.observability.dashboard).Properties.DashboardBody))
      .widgets as CfnJson[];
  const graphs = () =>
    widgets().map((widget) => ({
      title: widget.properties.title as string,
      series: JSON.stringify(widget.properties.metrics),
    }));
  const graph = (title: RegExp) => graphs().find((candidate) => title.test(candidate.title))?.series ?? '';

  it('shows tasks submitted, completed and failed, summed over task types', () => {
    for (const metric of [TASK_METRICS.submitted, TASK_METRICS.completed, TASK_METRICS.failed]) {
      expect(graph(/^Tasks$/)).toContain(
        `SUM(SEARCH('{DocuSnap,service,type} service=\\"docusnap\\" MetricName=\\"${metric}\\"'`,
      );
    }
  });

  it("shows processing latency as the worker's duration percentiles", () => {
    const latency = graph(/latency/i);
    expect(latency).toContain(
      `"AWS/Lambda","Duration","FunctionName","<${t.id(synth.stack.taskProcessing.worker)}>"`,
    );
    expect(latency).toContain('"stat":"p90"');
  });

  it('shows queue depth and age of every queue, throttles and estimated cost', () => {
    for (const queue of [synth.stack.queues.high, synth.stack.queues.normal, synth.stack.queues.deadLetter]) {
      const queueName = `<${t.id(queue)}.QueueName>`;
      expect(graph(/depth/i)).toContain(queueName);
      expect(graph(/age/i)).toContain(queueName);
    }
    expect(graph(/Throttles/)).toContain('ThrottledCount');
    expect(graph(/Throttles/)).toContain('InvocationThrottles');
    expect(graph(/Estimated cost \(USD per hour\)/)).toContain(TASK_METRICS.estimatedCost);
  });

  it('uses only metric math that CloudWatch accepts', () => {
    const expressions = widgets().flatMap((widget) =>
      ((widget.properties.metrics ?? []) as CfnJson[][]).flatMap((series) =>
        series.filter((entry) => typeof entry === 'object' && entry.expression),
      ),
    );
    expect(expressions.length).toBeGreaterThan(0);
    for (const { expression } of expressions)
      expect(checkMetricMath(expression, []), expression).toBe('series');
  });

  it('shows OCR pages, LLM tokens and cache hits, summed over task types', () => {
    const search = (metric: string) =>
      `SUM(SEARCH('{DocuSnap,service,type} service=\\"docusnap\\" MetricName=\\"${metric}\\"'`;
    for (const metric of [TASK_METRICS.ocrPages, TASK_METRICS.inputTokens, TASK_METRICS.outputTokens]) {
      expect(graph(/OCR pages and LLM tokens/)).toContain(search(metric));
    }
    expect(graph(/cache hits/i)).toContain(search(TASK_METRICS.cacheHits));
  });
});
