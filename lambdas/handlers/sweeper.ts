import type { ScheduledEvent } from 'aws-lambda';
import { type SweepCounts, sweepStaleTasks } from '../core/use-cases/sweep-stale-tasks';
import { logger } from './powertools';
import { dependencies } from './worker-dependencies';

/** Scheduled: re-sends tasks stuck `pending`, fails tasks stuck `processing`. */
export async function handler(_event?: ScheduledEvent): Promise<SweepCounts> {
  const counts = await sweepStaleTasks(await dependencies());
  if (counts.requeued > 0 || counts.timedOut > 0 || counts.errors > 0)
    logger.warn('swept stale tasks', { ...counts });
  // Fail the invocation so the worker-errors alarm sees it; the sweep itself went as far as it could.
  if (counts.errors > 0)
    throw new Error(`${counts.errors} stale tasks could not be swept; the next run retries`);
  return counts;
}
