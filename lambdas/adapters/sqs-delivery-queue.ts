import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../core/ports';
import type { WebhookDelivery } from '../core/webhooks/webhook';
import { rethrowAwsError } from './aws-errors';

/** SQS takes at most ten messages per batch. */
const BATCH_SIZE = 10;

/**
 * The webhook delivery queue. A failed attempt stays on the queue: its visibility is set to the backoff
 * delay, so the same message (and so the same `webhook-id`) comes back then, its receive count being the
 * attempt number.
 */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(deliveries: readonly WebhookDelivery[]): Promise<void> {
    try {
      for (let start = 0; start < deliveries.length; start += BATCH_SIZE) {
        const chunk = deliveries.slice(start, start + BATCH_SIZE);
        const { Failed = [] } = await this.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((delivery, index) => ({
              Id: String(index),
              MessageBody: JSON.stringify(delivery),
            })),
          }),
        );
        if (Failed.length > 0) {
          throw new Error(
            `SQS refused ${Failed.length} deliveries: ${Failed[0]?.Code} ${Failed[0]?.Message}`,
          );
        }
      }
    } catch (error) {
      rethrowAwsError('SQS', error);
    }
  }

  /** The received message comes back after `seconds` instead of the queue's visibility timeout. */
  async postpone(receiptHandle: string, seconds: number): Promise<void> {
    try {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      rethrowAwsError('SQS', error);
    }
  }
}
