import type { BlobStore, Clock, KeyWrapper, TaskStore, WebhookSender, WebhookStore } from '../ports';
import { viewWithResult } from '../task-view';
import { attemptsOf, type DeliveryOutcome, formatSecret, type WebhookDelivery } from '../webhooks/webhook';

export interface DeliverWebhookDependencies {
  webhooks: WebhookStore;
  tasks: TaskStore;
  blobs: BlobStore;
  /** Unwraps secrets for the webhook-secret purpose. */
  webhookSecrets: KeyWrapper;
  sender: WebhookSender;
  clock: Clock;
  /** Seconds before each retry; the attempt limit is one more than its length. */
  retryDelaysSeconds: readonly number[];
}

export type DeliveryAttempt =
  | { outcome: Exclude<DeliveryOutcome, 'dropped'>; attempts: number; result: string }
  | { outcome: 'dropped'; reason: string }
  /** Try again after `delaySeconds`, with the same delivery (and so the same `webhook-id`). */
  | { outcome: 'retry'; delaySeconds: number; result: string };

/**
 * One attempt (1-based `attempt`) of one delivery: the payload `{type, timestamp, data: <task view>}` POSTed
 * signed to the webhook's URL. A 2xx ends it; anything else is retried on the schedule, and after the last
 * attempt it is given up. Every end is recorded beside the webhook. A webhook or task deleted meanwhile
 * drops the delivery.
 */
export async function deliverWebhook(
  deps: DeliverWebhookDependencies,
  delivery: WebhookDelivery,
  attempt: number,
): Promise<DeliveryAttempt> {
  const webhook = await deps.webhooks.get(delivery.owner, delivery.webhookId);
  if (!webhook) return { outcome: 'dropped', reason: 'the webhook was deleted' };
  const record = async (outcome: DeliveryOutcome, lastResult: string) =>
    deps.webhooks.recordDelivery({
      deliveryId: delivery.deliveryId,
      owner: delivery.owner,
      webhookId: delivery.webhookId,
      taskId: delivery.taskId,
      type: delivery.type,
      outcome,
      attempts: attempt,
      lastResult,
      recordedAt: deps.clock.now().toISOString(),
    });

  const task = await deps.tasks.get(delivery.taskId);
  if (!task || task.owner !== delivery.owner) {
    await record('dropped', 'the task was deleted');
    return { outcome: 'dropped', reason: 'the task was deleted' };
  }
  const body = JSON.stringify({
    type: delivery.type,
    timestamp: delivery.occurredAt,
    data: await viewWithResult(deps.blobs, task),
  });
  const secret = formatSecret(await deps.webhookSecrets.unwrap(webhook.wrappedSecret));
  const response = await deps.sender.send({
    url: webhook.url,
    deliveryId: delivery.deliveryId,
    body,
    secret,
  });
  const result = response.ok ? `HTTP ${response.status}` : response.result;
  if (response.ok) {
    await record('delivered', result);
    return { outcome: 'delivered', attempts: attempt, result };
  }
  if (attempt >= attemptsOf(deps.retryDelaysSeconds)) {
    await record('given_up', result);
    return { outcome: 'given_up', attempts: attempt, result };
  }
  return { outcome: 'retry', delaySeconds: deps.retryDelaysSeconds[attempt - 1] ?? 0, result };
}
