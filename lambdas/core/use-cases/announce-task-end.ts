import type { TaskEvents } from '../end-task';
import type { DeliveryQueue, EventBus, WebhookStore } from '../ports';
import { isTerminal, type Task } from '../task';
import { toTaskView } from '../task-view';
import { deliveryIdOf, eventTypeOf, type WebhookDelivery } from '../webhooks/webhook';

export interface AnnounceTaskEndDependencies {
  webhooks: WebhookStore;
  /** Without a delivery queue no webhook is delivered. */
  deliveries?: DeliveryQueue;
  /** EventBridge on AWS; none in the local runtime. */
  eventBus?: EventBus;
}

/** EventBridge detail-types (DESIGN §3.3). */
export const EVENT_DETAIL_TYPES = { completed: 'Task Completed', error: 'Task Failed' } as const;

/**
 * Tells the world a task ended: one queued delivery per webhook of its owner that subscribes to the event,
 * and the task view without its result on the event bus. Both are tried; a failure of either is rethrown
 * after the other has run, for the caller to log (the task has ended all the same).
 */
export async function announceTaskEnd(deps: AnnounceTaskEndDependencies, task: Task): Promise<void> {
  const { status } = task;
  if (!isTerminal(status)) return;
  const type = eventTypeOf(status);
  const occurredAt = task.completedAt ?? task.updatedAt;
  const outcomes = await Promise.allSettled([
    (async () => {
      // Compat tasks belong to Android clients, who have no webhooks (no v1 token, no registration).
      if (!deps.deliveries || task.source === 'compat') return;
      const subscribed = (await deps.webhooks.listByOwner(task.owner)).filter((webhook) =>
        webhook.events.includes(type),
      );
      if (subscribed.length === 0) return;
      const deliveries: WebhookDelivery[] = subscribed.map((webhook) => ({
        deliveryId: deliveryIdOf(task.taskId, webhook.webhookId, type),
        owner: task.owner,
        webhookId: webhook.webhookId,
        taskId: task.taskId,
        type,
        occurredAt,
      }));
      await deps.deliveries.send(deliveries);
    })(),
    (async () => {
      if (!deps.eventBus) return;
      const { result: _result, ...detail } = toTaskView(task);
      await deps.eventBus.publish({ detailType: EVENT_DETAIL_TYPES[status], detail });
    })(),
  ]);
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'announcing the task end failed');
}

/** The TaskEvents port of endTask over announceTaskEnd. */
export function taskEventsOf(deps: AnnounceTaskEndDependencies): TaskEvents {
  return { taskEnded: (task) => announceTaskEnd(deps, task) };
}
