import { taskBlobKeys } from '../blob-keys';
import { TaskConflictError } from '../errors';
import type { BlobStore, Clock, TaskStore } from '../ports';
import { isTerminal, type TaskType } from '../task';
import { type UsageProviders, unknownUsage } from '../usage';

export interface FailDeadTaskDependencies extends UsageProviders {
  tasks: TaskStore;
  blobs: BlobStore;
  clock: Clock;
  keepInputs: boolean;
}

export type FailDeadTaskOutcome = { outcome: 'failed'; type: TaskType } | { outcome: 'skipped' };

/** The dead-letter handler's use case: a task whose message died ends `error`; a finished one stays as it is. */
export async function failDeadTask(
  deps: FailDeadTaskDependencies,
  taskId: string,
): Promise<FailDeadTaskOutcome> {
  const task = await deps.tasks.get(taskId);
  if (!task || isTerminal(task.status)) return { outcome: 'skipped' };
  const now = deps.clock.now().toISOString();
  try {
    await deps.tasks.transition(
      taskId,
      { from: ['pending', 'processing'] },
      {
        status: 'error',
        updatedAt: now,
        completedAt: now,
        error: { code: 'INTERNAL_ERROR', message: 'processing failed repeatedly' },
        usage: unknownUsage(deps),
      },
    );
  } catch (error) {
    // It finished in the meantime: nothing to do.
    if (error instanceof TaskConflictError) return { outcome: 'skipped' };
    throw error;
  }
  if (!deps.keepInputs) await deps.blobs.delete(taskBlobKeys(task, { withResult: true })).catch(() => {});
  return { outcome: 'failed', type: task.type };
}
