import { TaskConflictError } from '../errors';
import type { BlobStore, Clock, TaskQueue, TaskStore } from '../ports';
import { taskBlobKeys } from './delete-task';
import { type UsageProviders, unknownUsage } from './no-usage';

/** Tasks handled per status per run; the next run picks up the rest. */
export const SWEEP_BATCH = 100;

export interface SweepDependencies extends UsageProviders {
  tasks: TaskStore;
  queue: TaskQueue;
  blobs: BlobStore;
  clock: Clock;
  keepInputs: boolean;
  pendingTimeoutSeconds: number;
  processingTimeoutSeconds: number;
}

export interface SweepCounts {
  requeued: number;
  timedOut: number;
}

/** The sweeper's use case: re-send stale `pending` tasks, fail `processing` ones past the processing timeout. */
export async function sweepStaleTasks(deps: SweepDependencies): Promise<SweepCounts> {
  const now = deps.clock.now();
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  const counts: SweepCounts = { requeued: 0, timedOut: 0 };

  for (const task of await deps.tasks.listStale('pending', before(deps.pendingTimeoutSeconds), SWEEP_BATCH)) {
    // Sent before the touch: if the touch fails the next run sends again, which a duplicate delivery tolerates.
    await deps.queue.send({ taskId: task.taskId }, task.priority);
    if (
      await moved(() =>
        deps.tasks.transition(
          task.taskId,
          { from: ['pending'] },
          { status: 'pending', updatedAt: now.toISOString() },
        ),
      )
    ) {
      counts.requeued += 1;
    }
  }

  for (const task of await deps.tasks.listStale(
    'processing',
    before(deps.processingTimeoutSeconds),
    SWEEP_BATCH,
  )) {
    const failed = await moved(() =>
      deps.tasks.transition(
        task.taskId,
        { from: ['processing'], attempts: task.attempts },
        {
          status: 'error',
          updatedAt: now.toISOString(),
          completedAt: now.toISOString(),
          error: {
            code: 'PROCESSING_TIMEOUT',
            message: 'processing took longer than the processing timeout',
          },
          usage: unknownUsage(deps),
        },
      ),
    );
    if (!failed) continue;
    counts.timedOut += 1;
    if (!deps.keepInputs) await deps.blobs.delete(taskBlobKeys(task, { withResult: true })).catch(() => {});
  }
  return counts;
}

/** False when the task changed under us (a worker claimed or finished it): leave it alone. */
async function moved(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof TaskConflictError) return false;
    throw error;
  }
}
