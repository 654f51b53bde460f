import type { ScheduledEvent } from 'aws-lambda';
import { type SweepCounts, sweepStaleTasks } from '../core/use-cases/sweep-stale-tasks';
import { logger } from './powertools';
import { dependencies } from './worker-dependencies';

/** Scheduled: re-sends tasks stuck `pending`, fails tasks stuck `processing`. */
export async function handler(_event?: ScheduledEvent): Promise<SweepCounts> {
  const counts = await sweepStaleTasks(await dependencies());
  if (counts.requeued > 0 || counts.timedOut > 0) logger.warn('swept stale tasks', { ...counts });
  return counts;
}
