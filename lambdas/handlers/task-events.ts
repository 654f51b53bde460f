import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbWebhookStore } from '../adapters/dynamodb-webhook-store';
import { EventBridgeEventBus } from '../adapters/eventbridge-event-bus';
import { SqsDeliveryQueue } from '../adapters/sqs-delivery-queue';
import type { TaskEvents } from '../core/ports';
import { taskEventsOf } from '../core/use-cases/announce-task-end';
import { CLIENT_TIMEOUTS, requestHandler, sqsClient } from './aws-clients';
import type { Config } from './config';

/**
 * What every terminal path tells of a task's end: queued webhook deliveries (when a delivery queue is
 * configured) and an EventBridge event (when a bus is). Built by the composition roots of the functions
 * that end tasks.
 */
export function taskEventsFrom(settings: Config, doc: DynamoDBDocumentClient): TaskEvents {
  const { queueUrl } = settings.webhooks;
  return taskEventsOf({
    webhooks: new DynamoDbWebhookStore(doc, settings.table, settings.retentionDays),
    deliveries: queueUrl ? new SqsDeliveryQueue(sqsClient(), queueUrl) : undefined,
    eventBus: settings.eventBusName
      ? new EventBridgeEventBus(
          new EventBridgeClient({ requestHandler: requestHandler(CLIENT_TIMEOUTS.eventBridge) }),
          settings.eventBusName,
        )
      : undefined,
  });
}
