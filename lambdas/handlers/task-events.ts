import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDbWebhookStore } from '../adapters/dynamodb-webhook-store';
import { EventBridgeEventBus } from '../adapters/eventbridge-event-bus';
import { SqsDeliveryQueue } from '../adapters/sqs-delivery-queue';
import type { TaskEvents } from '../core/end-task';
import { taskEventsOf } from '../core/use-cases/announce-task-end';
import { CLIENT_TIMEOUTS, documentClient, requestHandler, sqsClient } from './aws-clients';
import type { Config } from './config';
import { logger } from './powertools';

/**
 * What endTask tells of a task's end: queued webhook deliveries (when a delivery queue is configured) and
 * an EventBridge event (when a bus is). Built by the composition roots of the functions that end tasks. A
 * failure is logged here (endTask goes on regardless: the task has ended).
 */
export function taskEventsFrom(settings: Config): TaskEvents {
  const { queueUrl } = settings.webhooks;
  const announce = taskEventsOf({
    webhooks: new DynamoDbWebhookStore(documentClient(), settings.table, settings.retentionDays),
    deliveries: queueUrl ? new SqsDeliveryQueue(sqsClient(), queueUrl) : undefined,
    eventBus: settings.eventBusName
      ? new EventBridgeEventBus(
          new EventBridgeClient({ requestHandler: requestHandler(CLIENT_TIMEOUTS.eventBridge) }),
          settings.eventBusName,
        )
      : undefined,
  });
  return {
    taskEnded: (task) =>
      announce.taskEnded(task).catch((error: unknown) => {
        logger.error('announcing the task end failed', { taskId: task.taskId, error });
      }),
  };
}
