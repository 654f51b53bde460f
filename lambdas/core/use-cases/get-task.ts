import { NotFoundError } from '../errors';
import type { BlobStore, TaskStore } from '../ports';
import type { TaskView } from '../schemas/tasks';
import type { Task } from '../task';
import { isWellFormedId } from './blob-keys';
import { toTaskView } from './task-view';

export interface GetTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
}

const notFound = (taskId: string) => new NotFoundError('TASK_NOT_FOUND', `task ${taskId} does not exist`);

/** The caller's task, or 404 TASK_NOT_FOUND: another owner's task is indistinguishable from a missing one. */
export async function findOwnTask(tasks: TaskStore, owner: string, taskId: string): Promise<Task> {
  if (!isWellFormedId(taskId)) throw notFound(taskId);
  const task = await tasks.get(taskId);
  if (!task || task.owner !== owner) throw notFound(taskId);
  return task;
}

/** A task's view with its result and evidence, read back from the blob store when too large for the record. */
export async function viewWithResult(blobs: BlobStore, task: Task): Promise<TaskView> {
  if (task.resultKey === undefined) return toTaskView(task);
  const [result, evidence] = await Promise.all([
    readJson(blobs, task.resultKey),
    task.evidenceKey === undefined ? task.evidence : readJson(blobs, task.evidenceKey),
  ]);
  return toTaskView(task, result, evidence as Task['evidence']);
}

async function readJson(blobs: BlobStore, key: string): Promise<unknown> {
  const stored = await blobs.get(key);
  return stored && JSON.parse(new TextDecoder().decode(stored));
}

/** `GET /v1/tasks/{taskId}` */
export async function getTask(deps: GetTaskDependencies, owner: string, taskId: string): Promise<TaskView> {
  return viewWithResult(deps.blobs, await findOwnTask(deps.tasks, owner, taskId));
}
