import { isWellFormedId } from './blob-keys';
import { NotFoundError } from './errors';
import type { TaskStore } from './ports';
import type { Task } from './task';

const notFound = (taskId: string) => new NotFoundError('TASK_NOT_FOUND', `task ${taskId} does not exist`);

/** The caller's task, or 404 TASK_NOT_FOUND: another owner's task is indistinguishable from a missing one. */
export async function findOwnTask(tasks: TaskStore, owner: string, taskId: string): Promise<Task> {
  if (!isWellFormedId(taskId)) throw notFound(taskId);
  const task = await tasks.get(taskId);
  if (!task || task.owner !== owner) throw notFound(taskId);
  return task;
}
