import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { failDeadTask } from '../core/use-cases/fail-dead-task';
import { dependencies, type HousekeepingDependencies } from './housekeeping-dependencies';
import { TASK_METRICS } from './metric-names';
import { countForType } from './metrics';
import { logger } from './powertools';
import { taskIdOf } from './task-message';
import { tracedHandler, traceTask } from './tracing';

/** Messages that failed five times land here: their tasks end `error` so every accepted task terminates. */
export const handler = tracedHandler(failBatch);

async function failBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const deps = dependencies();
  const processor = new BatchProcessor(EventType.SQS);
  // Metrics go out as single metrics (one dimension set each), so there is no buffer to flush.
  return processPartialResponse(event, (record: SQSRecord) => failRecord(deps, record), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
}

async function failRecord(deps: HousekeepingDependencies, record: SQSRecord): Promise<void> {
  const taskId = taskIdOf(record);
  if (taskId === undefined) return;
  const log = logger.createChild({ persistentKeys: { taskId, messageId: record.messageId } });
  log.setCorrelationId(taskId);
  const outcome = await traceTask(taskId, () => failDeadTask(deps, taskId));
  switch (outcome.outcome) {
    case 'failed':
      countForType(TASK_METRICS.failed, outcome.type, 1);
      log.error('task failed repeatedly and was marked error');
      return;
    case 'busy':
      // Reported as this record's failure: it comes back once the lease is over, and the task ends then.
      log.info('dead message for a task a worker still holds; retrying once its lease is over');
      throw new Error(`task ${taskId} is held by a worker`);
    case 'skipped':
      log.info('dead message for a finished or deleted task: nothing to do');
  }
}
