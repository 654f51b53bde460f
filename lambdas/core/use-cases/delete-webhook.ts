import { NotFoundError } from '../errors';
import type { WebhookStore } from '../ports';

/** `DELETE /v1/webhooks/{webhookId}`: another user's webhook is as missing as an unknown one. */
export async function deleteWebhook(
  deps: { webhooks: WebhookStore },
  owner: string,
  webhookId: string,
): Promise<void> {
  if (!(await deps.webhooks.delete(owner, webhookId))) {
    throw new NotFoundError('WEBHOOK_NOT_FOUND', `webhook ${webhookId} does not exist`);
  }
}
