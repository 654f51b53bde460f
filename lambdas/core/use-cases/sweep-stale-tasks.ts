import { type EndTaskDependencies, endTask } from '../end-task';
import { TaskConflictError } from '../errors';
import type { Clock, TaskQueue } from '../ports';
import type { Task, TaskType } from '../task';
import { type ProviderNames, unknownUsage } from '../usage';

/** Tasks handled per status per run; the next run picks up the rest. */
export const SWEEP_BATCH = 100;

export interface SweepDependencies extends EndTaskDependencies {
  queue: TaskQueue;
  clock: Clock;
  providers: ProviderNames;
  pendingTimeoutSeconds: number;
  processingTimeoutSeconds: number;
}

/** A task the sweeper moved, for the sweeper's metrics (by type) and logs (by id). */
export interface SweptTask {
  taskId: string;
  type: TaskType;
}

export interface SweepReport {
  requeued: number;
  timedOut: number;
  /** Tasks whose sweep failed (queue or store unavailable); the next run tries them again. */
  errors: number;
  /** The tasks counted in `requeued` and `timedOut`, in sweep order. */
  requeuedTasks: SweptTask[];
  timedOutTasks: SweptTask[];
}

/** The sweeper's use case: re-send stale `pending` tasks, fail `processing` ones past the processing timeout. */
export async function sweepStaleTasks(deps: SweepDependencies): Promise<SweepReport> {
  const now = deps.clock.now();
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
  const report: SweepReport = { requeued: 0, timedOut: 0, errors: 0, requeuedTasks: [], timedOutTasks: [] };
  const swept = (task: Task): SweptTask => ({ taskId: task.taskId, type: task.type });
  // One task's failure (a queue outage, say) must not keep the sweeper from the others, nor from timeouts.
  const each = async (tasks: Task[], sweep: (task: Task) => Promise<void>) => {
    for (const task of tasks) {
      try {
        await sweep(task);
      } catch {
        report.errors += 1;
      }
    }
  };

  await each(
    await deps.tasks.listStale('pending', before(deps.pendingTimeoutSeconds), SWEEP_BATCH),
    async (task) => {
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
        report.requeued += 1;
        report.requeuedTasks.push(swept(task));
      }
    },
  );

  const stuck = await deps.tasks.listStale('processing', before(deps.processingTimeoutSeconds), SWEEP_BATCH);
  await each(stuck, async (task) => {
    const ended = await endTask(deps, {
      task,
      ending: {
        status: 'error',
        error: { code: 'PROCESSING_TIMEOUT', message: 'processing took longer than the processing timeout' },
        usage: unknownUsage(deps.providers),
      },
      at: now,
    });
    if (!ended) return;
    report.timedOut += 1;
    report.timedOutTasks.push(swept(task));
  });
  return report;
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
