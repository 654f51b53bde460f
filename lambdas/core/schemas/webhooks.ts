import * as z from 'zod';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhooks/destination';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook';

const EventType = z.enum(WEBHOOK_EVENT_TYPES);

/** Body of `POST /v1/webhooks`; `events` defaults to every event type. */
export const CreateWebhookRequest = z.strictObject({
  url: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH),
  events: z
    .array(EventType)
    .min(1)
    .max(WEBHOOK_EVENT_TYPES.length * 2)
    .optional(),
});
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

/** A webhook as `GET /v1/webhooks` lists it: never its secret. */
export const WebhookView = z.object({
  webhookId: z.string(),
  url: z.string(),
  events: z.array(EventType),
  createdAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

/** 201 answer of `POST /v1/webhooks`: the only time the secret is shown. */
export const CreatedWebhook = WebhookView.extend({
  secret: z.string().describe('whsec_<base64>: verify deliveries with it; it is never shown again'),
});
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;

export const ListWebhooksResponse = z.object({ items: z.array(WebhookView) });

/** What a delivery POSTs (the task view is `data`). */
export const WebhookPayload = z.object({
  type: EventType,
  timestamp: z.string(),
  data: z.unknown(),
});
