import type { TaskSummary, TaskView } from '../schemas/tasks';
import type { Task } from '../task';

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
