/**
 * Composition root of the API handlers: DynamoDB, S3 and SQS adapters only (no Textract, Bedrock or
 * tesseract here, so the API bundles stay small). Built on first use, once per cold start; tests and
 * the local runtime may replace it first with `useApiDependencies(...)`.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDbCache } from '../../adapters/dynamodb-cache';
import { DynamoDbIdempotencyStore } from '../../adapters/dynamodb-idempotency';
import { DynamoDbTaskStore } from '../../adapters/dynamodb-task-store';
import { S3BlobStore } from '../../adapters/s3-blob-store';
import { SqsTaskQueue } from '../../adapters/sqs-task-queue';
import type { DeleteTaskDependencies } from '../../core/use-cases/delete-task';
import type { SubmitTaskDependencies } from '../../core/use-cases/submit-task';
import { documentClient, s3Client, sqsClient } from '../aws-clients';
import { type Config, environmentConfig } from '../config';

/** Everything the API's use cases need (each takes the part it uses). */
export type ApiDependencies = SubmitTaskDependencies & DeleteTaskDependencies;

let current: ApiDependencies | undefined;

/** Replaces the dependencies (tests, local runtime); `undefined` goes back to building from the environment. */
export function useApiDependencies(dependencies: ApiDependencies | undefined): void {
  current = dependencies;
}

export function dependencies(): ApiDependencies {
  current ??= fromConfig(environmentConfig());
  return current;
}

export function fromConfig(config: Config): ApiDependencies {
  const doc = documentClient();
  return {
    tasks: new DynamoDbTaskStore(doc, config.table),
    blobs: new S3BlobStore(s3Client(config), config.bucket),
    queue: new SqsTaskQueue(sqsClient(), config.queueUrls),
    idempotency: new DynamoDbIdempotencyStore(doc, config.table),
    // DELETE removes the cache entries that copy a task's OCR text and result.
    cache: new DynamoDbCache(doc, config.table),
    clock: { now: () => new Date() },
    ids: { newId: () => randomUUID() },
    retentionDays: config.retentionDays,
  };
}
