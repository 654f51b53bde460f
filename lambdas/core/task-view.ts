import type { BlobStore } from './ports';
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

/** The API's view of a task; `result` is passed in when it lives in the blob store. */
export function toTaskView(task: Task, result: unknown = task.result): TaskView {
  return {
    ...toTaskSummary(task),
    updatedAt: task.updatedAt,
    ...(task.completedAt !== undefined && { completedAt: task.completedAt }),
    ...(result !== undefined && { result }),
    ...(task.error !== undefined && { error: task.error }),
    ...(task.usage !== undefined && { usage: task.usage }),
  };
}

/** A task's view with its result, read back from the blob store when it was too large for the record. */
export async function viewWithResult(blobs: BlobStore, task: Task): Promise<TaskView> {
  if (task.resultKey === undefined) return toTaskView(task);
  const stored = await blobs.get(task.resultKey);
  return toTaskView(task, stored && JSON.parse(new TextDecoder().decode(stored)));
}
