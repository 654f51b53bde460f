import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqsMessageRetries } from '../../lambdas/adapters/sqs-message-retries';
import { useEmulators } from '../support/emulators';

const emulators = useEmulators({ visibilityTimeoutSeconds: 600 });
let retries: SqsMessageRetries;

beforeAll(() => {
  retries = new SqsMessageRetries(emulators.sqs(), [
    emulators.env.DOCUSNAP_QUEUE_URL,
    emulators.env.DOCUSNAP_HIGH_QUEUE_URL,
  ]);
});

async function receive(queueUrl: string) {
  const { Messages = [] } = await emulators
    .sqs()
    .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return Messages;
}

async function arnOf(queueUrl: string): Promise<string> {
  const { Attributes } = await emulators
    .sqs()
    .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes?.QueueArn as string;
}

describe('SqsMessageRetries', () => {
  it('brings a received message back on the queue it came from, instead of after the visibility timeout', async () => {
    const queueUrl = emulators.env.DOCUSNAP_HIGH_QUEUE_URL;
    const body = JSON.stringify({ taskId: randomUUID() });
    await emulators.sqs().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const [received] = await receive(queueUrl);
    expect(received?.Body).toBe(body);
    // Hidden for the queue's 600 s now; postponed to 0 s, it is there again at once.
    expect(await receive(queueUrl)).toEqual([]);
    await retries.postpone(
      { eventSourceARN: await arnOf(queueUrl), receiptHandle: received?.ReceiptHandle as string },
      0,
    );
    expect((await receive(queueUrl)).map((message) => message.Body)).toEqual([body]);
  });

  it('refuses a message from a queue it was not given', async () => {
    await expect(
      retries.postpone(
        { eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:elsewhere', receiptHandle: 'x' },
        5,
      ),
    ).rejects.toThrow('no queue URL for arn:aws:sqs:us-east-1:000000000000:elsewhere');
  });
});
