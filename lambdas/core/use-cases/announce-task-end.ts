import type { DeliveryQueue, EventBus, TaskEvents, TaskStore, WebhookStore } from '../ports';
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

/** The TaskEvents port over announceTaskEnd, for the terminal path to call. */
export function taskEventsOf(deps: AnnounceTaskEndDependencies): TaskEvents {
  return { taskEnded: (task) => announceTaskEnd(deps, task) };
}

/**
 * A task store that announces every change it makes to a terminal status, right after the write: one place
 * that sees the worker's, the dead-letter handler's and the sweeper's endings alike. A failed announcement
 * goes to `onFailure` and never undoes or fails the ending itself.
 */
export function announcingTaskEnds(
  tasks: TaskStore,
  events: TaskEvents,
  onFailure: (error: unknown, task: Task) => void,
): TaskStore {
  return {
    create: (task) => tasks.create(task),
    get: (taskId) => tasks.get(taskId),
    listByOwner: (owner, options) => tasks.listByOwner(owner, options),
    claim: (taskId, options) => tasks.claim(taskId, options),
    delete: (taskId) => tasks.delete(taskId),
    listStale: (status, updatedBefore, limit) => tasks.listStale(status, updatedBefore, limit),
    async transition(taskId, condition, patch) {
      const task = await tasks.transition(taskId, condition, patch);
      if (isTerminal(task.status)) await events.taskEnded(task).catch((error) => onFailure(error, task));
      return task;
    },
  };
}
