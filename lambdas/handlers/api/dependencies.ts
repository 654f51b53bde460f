/**
 * Composition root of the API handlers: the shared storage only (no Textract, Bedrock or tesseract here,
 * so the API bundles stay small). Built on first use, once per cold start; tests and
 * the local runtime may replace it first with `useApiDependencies(...)`.
 */
import { randomUUID } from 'node:crypto';
import { DocumentPageCounter } from '../../adapters/document-page-counter';
import type { DeleteTaskDependencies } from '../../core/use-cases/delete-task';
import type { WaitDependencies } from '../../core/use-cases/get-task';
import type { SubmitTaskDependencies } from '../../core/use-cases/submit-task';
import { type Config, environmentConfig } from '../config';
import { storageFromConfig } from '../storage-dependencies';

/** Everything the API's use cases need (each takes the part it uses). */
export type ApiDependencies = SubmitTaskDependencies & DeleteTaskDependencies & WaitDependencies;

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
  const { tasks, blobs, queue, idempotency, uploads, cache, clock } = storageFromConfig(config);
  return {
    tasks,
    blobs,
    queue,
    idempotency,
    uploads,
    // DELETE removes the cache entries that copy a task's OCR text and result.
    cache,
    clock,
    ids: { newId: () => randomUUID() },
    pageCounter: new DocumentPageCounter(),
    // A long poll's pause between reads of the task (GET /v1/tasks/{taskId}?waitSeconds=).
    pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    retentionDays: config.retentionDays,
  };
}
