import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { rethrowAwsError } from './aws-errors';

/** A received message as the SQS event names it. */
export interface ReceivedMessage {
  eventSourceARN: string;
  receiptHandle: string;
}

/**
 * Brings a received message back sooner (or later) than its queue's visibility timeout, on whichever of the
 * worker's queues it came from: the queue is named by the last part of both its ARN and its URL.
 */
export class SqsMessageRetries {
  private readonly urlByName: Map<string, string>;

  constructor(
    private readonly sqs: SQSClient,
    queueUrls: readonly string[],
  ) {
    this.urlByName = new Map(queueUrls.map((url) => [url.slice(url.lastIndexOf('/') + 1), url]));
  }

  async postpone(message: ReceivedMessage, seconds: number): Promise<void> {
    const name = message.eventSourceARN.slice(message.eventSourceARN.lastIndexOf(':') + 1);
    const queueUrl = this.urlByName.get(name);
    if (!queueUrl) throw new Error(`no queue URL for ${message.eventSourceARN}`);
    try {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      rethrowAwsError('SQS', error);
    }
  }
}
