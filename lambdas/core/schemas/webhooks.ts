import { MAX_WEBHOOK_URL_LENGTH } from '../webhooks/destination';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook';
import * as z from '../zod';

const EventType = z.enum(WEBHOOK_EVENT_TYPES);

/** Body of `POST /v1/webhooks`; `events` defaults to every event type. */
export const CreateWebhookRequest = z.strictObject({
  url: z.string().check(z.minLength(1), z.maxLength(MAX_WEBHOOK_URL_LENGTH)),
  events: z.optional(z.array(EventType).check(z.minLength(1), z.maxLength(WEBHOOK_EVENT_TYPES.length * 2))),
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
export const CreatedWebhook = z.extend(WebhookView, {
  secret: z.string().check(z.describe('whsec_<base64>: verify deliveries with it; it is never shown again')),
});
export type CreatedWebhook = z.infer<typeof CreatedWebhook>;

export const ListWebhooksResponse = z.object({ items: z.array(WebhookView) });

/** What a delivery POSTs (the task view is `data`). */
export const WebhookPayload = z.object({
  type: EventType,
  timestamp: z.string(),
  data: z.unknown(),
});
