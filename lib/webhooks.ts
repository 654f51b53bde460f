import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { WEBHOOK_SECRET_PURPOSE } from '../lambdas/core/ports';
import { VISIBILITY_TIMEOUT_FACTOR } from '../lambdas/core/shared-facts';
import {
  DEFAULT_RETRY_DELAYS_SECONDS,
  DELIVERY_QUEUE_MAX_RECEIVE_COUNT,
  WEBHOOK_DELIVERY_TIMEOUT_SECONDS,
} from '../lambdas/core/webhooks/webhook';
import { METRICS_NAMESPACE, METRICS_SERVICE, WEBHOOK_METRICS } from '../lambdas/handlers/metric-names';
import { BACKGROUND_HANDLERS } from '../lambdas/handlers/route-table';
import { grantHandlerResources } from './grants';
import { HandlerFunction, type HandlerFunctionDefaults } from './handler-function';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';

export interface WebhooksProps {
  readonly storage: Storage;
  readonly queues: TaskQueues;
  /** Encrypts the delivery queues (the stack's one key). */
  readonly encryptionKey: IKey;
  readonly functionDefaults: HandlerFunctionDefaults;
  readonly removalPolicy: RemovalPolicy;
}

/** The account's default EventBridge bus: where every terminal task goes (DESIGN §3.3). */
export const EVENT_BUS_NAME = 'default';

/**
 * Webhook deliveries (DESIGN §3.3): the delivery queue and its dead-letter queue, the delivery function on
 * it, the KMS key that wraps webhook secrets (only registration encrypts, only delivery decrypts), and the
 * grants that let the functions ending tasks enqueue deliveries and put events on the default bus.
 */
export class Webhooks extends Construct {
  readonly queue: Queue;
  readonly deadLetter: Queue;
  readonly delivery: HandlerFunction;
  /** Wraps webhook secrets; a key of their own so no other function can unwrap one. */
  readonly secretsKey: Key;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const encryption = { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey };
    const totalRetrySeconds = DEFAULT_RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);

    this.secretsKey = new Key(this, 'SecretsKey', {
      description: 'DocuSnap: wraps webhook signing secrets',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    this.deadLetter = new Queue(this, 'DeliveryDeadLetter', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Deliveries', {
      ...encryption,
      enforceSSL: true,
      // Only a crashed or timed-out invocation falls back on this; a failed attempt sets its own backoff.
      visibilityTimeout: Duration.seconds(WEBHOOK_DELIVERY_TIMEOUT_SECONDS * VISIBILITY_TIMEOUT_FACTOR),
      // Long enough for the whole retry schedule, with a day to spare.
      retentionPeriod: Duration.seconds(totalRetrySeconds + 86_400),
      deadLetterQueue: { queue: this.deadLetter, maxReceiveCount: DELIVERY_QUEUE_MAX_RECEIVE_COUNT },
    });

    this.delivery = new HandlerFunction(this, 'Delivery', {
      handler: 'webhookDelivery',
      defaults: props.functionDefaults,
      description: 'DocuSnap webhook delivery: one signed POST per attempt, retried with backoff',
      timeout: Duration.seconds(WEBHOOK_DELIVERY_TIMEOUT_SECONDS),
      // The queue it postpones failed attempts on (ChangeMessageVisibility, granted by the event source).
      environment: { DOCUSNAP_WEBHOOK_QUEUE_URL: this.queue.queueUrl },
    });
    grantHandlerResources(this.delivery, BACKGROUND_HANDLERS.webhookDelivery.uses, {
      ...props,
      webhooks: this,
    });
    this.delivery.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }

  /**
   * A function that ends tasks announces them: it is told the delivery queue and the bus, may queue
   * deliveries and may put events on the default bus (and no other).
   */
  announceFrom(fn: HandlerFunction): void {
    fn.addEnvironment('DOCUSNAP_WEBHOOK_QUEUE_URL', this.queue.queueUrl);
    fn.addEnvironment('DOCUSNAP_EVENT_BUS', EVENT_BUS_NAME);
    this.queue.grantSendMessages(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'PutTaskEventsOnDefaultBus',
        actions: ['events:PutEvents'],
        resources: [
          `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/${EVENT_BUS_NAME}`,
        ],
      }),
    );
  }

  /** Registration: wraps new secrets, for the webhook-secret purpose only. */
  wrapSecretsFrom(fn: HandlerFunction): void {
    fn.addEnvironment('DOCUSNAP_WEBHOOK_KEY_ID', this.secretsKey.keyArn);
    this.grantSecrets(fn, 'kms:Encrypt');
  }

  /** Delivery: unwraps secrets to sign with, for the webhook-secret purpose only. */
  unwrapSecretsFrom(fn: HandlerFunction): void {
    fn.addEnvironment('DOCUSNAP_WEBHOOK_KEY_ID', this.secretsKey.keyArn);
    this.grantSecrets(fn, 'kms:Decrypt');
  }

  private grantSecrets(fn: IGrantable, action: 'kms:Encrypt' | 'kms:Decrypt'): void {
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [action],
        resources: [this.secretsKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE } },
      }),
    );
  }

  /** Alarms to `topic`: deliveries given up after the last attempt, and dead deliveries (handler crashes). */
  alarmOn(topic: ITopic): Alarm[] {
    const fiveMinutes = Duration.minutes(5);
    const alarms = [
      new Alarm(this, 'DeliveriesGivenUp', {
        alarmDescription:
          'Webhook deliveries were given up after their last attempt: a receiver has been failing for hours.',
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: WEBHOOK_METRICS.givenUp,
          dimensionsMap: { service: METRICS_SERVICE },
          period: fiveMinutes,
          statistic: Stats.SUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'DeadDeliveries', {
        alarmDescription:
          'Webhook deliveries whose handler kept failing reached the delivery dead-letter queue.',
        metric: this.deadLetter.metricApproximateNumberOfMessagesVisible({
          period: fiveMinutes,
          statistic: Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'DeliveryErrors', {
        alarmDescription: 'The webhook delivery function failed (crash or timeout), not a receiver’s answer.',
        metric: this.delivery.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
    return alarms;
  }
}
