import { findOwnTask } from '../own-task';
import type { BlobReader, Clock, TaskStore } from '../ports';
import type { TaskView } from '../schemas/tasks';
import { isTerminal } from '../task';
import { viewWithResult } from '../task-view';

export interface GetTaskDependencies {
  tasks: TaskStore;
  blobs: BlobReader;
}

/** What a long poll needs beyond a plain read: the time, and a way to let it pass. */
export interface WaitDependencies {
  clock: Clock;
  pause(ms: number): Promise<void>;
}

/** Re-reads of a waited-for task start this far apart and double up to the cap: ~13 reads in 20 s. */
export const FIRST_RECHECK_MS = 250;
export const MAX_RECHECK_MS = 2000;

/**
 * `GET /v1/tasks/{taskId}[?waitSeconds=N]`: with N > 0, answers as soon as the task is terminal, or after N
 * seconds with its current view. Re-reads back off (0.25 s doubling to 2 s), so a waiting client costs a
 * handful of reads, not a spin.
 */
export async function getTask(
  deps: GetTaskDependencies & Partial<WaitDependencies>,
  owner: string,
  taskId: string,
  options: { waitSeconds?: number } = {},
): Promise<TaskView> {
  let task = await findOwnTask(deps.tasks, owner, taskId);
  const waitMs = (options.waitSeconds ?? 0) * 1000;
  if (waitMs > 0 && deps.clock && deps.pause) {
    const deadline = deps.clock.now().getTime() + waitMs;
    let recheckMs = FIRST_RECHECK_MS;
    for (;;) {
      if (isTerminal(task.status)) break;
      const remaining = deadline - deps.clock.now().getTime();
      if (remaining <= 0) break;
      await deps.pause(Math.min(recheckMs, remaining));
      recheckMs = Math.min(recheckMs * 2, MAX_RECHECK_MS);
      task = await findOwnTask(deps.tasks, owner, taskId);
    }
  }
  return viewWithResult(deps.blobs, task);
}
