import { TaskConflictError } from '../lambdas/core/errors';
import type { Clock, TaskQueue, TaskStore } from '../lambdas/core/ports';
import type { Task } from '../lambdas/core/task';

/** Tasks read from the status index per query. */
const PAGE = 100;

export interface RequeueDependencies {
  tasks: TaskStore;
  queue: TaskQueue;
  clock: Clock;
}

export interface RequeueReport {
  /** `pending` tasks sent again now. */
  pending: number;
  /** `processing` tasks sent again now (their lease had run out). */
  processing: number;
  /** `processing` tasks whose lease still runs: sent when it runs out. */
  scheduled: number;
  /** Tasks whose send failed; the sweeper still covers them. */
  errors: number;
}

export interface Requeue {
  report: RequeueReport;
  /** Cancels the sends still waiting for a lease to run out. */
  cancel(): void;
}

/**
 * At startup the local queues are always empty: fauxqs keeps messages in memory, so every message of the
 * previous run is gone. This sends each non-terminal task once, so queued work resumes at once instead of
 * waiting for the sweeper's pending timeout (DOCUSNAP_PENDING_TIMEOUT_S, 300 s by default).
 *
 * - `pending`: sent now, then touched (`updatedAt` = now, as the sweeper does), which also moves it past the
 *   query's cutoff so the next page brings the rest.
 * - `processing`: its worker ran in the previous process, so it is certainly dead; its lease fences the
 *   task until it runs out. The message is sent when the lease has run out (at once if it already has), so
 *   the redelivery takes the task over right then (DESIGN §6: a redelivery of a task whose worker died
 *   resumes it) instead of the task idling until the sweeper fails it with PROCESSING_TIMEOUT. Sent earlier,
 *   the worker would find the lease live and the message would wait a whole visibility timeout.
 *
 * Duplicate deliveries are harmless (a finished task is skipped, a live lease answers busy), so a task a
 * worker takes meanwhile is fine. Must run before the local HTTP API opens, so only earlier tasks are seen.
 */
export async function requeueOnStart(deps: RequeueDependencies): Promise<Requeue> {
  const report: RequeueReport = { pending: 0, processing: 0, scheduled: 0, errors: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const cutoff = deps.clock.now().toISOString();
  const send = async (task: Task) => {
    await deps.queue.send({ taskId: task.taskId }, task.priority);
  };

  const seen = new Set<string>();
  for (;;) {
    const fresh = (await deps.tasks.listStale('pending', cutoff, PAGE)).filter(
      (task) => !seen.has(task.taskId),
    );
    if (fresh.length === 0) break;
    for (const task of fresh) {
      seen.add(task.taskId);
      try {
        await send(task);
        report.pending++;
        await deps.tasks
          .transition(
            task.taskId,
            { from: ['pending'] },
            { status: 'pending', updatedAt: deps.clock.now().toISOString() },
          )
          .catch((error: unknown) => {
            // Claimed by a worker since: it left `pending`, nothing to touch.
            if (!(error instanceof TaskConflictError)) throw error;
          });
      } catch {
        report.errors++;
      }
    }
  }

  // At most the previous run's in-flight batches: one query of a generous size is enough.
  for (const task of await deps.tasks.listStale('processing', cutoff, PAGE * 10)) {
    const waitMs = task.leaseUntil ? Date.parse(task.leaseUntil) - deps.clock.now().getTime() : 0;
    if (!(waitMs > 0)) {
      await send(task).then(
        () => report.processing++,
        () => report.errors++,
      );
      continue;
    }
    report.scheduled++;
    // A little after the lease, so the worker that receives it finds the lease over.
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(task).catch(() => {});
    }, waitMs + 1000);
    timer.unref();
    timers.add(timer);
  }

  return {
    report,
    cancel() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
