import type { ScheduledEvent } from 'aws-lambda';
import type { TaskType } from '../core/task';
import { type SweepReport, type SweptTask, sweepStaleTasks } from '../core/use-cases/sweep-stale-tasks';
import { dependencies } from './housekeeping-dependencies';
import { TASK_METRICS } from './metric-names';
import { countForType } from './metrics';
import { logger } from './powertools';
import { tracedHandler } from './tracing';

/** Scheduled: re-sends tasks stuck `pending`, fails tasks stuck `processing`. */
export const handler = tracedHandler(sweep);

async function sweep(_event?: ScheduledEvent): Promise<SweepReport> {
  const report = await sweepStaleTasks(dependencies());
  // A timed-out task failed like any other: it counts in TasksFailed, or the dashboard under-reports failures.
  for (const [type, count] of countByType(report.timedOutTasks))
    countForType(TASK_METRICS.failed, type, count);
  // One line per task, correlated by its id like the worker's lines, so a task's history reads in one query.
  for (const { taskId, type } of report.timedOutTasks)
    taskLog(taskId).warn('task exceeded the processing timeout and was marked error', { type });
  for (const { taskId, type } of report.requeuedTasks)
    taskLog(taskId).info('task left pending too long was sent again', { type });
  const { requeued, timedOut, errors } = report;
  if (requeued > 0 || timedOut > 0 || errors > 0) {
    logger.warn('swept stale tasks', {
      requeued,
      timedOut,
      errors,
      requeuedTaskIds: report.requeuedTasks.map((task) => task.taskId),
      timedOutTaskIds: report.timedOutTasks.map((task) => task.taskId),
    });
  }
  // Fail the invocation so the worker-errors alarm sees it; the sweep itself went as far as it could.
  if (errors > 0) throw new Error(`${errors} stale tasks could not be swept; the next run retries`);
  return report;
}

function countByType(tasks: SweptTask[]): Map<TaskType, number> {
  const counts = new Map<TaskType, number>();
  for (const { type } of tasks) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function taskLog(taskId: string) {
  const log = logger.createChild({ persistentKeys: { taskId } });
  log.setCorrelationId(taskId);
  return log;
}
