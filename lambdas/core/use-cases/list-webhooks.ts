import type { WebhookStore } from '../ports';
import type { WebhookView } from '../schemas/webhooks';
import { toWebhookView } from '../webhooks/webhook';

/** `GET /v1/webhooks`: the caller's webhooks, oldest first, without their secrets. */
export async function listWebhooks(
  deps: { webhooks: WebhookStore },
  owner: string,
): Promise<{ items: WebhookView[] }> {
  return { items: (await deps.webhooks.listByOwner(owner)).map(toWebhookView) };
}
