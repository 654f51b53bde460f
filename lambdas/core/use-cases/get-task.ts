import { findOwnTask } from '../own-task';
import type { BlobStore, TaskStore } from '../ports';
import type { TaskView } from '../schemas/tasks';
import { viewWithResult } from '../task-view';

export interface GetTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
}

/** One task of its owner's, as the `getTask` route shows it. */
export async function getTask(deps: GetTaskDependencies, owner: string, taskId: string): Promise<TaskView> {
  return viewWithResult(deps.blobs, await findOwnTask(deps.tasks, owner, taskId));
}
