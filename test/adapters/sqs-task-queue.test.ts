import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqsTaskQueue } from '../../lambdas/adapters/sqs-task-queue';
import { DependencyUnavailableError } from '../../lambdas/core/errors';
import type { TaskMessage } from '../../lambdas/core/shared-facts';
import { useEmulators } from '../support/emulators';

const emulators = useEmulators({ visibilityTimeoutSeconds: 7 });
let queue: SqsTaskQueue;

beforeAll(() => {
  queue = new SqsTaskQueue(emulators.sqs(), {
    normal: emulators.env.DOCUSNAP_QUEUE_URL,
    high: emulators.env.DOCUSNAP_HIGH_QUEUE_URL,
  });
});

async function receiveBodies(queueUrl: string): Promise<string[]> {
  const { Messages = [] } = await emulators
    .sqs()
    .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return Messages.map((message) => message.Body ?? '');
}

describe('SqsTaskQueue', () => {
  it('sends a normal-priority task to the normal queue with only its id in the body', async () => {
    const taskId = randomUUID();
    // Anything beyond the id must stay out of the message, even if a caller passes more.
    await queue.send({ taskId, owner: 'alice' } as TaskMessage, 'normal');
    expect(await receiveBodies(emulators.env.DOCUSNAP_QUEUE_URL)).toEqual([JSON.stringify({ taskId })]);
    expect(await receiveBodies(emulators.env.DOCUSNAP_HIGH_QUEUE_URL)).toEqual([]);
  });

  it('sends a high-priority task to the high queue', async () => {
    const taskId = randomUUID();
    await queue.send({ taskId }, 'high');
    expect(await receiveBodies(emulators.env.DOCUSNAP_HIGH_QUEUE_URL)).toEqual([`{"taskId":"${taskId}"}`]);
    expect(await receiveBodies(emulators.env.DOCUSNAP_QUEUE_URL)).toEqual([]);
  });

  it('moves a message received five times without success to the dead-letter queue', async () => {
    const taskId = randomUUID();
    await queue.send({ taskId }, 'normal');
    const sqs = emulators.sqs();
    const queueUrl = emulators.env.DOCUSNAP_QUEUE_URL;
    for (let receive = 1; receive <= 5; receive++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      expect(Messages.map((message) => message.Body)).toEqual([JSON.stringify({ taskId })]);
      // A worker that fails: the message becomes visible again at once instead of after the timeout.
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: Messages[0]?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
    expect(await receiveBodies(queueUrl)).toEqual([]);
    expect(await receiveBodies(emulators.env.DOCUSNAP_DLQ_URL)).toEqual([JSON.stringify({ taskId })]);
  });

  it('gives both work queues the configured visibility timeout', async () => {
    for (const queueUrl of [emulators.env.DOCUSNAP_QUEUE_URL, emulators.env.DOCUSNAP_HIGH_QUEUE_URL]) {
      const { Attributes } = await emulators
        .sqs()
        .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout'] }));
      expect(Attributes?.VisibilityTimeout).toBe('7');
    }
  });

  it('reports an unreachable queue service as DependencyUnavailableError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/000000000000/docusnap-tasks`;
    const sqs = new SQSClient({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    const unreachable = new SqsTaskQueue(sqs, { normal: url, high: url });
    await expect(unreachable.send({ taskId: 't' }, 'normal')).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    sqs.destroy();
  });
});
