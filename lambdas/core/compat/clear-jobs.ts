import { isOwnCacheKey } from '../cache-keys';
import type { BlobStore, Cache, TaskStore } from '../ports';
import type { CompatRecord, CompatStore } from './compat-store';
import { type CompatErrorCode, isCompatType } from './protocol';

export interface CompatClearDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  /** The worker records the OCR cache entries of a job's images in `task.cacheKeys`; /clear deletes them. */
  cache: Cache;
  compat: CompatStore;
}

export type ClearAnswer = { status: 'ok' } | { status: 'error'; error_detail: CompatErrorCode };

/**
 * `POST /clear {"client_id","SHA256"?,"type"?}`: deletes the named job, or every job of the client when
 * neither is given; `SHA256` alone clears it under every type and `type` alone every job of that type.
 */
export async function clearCompatJobs(deps: CompatClearDependencies, body: unknown): Promise<ClearAnswer> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { status: 'error', error_detail: 'MISSING_REQUIRED_FIELD' };
  }
  const { client_id: clientId, SHA256: sha256, type } = body as Record<string, unknown>;
  if (typeof clientId !== 'string' || clientId.length === 0) {
    return { status: 'error', error_detail: 'MISSING_REQUIRED_FIELD' };
  }
  if (type !== undefined && type !== null && !isCompatType(type)) {
    return { status: 'error', error_detail: 'INVALID_TYPE' };
  }

  let records: CompatRecord[];
  if (typeof sha256 === 'string' && isCompatType(type)) {
    const record = await deps.compat.get({ clientId, type, sha256 });
    records = record ? [record] : [];
  } else {
    records = (await deps.compat.listByClient(clientId)).filter(
      (record) =>
        (typeof sha256 !== 'string' || record.sha256 === sha256) &&
        (!isCompatType(type) || record.type === type),
    );
  }
  for (const record of records) await deleteJob(deps, record);
  return { status: 'ok' };
}

/**
 * The record goes first, so no poll can reach a half-deleted job; then the task, so a worker still on it
 * fails to finish and deletes the cache entries it wrote itself; then the blobs and the cache entries the
 * task names, which hold copies of the job's OCR text (only the owner's own, as deleting a v1 task does).
 */
async function deleteJob(deps: CompatClearDependencies, record: CompatRecord): Promise<void> {
  await deps.compat.delete(record);
  const task = await deps.tasks.get(record.taskId);
  if (!task) return;
  await deps.tasks.delete(task.taskId);
  const keys = [...task.images.map((image) => image.key), task.requestKey];
  if (task.resultKey) keys.push(task.resultKey);
  await deps.blobs.delete(keys);
  const cacheKeys = (task.cacheKeys ?? []).filter((key) => isOwnCacheKey(task.owner, key));
  if (cacheKeys.length > 0) await deps.cache.delete(cacheKeys);
}
