/** Webhooks (DESIGN §3.3): what a user registers, what one delivery is, and when a failed one is tried again. */
import { createHash } from 'node:crypto';
import type { WebhookView } from '../schemas/webhooks';
import type { TaskStatus } from '../task';

export const WEBHOOK_EVENT_TYPES = ['task.completed', 'task.failed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** At most this many webhooks per user. */
export const MAX_WEBHOOKS_PER_OWNER = 10;

/** Standard Webhooks secrets are `whsec_` + base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_BYTES = 32;

/** A registered webhook as the store keeps it; `wrappedSecret` is the key bytes wrapped by KMS / the master key. */
export interface Webhook {
  webhookId: string;
  owner: string;
  url: string;
  events: WebhookEventType[];
  wrappedSecret: string;
  createdAt: string;
}

/** A webhook as the API shows it: never its secret. */
export function toWebhookView(webhook: Webhook): WebhookView {
  return {
    webhookId: webhook.webhookId,
    url: webhook.url,
    events: webhook.events,
    createdAt: webhook.createdAt,
  };
}

/** The event a terminal status announces. */
export function eventTypeOf(status: Extract<TaskStatus, 'completed' | 'error'>): WebhookEventType {
  return status === 'completed' ? 'task.completed' : 'task.failed';
}

export const formatSecret = (key: Uint8Array): string =>
  `${WEBHOOK_SECRET_PREFIX}${Buffer.from(key).toString('base64')}`;

/**
 * One event for one webhook, as its queue message carries it: ids only, the delivery reads the webhook
 * and the task when it runs. `deliveryId` is the `webhook-id` header, the same on every attempt.
 */
export interface WebhookDelivery {
  deliveryId: string;
  owner: string;
  webhookId: string;
  taskId: string;
  type: WebhookEventType;
  /** When the task ended (ISO): the payload's `timestamp`. */
  occurredAt: string;
}

/**
 * The `webhook-id` of one event for one webhook. Derived, not random: a task's end announced twice (a
 * retried terminal path) yields the same id, so receivers that de-duplicate by it see the event once.
 */
export function deliveryIdOf(taskId: string, webhookId: string, type: WebhookEventType): string {
  return `msg_${createHash('sha256').update(`${taskId}\n${webhookId}\n${type}`).digest('hex').slice(0, 32)}`;
}

/** A queue message body, or undefined when it is not a delivery. */
export function decodeDelivery(body: string): WebhookDelivery | undefined {
  try {
    const value = JSON.parse(body) as Partial<WebhookDelivery>;
    const fields = ['deliveryId', 'owner', 'webhookId', 'taskId', 'occurredAt'] as const;
    if (!fields.every((field) => typeof value[field] === 'string')) return undefined;
    if (!WEBHOOK_EVENT_TYPES.includes(value.type as WebhookEventType)) return undefined;
    return value as WebhookDelivery;
  } catch {
    return undefined;
  }
}

/** How a delivery ended, as recorded beside its webhook. */
export type DeliveryOutcome = 'delivered' | 'given_up' | 'dropped';

export interface DeliveryRecord {
  deliveryId: string;
  owner: string;
  webhookId: string;
  taskId: string;
  type: WebhookEventType;
  outcome: DeliveryOutcome;
  attempts: number;
  /** The last answer: an HTTP status, or why there was none. */
  lastResult: string;
  recordedAt: string;
}

/**
 * Seconds to wait after failed attempt n (1-based) before attempt n + 1: 30 s × 4ⁿ⁻¹, capped at 4 h, so
 * attempts run at 0, 30 s, 2.5 min, 10.5 min, 42.5 min, 2 h 50 min and 6 h 50 min (7 attempts over > 6 h).
 */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [30, 120, 480, 1920, 7680, 14400];

/** The attempt limit of a schedule: the first attempt plus one per delay. */
export const attemptsOf = (delays: readonly number[]) => delays.length + 1;

/**
 * The delivery queue's redrive limit: past the attempt limit, so the handler itself records a delivery given
 * up; only a message whose handler kept failing (a crash, not a receiver's answer) reaches the dead-letter queue.
 */
export const DELIVERY_QUEUE_MAX_RECEIVE_COUNT = attemptsOf(DEFAULT_RETRY_DELAYS_SECONDS) + 3;

/** Standard Webhooks: give a receiver 10 s; a slower answer counts as a failure. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** The delivery function's timeout: a batch's attempts run side by side, 10 s each, plus reads and records. */
export const WEBHOOK_DELIVERY_TIMEOUT_SECONDS = 30;
