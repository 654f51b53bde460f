import type { BlobStore, Cache, TaskStore } from '../ports';
import type { Task } from '../task';
import { evidenceKey, resultKey } from './blob-keys';
import { isOwnCacheKey } from './cache-keys';
import { findOwnTask } from './get-task';

export interface DeleteTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  cache: Cache;
}

/**
 * Every blob a task owns: its inline images, the uploads it consumed (an upload serves one task),
 * its request details and a large result with its evidence.
 */
export function taskBlobKeys(task: Task, options: { withResult: boolean }): string[] {
  return [
    ...task.images.map((image) => image.key),
    task.requestKey,
    // The conventional key too: a worker may have written it before losing the race to complete.
    ...(options.withResult
      ? [
          ...new Set([
            resultKey(task.owner, task.taskId),
            task.resultKey ?? '',
            evidenceKey(task.owner, task.taskId),
            task.evidenceKey ?? '',
          ]),
        ].filter(Boolean)
      : []),
  ];
}

/**
 * `DELETE /v1/tasks/{taskId}`: blobs and the cache entries holding copies of the task's OCR text and
 * result first, so a failure leaves the task there to delete again.
 */
export async function deleteTask(deps: DeleteTaskDependencies, owner: string, taskId: string): Promise<void> {
  const task = await findOwnTask(deps.tasks, owner, taskId);
  await deps.blobs.delete(taskBlobKeys(task, { withResult: true }));
  const cacheKeys = (task.cacheKeys ?? []).filter((key) => isOwnCacheKey(task.owner, key));
  if (cacheKeys.length > 0) await deps.cache.delete(cacheKeys);
  await deps.tasks.delete(task.taskId);
}
