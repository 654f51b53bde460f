import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DependencyThrottledError, DependencyUnavailableError } from '../core/errors';
import { processTask } from '../core/use-cases/process-task';
import { TASK_METRICS } from './metric-names';
import { countForType, recordUsage } from './metrics';
import { logger } from './powertools';
import { taskIdOf } from './task-message';
import { tracedHandler, traceTask } from './tracing';
import { dependencies, type WorkerDependencies } from './worker-dependencies';

/** A record that fails comes back after the visibility timeout; the others in its batch are done. */
export const handler = tracedHandler(processBatch);

/**
 * A record whose task met a passing outage (a DynamoDB, S3 or model call that timed out or was throttled)
 * comes back once the lease its attempt may hold has run out, not after the visibility timeout (6 × the
 * worker timeout): on its first receives only, so that a long outage still has the later, longer waits
 * before the dead-letter queue.
 */
export const EARLY_RETRY_RECEIVES = 2;
const EARLY_RETRY_JITTER_SECONDS = 10;

function earlyRetrySeconds(deps: WorkerDependencies, record: SQSRecord, error: unknown): number | undefined {
  const transient = error instanceof DependencyUnavailableError || error instanceof DependencyThrottledError;
  const receives = Number(record.attributes.ApproximateReceiveCount);
  if (!transient || !(receives <= EARLY_RETRY_RECEIVES)) return undefined;
  return deps.workerTimeoutSeconds + 1 + Math.floor(Math.random() * EARLY_RETRY_JITTER_SECONDS);
}

async function processBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const deps = await dependencies();
  // One processor per invocation: the local runtime runs several invocations at once in one process.
  const processor = new BatchProcessor(EventType.SQS);
  // Metrics go out as single metrics (one dimension set each), so there is no buffer to flush.
  return processPartialResponse(event, (record: SQSRecord) => processRecord(deps, record), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
}

async function processRecord(deps: WorkerDependencies, record: SQSRecord): Promise<void> {
  const taskId = taskIdOf(record);
  if (taskId === undefined) return;
  const log = logger.createChild({ persistentKeys: { taskId, messageId: record.messageId } });
  log.setCorrelationId(taskId);
  let outcome: Awaited<ReturnType<typeof processTask>>;
  try {
    outcome = await traceTask(taskId, () => processTask(deps, taskId));
  } catch (error) {
    const retryInSeconds = earlyRetrySeconds(deps, record, error);
    log.error('processing failed; the message will be retried', { error, retryInSeconds });
    if (retryInSeconds !== undefined && deps.retries) {
      await deps.retries.postpone(record, retryInSeconds).catch((postponeError: unknown) => {
        log.warn('could not bring the message back early', { error: postponeError });
      });
    }
    throw error;
  }
  switch (outcome.outcome) {
    case 'completed':
      countForType(TASK_METRICS.completed, outcome.type, 1);
      countForType(TASK_METRICS.ungroundedValues, outcome.type, outcome.ungroundedValues);
      recordUsage(outcome.type, outcome.usage);
      log.info('task completed', { usage: outcome.usage, ungroundedValues: outcome.ungroundedValues });
      return;
    case 'failed':
      countForType(TASK_METRICS.failed, outcome.type, 1);
      recordUsage(outcome.type, outcome.usage);
      log.warn('task failed', { code: outcome.code });
      return;
    case 'busy':
      // Reported as this record's failure, so it comes back once the other worker's lease has run out.
      log.info('task is held by another worker; retrying later');
      throw new Error(`task ${taskId} is held by another worker`);
    case 'skipped':
    case 'superseded':
      log.info(`task ${outcome.outcome}: nothing to do`);
      return;
  }
}
