import type { BlobStore, TaskStore } from '../ports';
import type { Task } from '../task';
import { resultKey } from './blob-keys';
import { findOwnTask } from './get-task';

export interface DeleteTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
}

/**
 * Every blob a task owns: its inline images, the uploads it consumed (an upload serves one task),
 * its request details and a large result.
 */
export function taskBlobKeys(task: Task, options: { withResult: boolean }): string[] {
  return [
    ...task.images.map((image) => image.key),
    task.requestKey,
    // The conventional key too: a worker may have written it before losing the race to complete.
    ...(options.withResult
      ? [...new Set([resultKey(task.owner, task.taskId), task.resultKey ?? ''])].filter(Boolean)
      : []),
  ];
}

/** `DELETE /v1/tasks/{taskId}`: blobs first, so a failure leaves the task there to delete again. */
export async function deleteTask(deps: DeleteTaskDependencies, owner: string, taskId: string): Promise<void> {
  const task = await findOwnTask(deps.tasks, owner, taskId);
  await deps.blobs.delete(taskBlobKeys(task, { withResult: true }));
  await deps.tasks.delete(task.taskId);
}
