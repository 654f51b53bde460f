/**
 * Composition root of the webhook delivery handler: the webhook and task stores, the blob store (large
 * results), the secret wrapper, the signing sender and the delivery queue (to postpone a failed attempt).
 * Tests and the local runtime may replace it with `useWebhookDeliveryDependencies(...)`.
 */
import { DynamoDbTaskStore } from '../adapters/dynamodb-task-store';
import { DynamoDbWebhookStore } from '../adapters/dynamodb-webhook-store';
import { HttpWebhookSender } from '../adapters/http-webhook-sender';
import { S3BlobStore } from '../adapters/s3-blob-store';
import { SqsDeliveryQueue } from '../adapters/sqs-delivery-queue';
import type { DeliverWebhookDependencies } from '../core/use-cases/deliver-webhook';
import { AWS_DESTINATIONS, LOCAL_DESTINATIONS } from '../core/webhooks/destination';
import { documentClient, s3Client, sqsClient } from './aws-clients';
import { type Config, environmentConfig } from './config';
import { webhookSecretsFrom } from './webhook-secrets';

export interface WebhookDeliveryDependencies extends DeliverWebhookDependencies {
  /** Makes a failed attempt's message come back after the backoff delay. */
  retries: { postpone(receiptHandle: string, seconds: number): Promise<void> };
}

let current: WebhookDeliveryDependencies | undefined;

export function useWebhookDeliveryDependencies(dependencies: WebhookDeliveryDependencies | undefined): void {
  current = dependencies;
}

export function webhookDeliveryDependencies(): WebhookDeliveryDependencies {
  current ??= fromConfig(environmentConfig());
  return current;
}

export function fromConfig(settings: Config): WebhookDeliveryDependencies {
  const { queueUrl } = settings.webhooks;
  if (!queueUrl)
    throw new Error('DOCUSNAP_WEBHOOK_QUEUE_URL is missing: the delivery handler reads that queue');
  const doc = documentClient();
  return {
    webhooks: new DynamoDbWebhookStore(doc, settings.table, settings.retentionDays),
    tasks: new DynamoDbTaskStore(doc, settings.table),
    blobs: new S3BlobStore(s3Client(settings), settings.bucket),
    webhookSecrets: webhookSecretsFrom(settings),
    sender: new HttpWebhookSender({
      policy: settings.webhooks.allowLoopback ? LOCAL_DESTINATIONS : AWS_DESTINATIONS,
    }),
    clock: { now: () => new Date() },
    retryDelaysSeconds: settings.webhooks.retryDelaysSeconds,
    retries: new SqsDeliveryQueue(sqsClient(), queueUrl),
  };
}
