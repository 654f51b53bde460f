import type { BlobReader } from './ports';
import type { TaskSummary, TaskView } from './schemas/tasks';
import type { Task } from './task';

export function toTaskSummary(task: Task): TaskSummary {
  return {
    taskId: task.taskId,
    type: task.type,
    status: task.status,
    priority: task.priority,
    createdAt: task.createdAt,
  };
}

/**
 * The API's view of a task; `result` and `evidence` are passed in when they live in the blob store.
 * Evidence is v1-only (DESIGN §3.2): a compat task never has any.
 */
export function toTaskView(task: Task, result: unknown = task.result, evidence = task.evidence): TaskView {
  return {
    ...toTaskSummary(task),
    updatedAt: task.updatedAt,
    ...(task.completedAt !== undefined && { completedAt: task.completedAt }),
    ...(result !== undefined && { result }),
    ...(evidence !== undefined && { evidence }),
    ...(task.error !== undefined && { error: task.error }),
    ...(task.usage !== undefined && { usage: task.usage }),
  };
}

/** A task's view with its result and evidence, read back from the blob store when too large for the record. */
export async function viewWithResult(blobs: BlobReader, task: Task): Promise<TaskView> {
  if (task.resultKey === undefined) return toTaskView(task);
  const [result, evidence] = await Promise.all([
    readJson(blobs, task.resultKey),
    task.evidenceKey === undefined ? task.evidence : readJson(blobs, task.evidenceKey),
  ]);
  return toTaskView(task, result, evidence as Task['evidence']);
}

async function readJson(blobs: BlobReader, key: string): Promise<unknown> {
  const stored = await blobs.get(key);
  return stored && JSON.parse(new TextDecoder().decode(stored));
}
