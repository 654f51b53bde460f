import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { failDeadTask } from '../core/use-cases/fail-dead-task';
import { TASK_METRICS } from './metric-names';
import { countForType, logger, tracedHandler, traceTask } from './powertools';
import { taskIdOf } from './task-message';
import { dependencies, type WorkerDependencies } from './worker-dependencies';

/** Messages that failed five times land here: their tasks end `error` so every accepted task terminates. */
export const handler = tracedHandler(failBatch);

async function failBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const deps = await dependencies();
  const processor = new BatchProcessor(EventType.SQS);
  // Metrics go out as single metrics (one dimension set each), so there is no buffer to flush.
  return processPartialResponse(event, (record: SQSRecord) => failRecord(deps, record), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
}

async function failRecord(deps: WorkerDependencies, record: SQSRecord): Promise<void> {
  const taskId = taskIdOf(record);
  if (taskId === undefined) return;
  const log = logger.createChild({ persistentKeys: { taskId, messageId: record.messageId } });
  log.setCorrelationId(taskId);
  const outcome = await traceTask(taskId, () => failDeadTask(deps, taskId));
  if (outcome.outcome === 'failed') {
    countForType(TASK_METRICS.failed, outcome.type, 1);
    log.error('task failed repeatedly and was marked error');
  } else {
    log.info('dead message for a finished or deleted task: nothing to do');
  }
}
