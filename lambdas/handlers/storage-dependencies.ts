/**
 * The storage adapters every composition root builds from: the task store, blob store, caches, queues and
 * idempotency records on the configured table, bucket and queues, and the clock. One factory per port, so
 * a handler builds (and its bundle carries) only the clients its use case takes. No OCR or LLM client
 * here: only the worker adds those (worker-dependencies.ts).
 */
import { DynamoDbCache } from '../adapters/dynamodb-cache';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb-idempotency';
import { DynamoDbTaskStore } from '../adapters/dynamodb-task-store';
import { DynamoDbUploadClaims } from '../adapters/dynamodb-upload-claims';
import { S3BlobStore } from '../adapters/s3-blob-store';
import { S3ObjectReader } from '../adapters/s3-object-reader';
import { S3UploadSigner } from '../adapters/s3-upload-signer';
import { SqsTaskQueue } from '../adapters/sqs-task-queue';
import type {
  BlobReader,
  BlobStore,
  Cache,
  Clock,
  IdempotencyStore,
  TaskQueue,
  TaskStore,
  UploadClaims,
  UploadSigner,
} from '../core/ports';
import { CLIENT_TIMEOUTS, documentClient, s3Client, sqsClient } from './aws-clients';
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

/** The stores on the table share one client: pass it to each of them. */
export type TableClient = ReturnType<typeof documentClient>;

export const systemClock: Clock = { now: () => new Date() };

export const taskStore = (config: Config, doc: TableClient = documentClient()): TaskStore =>
  new DynamoDbTaskStore(doc, config.table);
export const cacheStore = (config: Config, doc: TableClient = documentClient()): Cache =>
  new DynamoDbCache(doc, config.table);
export const idempotencyStore = (config: Config, doc: TableClient = documentClient()): IdempotencyStore =>
  new DynamoDbIdempotencyStore(doc, config.table);
export const uploadClaims = (config: Config, doc: TableClient = documentClient()): UploadClaims =>
  new DynamoDbUploadClaims(doc, config.table);
export const blobStore = (config: Config): BlobStore => new S3BlobStore(s3Client(config), config.bucket);
/** For the routes that only read results: signed GETs, without the S3 client in their bundles. */
export function blobReader(config: Config): BlobReader {
  if (!config.region) throw new Error('AWS_REGION must be set');
  return new S3ObjectReader({
    bucket: config.bucket,
    region: config.region,
    endpoint: config.s3Endpoint,
    timeouts: CLIENT_TIMEOUTS.s3,
  });
}
export const uploadSigner = (config: Config): UploadSigner =>
  new S3UploadSigner(s3Client(config), config.bucket);
export const taskQueue = (config: Config): TaskQueue => new SqsTaskQueue(sqsClient(), config.queueUrls);

/** Every storage port (worker, compat). SDK clients open no connection before their first call. */
export function storageFromConfig(config: Config): StorageDependencies {
  const doc = documentClient();
  return {
    tasks: taskStore(config, doc),
    blobs: blobStore(config),
    cache: cacheStore(config, doc),
    queue: taskQueue(config),
    idempotency: idempotencyStore(config, doc),
    uploads: uploadClaims(config, doc),
    clock: systemClock,
  };
}
