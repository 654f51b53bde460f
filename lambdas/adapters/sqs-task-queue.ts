import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TaskQueue } from '../core/ports';
import { encodeTaskMessage, type TaskMessage } from '../core/shared-facts';
import type { Priority } from '../core/task';
import { rethrowAwsError } from './aws-errors';

/** TaskQueue on two SQS queues, one per priority; the worker reads both. */
export class SqsTaskQueue implements TaskQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: { normal: string; high: string },
  ) {}

  async send(message: TaskMessage, priority: Priority): Promise<void> {
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.urls[priority],
          MessageBody: encodeTaskMessage(message),
        }),
      );
    } catch (error) {
      rethrowAwsError('SQS', error);
    }
  }
}
