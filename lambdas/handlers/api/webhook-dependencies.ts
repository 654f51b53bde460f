/**
 * Composition root of the webhook routes: the webhook store, the secret wrapper (KMS on AWS) and the
 * destination checks. Apart from the task routes' root so only these bundles carry the KMS client.
 * Tests and the local runtime may replace it with `useWebhookDependencies(...)`.
 */
import { randomUUID } from 'node:crypto';
import { resolveHost } from '../../adapters/dns-host-resolver';
import { DynamoDbWebhookStore } from '../../adapters/dynamodb-webhook-store';
import type { RegisterWebhookDependencies } from '../../core/use-cases/register-webhook';
import { AWS_DESTINATIONS, LOCAL_DESTINATIONS } from '../../core/webhooks/destination';
import { documentClient } from '../aws-clients';
import { type Config, environmentConfig } from '../config';
import { webhookSecretsFrom } from '../webhook-secrets';

export type WebhookDependencies = RegisterWebhookDependencies;

let current: WebhookDependencies | undefined;

export function useWebhookDependencies(dependencies: WebhookDependencies | undefined): void {
  current = dependencies;
}

export function webhookDependencies(): WebhookDependencies {
  current ??= fromConfig(environmentConfig());
  return current;
}

/** What listing and deleting take: the store only, so those bundles carry no KMS client or address checks. */
let storeOnly: Pick<WebhookDependencies, 'webhooks'> | undefined;

export function webhookStoreDependencies(): Pick<WebhookDependencies, 'webhooks'> {
  if (current) return current;
  storeOnly ??= { webhooks: webhookStore(environmentConfig()) };
  return storeOnly;
}

const webhookStore = (settings: Config) =>
  new DynamoDbWebhookStore(documentClient(), settings.table, settings.retentionDays);

export function fromConfig(settings: Config): WebhookDependencies {
  return {
    webhooks: webhookStore(settings),
    webhookSecrets: webhookSecretsFrom(settings),
    resolveHost,
    destinations: settings.webhooks.allowLoopback ? LOCAL_DESTINATIONS : AWS_DESTINATIONS,
    clock: { now: () => new Date() },
    ids: { newId: () => randomUUID() },
  };
}
