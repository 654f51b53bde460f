import { CreateWebhookRequest } from '../../core/schemas/webhooks';
import { registerWebhook } from '../../core/use-cases/register-webhook';
import { apiHandler, jsonBody, ownerOf } from './api-handler';
import { webhookDependencies } from './webhook-dependencies';

/** `POST /v1/webhooks` */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const request = jsonBody(event, CreateWebhookRequest);
  const created = await registerWebhook(webhookDependencies(), owner, request);
  log.info('webhook registered', { webhookId: created.webhookId, events: created.events });
  return { status: 201, body: created, headers: { location: `/v1/webhooks/${created.webhookId}` } };
});
