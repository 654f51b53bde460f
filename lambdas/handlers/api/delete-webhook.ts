import { deleteWebhook } from '../../core/use-cases/delete-webhook';
import { apiHandler, ownerOf, pathParameter } from './api-handler';
import { webhookStoreDependencies } from './webhook-dependencies';

/** `DELETE /v1/webhooks/{webhookId}` */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const webhookId = pathParameter(event, 'webhookId');
  log.appendKeys({ webhookId });
  await deleteWebhook(webhookStoreDependencies(), owner, webhookId);
  return { status: 204 };
});
