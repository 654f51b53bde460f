/**
 * One way to end a task (docs/architecture.md "Ending a task"): the worker, the dead-letter handler, the
 * sweeper and the compat poll timeout all end tasks here, so each end is conditional, records the task's
 * cache keys and deletes its inputs alike.
 */

import { taskBlobKeys } from './blob-keys';
import { TaskConflictError } from './errors';
import type { BlobStore, TaskStore } from './ports';
import type { Evidence } from './schemas/evidence';
import type { Task, TaskErrorInfo, Usage } from './task';

/**
 * Told of every task that ended, after its terminal write succeeded (webhooks, EventBridge). A failure
 * here does not undo the end: the task is terminal either way.
 */
export interface TaskEvents {
  taskEnded(task: Task): Promise<void>;
}

export interface EndTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  /** DOCUSNAP_KEEP_INPUTS: a task's inputs stay after it ends (until retention). Read only here. */
  keepInputs: boolean;
  /** @default none */
  events?: TaskEvents;
}

/**
 * How a task ends. A completed task's result (and a v1 task's evidence) is either inline or in the blob
 * store under `resultKey` (and `evidenceKey`).
 */
export type TaskEnding =
  | { status: 'completed'; usage: Usage; result: unknown; evidence?: Evidence }
  | { status: 'completed'; usage: Usage; resultKey: string; evidenceKey?: string }
  | { status: 'error'; usage: Usage; error: TaskErrorInfo };

export interface EndTaskRequest {
  /**
   * The task as the caller last read or claimed it: the end is written only while the task still has
   * this status and attempt, so a stale writer never ends a task another one has taken over.
   */
  task: Task;
  ending: TaskEnding;
  /** Cache keys the caller read or wrote for this task; added to those it already records. */
  cacheKeys?: Iterable<string>;
  /** The instant of the end. */
  at: Date;
}

/** The ended task, or undefined when it had moved on (ended, taken over or deleted) meanwhile. */
export async function endTask(deps: EndTaskDependencies, request: EndTaskRequest): Promise<Task | undefined> {
  const { task, ending } = request;
  const at = request.at.toISOString();
  const cacheKeys = [...new Set(request.cacheKeys ?? [])].sort();
  let ended: Task;
  try {
    ended = await deps.tasks.transition(
      task.taskId,
      { from: [task.status], attempts: task.attempts },
      {
        ...ending,
        updatedAt: at,
        completedAt: at,
        ...(cacheKeys.length > 0 && { addCacheKeys: cacheKeys }),
      },
    );
  } catch (error) {
    if (error instanceof TaskConflictError) return undefined;
    throw error;
  }
  if (!deps.keepInputs) {
    // The task is terminal already; a failed delete is left to the bucket's lifecycle rule. A failed task
    // also loses a result a superseded worker may have written; a completed one keeps its own.
    await deps.blobs.delete(taskBlobKeys(ended, { withResult: ending.status === 'error' })).catch(() => {});
  }
  await deps.events?.taskEnded(ended).catch(() => {});
  return ended;
}
