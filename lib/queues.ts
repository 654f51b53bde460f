import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_FACTOR } from '../lambdas/core/shared-facts';

export interface TaskQueuesProps {
  readonly encryptionKey: IKey;
  /** The worker's timeout; the queues' visibility timeout is six times it. */
  readonly workerTimeout: Duration;
}

/** The normal and high-priority task queues and their shared dead-letter queue. */
export class TaskQueues extends Construct {
  readonly normal: Queue;
  readonly high: Queue;
  readonly deadLetter: Queue;

  constructor(scope: Construct, id: string, props: TaskQueuesProps) {
    super(scope, id);
    const encryption = { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey };

    this.deadLetter = new Queue(this, 'DeadLetter', {
      ...encryption,
      enforceSSL: true,
      // The longest SQS allows: time to investigate before a dead message is gone.
      retentionPeriod: Duration.days(14),
    });

    const visibilityTimeout = Duration.seconds(props.workerTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR);
    const taskQueue = (queueId: string) =>
      new Queue(this, queueId, {
        ...encryption,
        enforceSSL: true,
        visibilityTimeout,
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: this.deadLetter, maxReceiveCount: MAX_RECEIVE_COUNT },
      });
    this.normal = taskQueue('Normal');
    this.high = taskQueue('High');
  }
}
