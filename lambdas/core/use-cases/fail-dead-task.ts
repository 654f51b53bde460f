import { type EndTaskDependencies, endTask } from '../end-task';
import type { Clock } from '../ports';
import { isTerminal, type TaskType } from '../task';
import { type ProviderNames, unknownUsage } from '../usage';

export interface FailDeadTaskDependencies extends EndTaskDependencies {
  clock: Clock;
  providers: ProviderNames;
}

export type FailDeadTaskOutcome =
  | { outcome: 'failed'; type: TaskType }
  /** Finished, deleted, or moved on while we looked. */
  | { outcome: 'skipped' }
  /** A worker holds a live lease on it: ask again once the lease is over (the message is retried). */
  | { outcome: 'busy' };

/**
 * The dead-letter handler's use case: a task whose message died ends `error`, unless it finished or a
 * worker's lease on it is still live (then `busy`: its message is the task's last, so it is asked again
 * later rather than dropped). The end is conditional on the status and attempt read here.
 */
export async function failDeadTask(
  deps: FailDeadTaskDependencies,
  taskId: string,
): Promise<FailDeadTaskOutcome> {
  const task = await deps.tasks.get(taskId);
  if (!task || isTerminal(task.status)) return { outcome: 'skipped' };
  const now = deps.clock.now();
  if (task.status === 'processing' && task.leaseUntil !== undefined && task.leaseUntil > now.toISOString()) {
    return { outcome: 'busy' };
  }
  const ended = await endTask(deps, {
    task,
    ending: {
      status: 'error',
      error: { code: 'INTERNAL_ERROR', message: 'processing failed repeatedly' },
      usage: unknownUsage(deps.providers),
    },
    at: now,
  });
  return ended ? { outcome: 'failed', type: task.type } : { outcome: 'skipped' };
}
