/**
 * The storage every composition root starts from: the task store, blob store, caches, queues and
 * idempotency records on the configured table, bucket and queues, and the clock. No OCR or LLM client here:
 * only the worker adds those (worker-dependencies.ts).
 */
import { DynamoDbCache } from '../adapters/dynamodb-cache';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb-idempotency';
import { DynamoDbTaskStore } from '../adapters/dynamodb-task-store';
import { DynamoDbUploadClaims } from '../adapters/dynamodb-upload-claims';
import { S3BlobStore } from '../adapters/s3-blob-store';
import { SqsTaskQueue } from '../adapters/sqs-task-queue';
import type {
  BlobStore,
  Cache,
  Clock,
  IdempotencyStore,
  TaskQueue,
  TaskStore,
  UploadClaims,
} from '../core/ports';
import { documentClient, s3Client, sqsClient } from './aws-clients';
import type { Config } from './config';

export interface StorageDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  /** The OCR and LLM caches: DELETE and /clear remove a task's entries, the worker reads and writes them. */
  cache: Cache;
  queue: TaskQueue;
  idempotency: IdempotencyStore;
  uploads: UploadClaims;
  clock: Clock;
}

/** SDK clients open no connection before their first call, so a handler pays only for what it uses. */
export function storageFromConfig(config: Config): StorageDependencies {
  const doc = documentClient();
  return {
    tasks: new DynamoDbTaskStore(doc, config.table),
    blobs: new S3BlobStore(s3Client(config), config.bucket),
    cache: new DynamoDbCache(doc, config.table),
    queue: new SqsTaskQueue(sqsClient(), config.queueUrls),
    idempotency: new DynamoDbIdempotencyStore(doc, config.table),
    uploads: new DynamoDbUploadClaims(doc, config.table),
    clock: { now: () => new Date() },
  };
}
