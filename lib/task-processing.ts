import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { UngroundedValuePolicy } from '../lambdas/core/shared-facts';
import {
  DEFAULT_PENDING_TIMEOUT_SECONDS,
  DEFAULT_PROCESSING_TIMEOUT_SECONDS,
  VISIBILITY_TIMEOUT_FACTOR,
} from '../lambdas/core/shared-facts';
import { BACKGROUND_HANDLERS } from '../lambdas/handlers/route-table';
import { bedrockInvokeStatement } from './bedrock-access';
import { grantClientKeyWrapping, grantHandlerResources } from './grants';
import { HandlerFunction, type HandlerFunctionDefaults, X_RAY_STAR_RESOURCE } from './handler-function';
import { nagResourceName } from './nag-acknowledgements';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';
import type { Webhooks } from './webhooks';

export interface TaskProcessingProps {
  /**
   * The worker, dead-letter handler and sweeper announce the tasks they end (webhooks, EventBridge); their
   * grants fail without it. @default - none (only for tests that stop at prop validation)
   */
  readonly webhooks?: Webhooks;
  readonly storage: Storage;
  readonly queues: TaskQueues;
  readonly functionDefaults: HandlerFunctionDefaults;
  /** The worker's own timeout; the queues' visibility timeout is six times it. */
  readonly timeout: Duration;
  /** Reserved concurrency: the pool of tasks processed at once. */
  readonly concurrency: number;
  /** Event-source maxConcurrency per queue; must sum to at most `concurrency`. */
  readonly queueConcurrency: { readonly high: number; readonly normal: number };
  /** Converse model or inference-profile id. */
  readonly bedrockModelId: string;
  /** That model's output-token limit; the worker clamps every request's maxTokens to it. */
  readonly bedrockMaxOutputTokens: number;
  /** @default 'keep' */
  readonly ungroundedValues?: UngroundedValuePolicy;
  /**
   * The key that wraps compat clients' AES keys; the worker unwraps it to seal results.
   * @default - compat routes off, no key
   */
  readonly keyWrappingKey?: IKey;
  /** @default every 5 minutes */
  readonly sweepInterval?: Duration;
}

/**
 * The asynchronous side, everything that brings an accepted task to `completed` or `error`: the worker
 * pool on both task queues, the dead-letter handler and the sweeper with its schedule.
 */
export class TaskProcessing extends Construct {
  readonly worker: HandlerFunction;
  readonly deadLetterHandler: HandlerFunction;
  readonly sweeper: HandlerFunction;
  readonly sweepSchedule: Rule;

  constructor(scope: Construct, id: string, props: TaskProcessingProps) {
    super(scope, id);
    validateTaskProcessingProps(props);
    const { key } = props.storage;
    // The worker's providers, by name: the dead-letter handler and sweeper report them in `usage` too.
    const providerEnvironment = {
      DOCUSNAP_OCR: 'textract',
      DOCUSNAP_LLM: 'bedrock',
      DOCUSNAP_BEDROCK_MODEL_ID: props.bedrockModelId,
    };

    this.worker = new HandlerFunction(this, 'Worker', {
      handler: 'worker',
      defaults: props.functionDefaults,
      description: 'DocuSnap worker: OCR (Textract) and LLM (Bedrock) for one task per message',
      memorySize: 1024,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.concurrency,
      environment: {
        ...providerEnvironment,
        // Only the worker calls the model: every request's maxTokens is clamped to this.
        DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS: String(props.bedrockMaxOutputTokens),
        DOCUSNAP_WORKER_TIMEOUT_S: String(props.timeout.toSeconds()),
        DOCUSNAP_UNGROUNDED_VALUES: props.ungroundedValues ?? 'keep',
        ...(props.keyWrappingKey ? { DOCUSNAP_KMS_KEY_ID: props.keyWrappingKey.keyArn } : {}),
      },
    });
    const workerUses = BACKGROUND_HANDLERS.worker.uses;
    grantHandlerResources(this.worker, workerUses, props);
    // Textract reads SSE-KMS objects with the worker's permissions, so the worker must decrypt with the key.
    key.grantDecrypt(this.worker);
    if (workerUses.compatKey === 'unwrap' && props.keyWrappingKey) {
      grantClientKeyWrapping(this.worker, props.keyWrappingKey, 'kms:Decrypt');
    }
    this.worker.addToRolePolicy(
      new PolicyStatement({
        sid: 'TextractDetectDocumentText',
        actions: ['textract:DetectDocumentText'],
        // Textract's DetectDocumentText supports no resource-level permissions: "*" is the only form.
        resources: ['*'],
      }),
    );
    const bedrockInvoke = bedrockInvokeStatement(this, props.bedrockModelId);
    this.worker.addToRolePolicy(bedrockInvoke);
    for (const modelArn of bedrockInvoke.resources.filter((arn) =>
      nagResourceName(this, arn).includes('*'),
    )) {
      Validations.of(this.worker).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceName(this, modelArn)}]`,
        reason:
          'A cross-region inference profile routes to the same foundation model in several regions; the region is the only wildcard.',
      });
    }
    for (const [queue, maxConcurrency] of [
      [props.queues.high, props.queueConcurrency.high],
      [props.queues.normal, props.queueConcurrency.normal],
    ] as const) {
      this.worker.addEventSource(
        new SqsEventSource(queue, {
          // One task per invocation: the worker timeout is one task's lease, not a batch's.
          batchSize: 1,
          maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }
    // Replaces HandlerFunction's X-Ray acknowledgement of the same finding, so it names both statements.
    Validations.of(this.worker).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `textract:DetectDocumentText has no resource-level permissions either. ${X_RAY_STAR_RESOURCE}`,
    });

    this.deadLetterHandler = new HandlerFunction(this, 'DeadLetterHandler', {
      handler: 'deadLetter',
      defaults: props.functionDefaults,
      description: 'DocuSnap dead-letter handler: marks the tasks of dead messages as error',
      timeout: Duration.seconds(30),
      environment: providerEnvironment,
    });
    grantHandlerResources(this.deadLetterHandler, BACKGROUND_HANDLERS.deadLetter.uses, props);
    this.deadLetterHandler.addEventSource(
      new SqsEventSource(props.queues.deadLetter, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.sweeper = new HandlerFunction(this, 'Sweeper', {
      handler: 'sweeper',
      defaults: props.functionDefaults,
      description: 'DocuSnap sweeper: re-enqueues stale pending tasks, fails tasks processing too long',
      timeout: Duration.seconds(60),
      // One sweep at a time: two would re-send the same stale tasks.
      reservedConcurrentExecutions: 1,
      environment: {
        ...providerEnvironment,
        DOCUSNAP_PENDING_TIMEOUT_S: String(DEFAULT_PENDING_TIMEOUT_SECONDS),
        DOCUSNAP_PROCESSING_TIMEOUT_S: String(DEFAULT_PROCESSING_TIMEOUT_SECONDS),
      },
    });
    grantHandlerResources(this.sweeper, BACKGROUND_HANDLERS.sweeper.uses, props);
    this.sweepSchedule = new Rule(this, 'SweepSchedule', {
      description: 'Runs the DocuSnap sweeper',
      schedule: Schedule.rate(props.sweepInterval ?? Duration.minutes(5)),
      targets: [new LambdaFunction(this.sweeper, { retryAttempts: 0 })],
    });
  }
}

function validateTaskProcessingProps(props: TaskProcessingProps): void {
  const { high, normal } = props.queueConcurrency;
  if (high < 2 || normal < 2) {
    throw new Error(
      `each queue's maxConcurrency must be at least 2 (Lambda's minimum), got ${high}/${normal}`,
    );
  }
  if (high + normal > props.concurrency) {
    // Deliveries beyond the reserved concurrency are throttled and burn the messages' receive counts.
    throw new Error(
      `queue maxConcurrency ${high}+${normal} exceeds the worker's reserved ${props.concurrency}`,
    );
  }
  const visibilitySeconds = props.timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR;
  if (visibilitySeconds >= DEFAULT_PROCESSING_TIMEOUT_SECONDS) {
    // The sweeper would fail a task whose crashed worker's message is still waiting to come back.
    throw new Error(
      `queue visibility ${visibilitySeconds} s must stay below the sweeper's processing timeout ${DEFAULT_PROCESSING_TIMEOUT_SECONDS} s`,
    );
  }
}
