import { deleteWebhook } from '../../core/use-cases/delete-webhook';
import { apiHandler, ownerOf, pathParameter } from './api-handler';
import { webhookDependencies } from './webhook-dependencies';

/** `DELETE /v1/webhooks/{webhookId}` */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const webhookId = pathParameter(event, 'webhookId');
  log.appendKeys({ webhookId });
  await deleteWebhook(webhookDependencies(), owner, webhookId);
  return { status: 204 };
});
