import { taskBlobKeys } from '../blob-keys';
import { isOwnCacheKey } from '../cache-keys';
import { findOwnTask } from '../own-task';
import type { BlobStore, Cache, TaskStore } from '../ports';

export interface DeleteTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  cache: Cache;
}

/**
 * Deleting a task (route `deleteTask`): blobs and the cache entries holding copies of the task's OCR text and
 * result first, so a failure leaves the task there to delete again.
 */
export async function deleteTask(deps: DeleteTaskDependencies, owner: string, taskId: string): Promise<void> {
  const task = await findOwnTask(deps.tasks, owner, taskId);
  await deps.blobs.delete(taskBlobKeys(task, { withResult: true }));
  const cacheKeys = (task.cacheKeys ?? []).filter((key) => isOwnCacheKey(task.owner, key));
  if (cacheKeys.length > 0) await deps.cache.delete(cacheKeys);
  await deps.tasks.delete(task.taskId);
}
