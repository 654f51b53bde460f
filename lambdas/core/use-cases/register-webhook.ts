import { ValidationError } from '../errors';
import type { Clock, IdGenerator, KeyWrapper, WebhookStore } from '../ports';
import type { CreatedWebhook, CreateWebhookRequest } from '../schemas/webhooks';
import {
  checkDestination,
  type DestinationPolicy,
  DestinationRefused,
  type HostResolver,
  parseDestinationUrl,
} from '../webhooks/destination';
import {
  formatSecret,
  MAX_WEBHOOKS_PER_OWNER,
  toWebhookView,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_SECRET_BYTES,
  type Webhook,
} from '../webhooks/webhook';

export interface RegisterWebhookDependencies {
  webhooks: WebhookStore;
  /** Wraps the secret for the webhook-secret purpose (KMS on AWS, the local master key offline). */
  webhookSecrets: KeyWrapper;
  resolveHost: HostResolver;
  destinations: DestinationPolicy;
  clock: Clock;
  ids: IdGenerator;
}

/** `POST /v1/webhooks`: the URL is checked (DESIGN §3.3) before anything is stored; the secret is shown once. */
export async function registerWebhook(
  deps: RegisterWebhookDependencies,
  owner: string,
  request: CreateWebhookRequest,
): Promise<CreatedWebhook> {
  try {
    const url = parseDestinationUrl(request.url, deps.destinations);
    await checkDestination(url, deps.destinations, deps.resolveHost);
  } catch (error) {
    if (!(error instanceof DestinationRefused)) throw error;
    throw new ValidationError('The webhook URL is not allowed', [{ path: 'url', message: error.reason }]);
  }
  const key = crypto.getRandomValues(new Uint8Array(WEBHOOK_SECRET_BYTES));
  const webhook: Webhook = {
    webhookId: deps.ids.newId(),
    owner,
    url: request.url,
    // In the order the contract lists them, each once.
    events: WEBHOOK_EVENT_TYPES.filter((type) => (request.events ?? WEBHOOK_EVENT_TYPES).includes(type)),
    wrappedSecret: await deps.webhookSecrets.wrap(key),
    createdAt: deps.clock.now().toISOString(),
  };
  if ((await deps.webhooks.create(webhook, MAX_WEBHOOKS_PER_OWNER)) === 'limit') {
    throw new ValidationError(`At most ${MAX_WEBHOOKS_PER_OWNER} webhooks per user`, [
      { path: '(body)', message: `delete one of your ${MAX_WEBHOOKS_PER_OWNER} webhooks first` },
    ]);
  }
  return { ...toWebhookView(webhook), secret: formatSecret(key) };
}
