import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deliverWebhook } from '../core/use-cases/deliver-webhook';
import { decodeDelivery } from '../core/webhooks/webhook';
import { WEBHOOK_METRICS } from './metric-names';
import { metrics } from './metrics';
import { logger } from './powertools';
import { tracedHandler } from './tracing';
import {
  type WebhookDeliveryDependencies,
  webhookDeliveryDependencies,
} from './webhook-delivery-dependencies';

/**
 * One attempt per record. A failed attempt is postponed by its backoff delay and reported as a batch item
 * failure, so the same message comes back then (its receive count is the attempt number); the others in
 * the batch are done.
 */
export const handler = tracedHandler(deliverBatch);

async function deliverBatch(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const deps = webhookDeliveryDependencies();
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(event, (record: SQSRecord) => deliverRecord(deps, record), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
}

function count(name: string): void {
  metrics.singleMetric().addMetric(name, MetricUnit.Count, 1);
}

async function deliverRecord(deps: WebhookDeliveryDependencies, record: SQSRecord): Promise<void> {
  const delivery = decodeDelivery(record.body);
  if (!delivery) {
    logger.error('not a webhook delivery; dropped', { messageId: record.messageId });
    return;
  }
  const attempt = Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);
  const log = logger.createChild({
    persistentKeys: {
      taskId: delivery.taskId,
      webhookId: delivery.webhookId,
      deliveryId: delivery.deliveryId,
    },
  });
  log.setCorrelationId(delivery.taskId);
  const outcome = await deliverWebhook(deps, delivery, attempt);
  switch (outcome.outcome) {
    case 'delivered':
      count(WEBHOOK_METRICS.delivered);
      log.info('webhook delivered', { attempt, result: outcome.result });
      return;
    case 'given_up':
      count(WEBHOOK_METRICS.givenUp);
      log.warn('webhook delivery given up', { attempts: outcome.attempts, result: outcome.result });
      return;
    case 'dropped':
      log.info('webhook delivery dropped', { reason: outcome.reason });
      return;
    case 'retry':
      count(WEBHOOK_METRICS.failedAttempts);
      log.info('webhook attempt failed; retrying later', {
        attempt,
        result: outcome.result,
        delaySeconds: outcome.delaySeconds,
      });
      await deps.retries.postpone(record.receiptHandle, outcome.delaySeconds);
      throw new Error(`attempt ${attempt} failed (${outcome.result}); next in ${outcome.delaySeconds} s`);
  }
}
