import { isWellFormedId } from './blob-keys';
import { TaskNotFound } from './errors';
import type { TaskStore } from './ports';
import type { Task } from './task';

/** The caller's task, or TaskNotFound: another owner's task is indistinguishable from a missing one. */
export async function findOwnTask(tasks: TaskStore, owner: string, taskId: string): Promise<Task> {
  if (!isWellFormedId(taskId)) throw new TaskNotFound(taskId);
  const task = await tasks.get(taskId);
  if (!task || task.owner !== owner) throw new TaskNotFound(taskId);
  return task;
}
