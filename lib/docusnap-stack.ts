import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_WORKER_TIMEOUT_SECONDS } from '../lambdas/core/shared-facts';
import { Api } from './api';
import { CompatProtocol } from './compat';
import type { DocusnapConfig } from './config';
import { ConsoleSite } from './console-site';
import { type HandlerEntryResolver, handlerSourcePath } from './handler-entries';
import type { HandlerFunctionDefaults } from './handler-function';
import { METRICS_NAMESPACE, METRICS_SERVICE, Observability } from './observability';
import { TaskQueues } from './queues';
import { Storage } from './storage';
import { TaskProcessing } from './task-processing';
import { Webhooks } from './webhooks';

export interface DocusnapStackProps extends StackProps {
  readonly config: DocusnapConfig;
  /** @default the handlers under lambdas/handlers */
  readonly entryFor?: HandlerEntryResolver;
  /** See HandlerFunctionDefaults.bundleCacheKey. @default - bundles are always rebuilt */
  readonly bundleCacheKey?: string;
}

/** The whole DocuSnap backend of one stage. */
export class DocusnapStack extends Stack {
  readonly storage: Storage;
  readonly queues: TaskQueues;
  readonly api: Api;
  readonly taskProcessing: TaskProcessing;
  readonly compat?: CompatProtocol;
  readonly observability: Observability;
  readonly webhooks: Webhooks;
  readonly console?: ConsoleSite;

  constructor(scope: Construct, id: string, props: DocusnapStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.retainData ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS;
    const workerTimeout = Duration.seconds(DEFAULT_WORKER_TIMEOUT_SECONDS);

    this.storage = new Storage(this, 'Storage', { retentionDays: config.retentionDays, removalPolicy });
    this.queues = new TaskQueues(this, 'Queues', { encryptionKey: this.storage.key, workerTimeout });

    const functionDefaults: HandlerFunctionDefaults = {
      entryFor: props.entryFor ?? handlerSourcePath,
      bundleCacheKey: props.bundleCacheKey,
      logRetention,
      removalPolicy,
      // Every handler's config parses the same base variables; none of them grants anything by itself.
      environment: {
        DOCUSNAP_TABLE: this.storage.table.tableName,
        DOCUSNAP_BUCKET: this.storage.bucket.bucketName,
        DOCUSNAP_QUEUE_URL: this.queues.normal.queueUrl,
        DOCUSNAP_HIGH_QUEUE_URL: this.queues.high.queueUrl,
        DOCUSNAP_RETENTION_DAYS: String(config.retentionDays),
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    };

    this.webhooks = new Webhooks(this, 'Webhooks', {
      storage: this.storage,
      queues: this.queues,
      encryptionKey: this.storage.key,
      functionDefaults,
      removalPolicy,
    });
    this.api = new Api(this, 'Api', {
      storage: this.storage,
      webhooks: this.webhooks,
      queues: this.queues,
      functionDefaults,
      throttle: config.apiThrottle,
      accessLogRetention: logRetention,
      removalPolicy,
    });
    if (config.compatRoutes) {
      this.compat = new CompatProtocol(this, 'Compat', {
        api: this.api,
        storage: this.storage,
        queues: this.queues,
        webhooks: this.webhooks,
        functionDefaults,
        throttle: config.compatThrottle,
        logRetention,
        removalPolicy,
      });
    }
    // The construct id stays 'Worker': renaming it would replace the deployed functions and their log groups.
    this.taskProcessing = new TaskProcessing(this, 'Worker', {
      storage: this.storage,
      queues: this.queues,
      functionDefaults,
      timeout: workerTimeout,
      concurrency: config.workerConcurrency,
      queueConcurrency: config.queueConcurrency,
      bedrockModelId: config.bedrockModelId,
      bedrockMaxOutputTokens: config.bedrockMaxOutputTokens,
      ungroundedValues: config.ungroundedValues,
      keyWrappingKey: this.compat?.keyWrappingKey,
      webhooks: this.webhooks,
    });
    this.observability = new Observability(this, 'Observability', {
      queues: this.queues,
      httpApi: this.api.httpApi,
      worker: this.taskProcessing.worker,
      deadLetterHandler: this.taskProcessing.deadLetterHandler,
      sweeper: this.taskProcessing.sweeper,
      bedrockModelId: config.bedrockModelId,
      encryptionKey: this.storage.key,
      alarmEmail: config.alarmEmail,
      monthlyBudgetUsd: config.monthlyBudgetUsd,
      dashboardName: `DocuSnap-${config.stage}`,
    });

    this.webhooks.alarmOn(this.observability.alarmTopic);

    if (config.console) {
      this.console = new ConsoleSite(this, 'Console', {
        api: this.api,
        uploadsBucket: this.storage.bucket,
        removalPolicy,
      });
    }

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.url, 'Base URL of the HTTP API (v1 routes under /v1)');
    output('UserPoolId', this.api.userPool.userPoolId, 'Cognito user pool of the API users');
    output(
      'UserPoolClientId',
      this.api.userPoolClient.userPoolClientId,
      'Cognito app client for the mobile app',
    );
    output('BucketName', this.storage.bucket.bucketName, 'Uploads bucket');
    output('TableName', this.storage.table.tableName, 'Task table');
    if (this.console) output('ConsoleUrl', this.console.url, 'The web console');
    output('AlarmTopicArn', this.observability.alarmTopic.topicArn, 'SNS topic the alarms publish to');
  }
}
