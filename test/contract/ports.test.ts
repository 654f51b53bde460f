/**
 * Contract tests: one suite per port, run against the in-memory twin the core tests use and against the
 * adapter on the embedded emulators, so the twins cannot drift from what production does.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDbCache } from '../../lambdas/adapters/dynamodb-cache';
import { DynamoDbCompatStore } from '../../lambdas/adapters/dynamodb-compat-store';
import { DynamoDbIdempotencyStore } from '../../lambdas/adapters/dynamodb-idempotency';
import { DynamoDbTaskStore } from '../../lambdas/adapters/dynamodb-task-store';
import { S3BlobStore } from '../../lambdas/adapters/s3-blob-store';
import { S3UploadSigner } from '../../lambdas/adapters/s3-upload-signer';
import { SqsTaskQueue } from '../../lambdas/adapters/sqs-task-queue';
import type { Priority } from '../../lambdas/core/task';
import { MemoryCompatStore } from '../core/compat/support/memory-compat-store';
import { useEmulators } from '../support/emulators';
import {
  ManualClock,
  MemoryBlobStore,
  MemoryCache,
  MemoryIdempotencyStore,
  MemoryQueue,
  MemoryTaskStore,
} from '../support/memory-ports';
import { blobStoreContract } from './blob-store.contract';
import { cacheContract } from './cache.contract';
import { compatStoreContract } from './compat-store.contract';
import { idempotencyContract } from './idempotency.contract';
import { queueContract } from './queue.contract';
import { taskStoreContract } from './task-store.contract';

const emulators = useEmulators();
const table = () => emulators.env.DOCUSNAP_TABLE;
/** A clock a little ahead of the real one: the emulators' TTL attributes are epoch seconds like in AWS. */
const manualClock = () => new ManualClock(new Date().toISOString());

// ── in-memory twins ──────────────────────────────────────────────────────────
const memoryTasks = new MemoryTaskStore();
taskStoreContract('memory', () => memoryTasks);
const memoryBlobs = new MemoryBlobStore();
blobStoreContract(
  'memory',
  () => memoryBlobs,
  () => memoryBlobs,
);
cacheContract('memory', () => {
  const clock = manualClock();
  return { cache: new MemoryCache(clock), clock };
});
idempotencyContract('memory', () => {
  const clock = manualClock();
  return { store: new MemoryIdempotencyStore(clock), clock };
});
queueContract('memory', () => {
  const queue = new MemoryQueue();
  const delivered = async () => {
    const byPriority: Record<Priority, unknown[]> = { normal: [], high: [] };
    for (const { message, priority } of queue.sent.splice(0)) byPriority[priority].push(message);
    return byPriority;
  };
  return { queue, delivered };
});
compatStoreContract('memory', () => {
  const tasks = new MemoryTaskStore();
  return { compat: new MemoryCompatStore(tasks), tasks };
});

// ── adapters on the emulators (dynalite, s3rver, fauxqs) ──────────────────────
taskStoreContract('DynamoDB', () => new DynamoDbTaskStore(emulators.documentClient(), table()));
blobStoreContract(
  'S3',
  () => new S3BlobStore(emulators.s3(), emulators.env.DOCUSNAP_BUCKET),
  () => new S3UploadSigner(emulators.s3(), emulators.env.DOCUSNAP_BUCKET),
);
cacheContract('DynamoDB', () => {
  const clock = manualClock();
  return { cache: new DynamoDbCache(emulators.documentClient(), table(), clock), clock };
});
idempotencyContract('DynamoDB', () => {
  const clock = manualClock();
  return { store: new DynamoDbIdempotencyStore(emulators.documentClient(), table(), clock), clock };
});
queueContract('SQS', () => {
  const urls: Record<Priority, string> = {
    normal: emulators.env.DOCUSNAP_QUEUE_URL as string,
    high: emulators.env.DOCUSNAP_HIGH_QUEUE_URL as string,
  };
  const sqs = emulators.sqs();
  const receive = async (priority: Priority) => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: urls[priority], MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: urls[priority],
          Entries: Messages.map((message, n) => ({ Id: String(n), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    return Messages.map((message) => JSON.parse(message.Body ?? 'null'));
  };
  return {
    queue: new SqsTaskQueue(sqs, urls),
    delivered: async () => ({ normal: await receive('normal'), high: await receive('high') }),
  };
});
compatStoreContract('DynamoDB', () => ({
  compat: new DynamoDbCompatStore(emulators.documentClient(), table()),
  tasks: new DynamoDbTaskStore(emulators.documentClient(), table()),
}));
