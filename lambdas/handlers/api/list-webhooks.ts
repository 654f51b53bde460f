import { listWebhooks } from '../../core/use-cases/list-webhooks';
import { apiHandler, ownerOf } from './api-handler';
import { webhookStoreDependencies } from './webhook-dependencies';

/** `GET /v1/webhooks` */
export const handler = apiHandler(async (event) => ({
  status: 200,
  body: await listWebhooks(webhookStoreDependencies(), ownerOf(event)),
}));
