import { randomBytes } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../../lambdas/adapters/local-key-wrapper';
import { TaskFailure } from '../../../lambdas/core/errors';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../../../lambdas/core/ports';
import { WEBHOOK_SECRET_PURPOSE } from '../../../lambdas/core/ports';
import { announceTaskEnd } from '../../../lambdas/core/use-cases/announce-task-end';
import { deliverWebhook } from '../../../lambdas/core/use-cases/deliver-webhook';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { DEFAULT_RETRY_DELAYS_SECONDS, type Webhook } from '../../../lambdas/core/webhooks/webhook';
import { base64, pngImage } from '../../support/events';
import {
  MemoryDeliveryQueue,
  MemoryEventBus,
  MemoryWebhookStore,
  type MemoryWorld,
  memoryWorld,
} from '../../support/memory-ports';

/** A sender that answers from a script and keeps what it was asked to send. */
class ScriptedSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];
  answers: WebhookResponse[] = [];
  async send(request: WebhookRequest): Promise<WebhookResponse> {
    this.requests.push(request);
    return this.answers.shift() ?? { ok: true, status: 200 };
  }
}

let world: MemoryWorld;
let webhooks: MemoryWebhookStore;
let deliveries: MemoryDeliveryQueue;
let eventBus: MemoryEventBus;
let sender: ScriptedSender;
let secrets: LocalKeyWrapper;
const key = randomBytes(32);

beforeEach(async () => {
  world = memoryWorld();
  webhooks = new MemoryWebhookStore();
  deliveries = new MemoryDeliveryQueue();
  eventBus = new MemoryEventBus();
  sender = new ScriptedSender();
  secrets = new LocalKeyWrapper(randomBytes(32), WEBHOOK_SECRET_PURPOSE);
});

async function register(
  owner: string,
  events: Webhook['events'],
  webhookId = `wh-${owner}-${events.join()}`,
) {
  await webhooks.create(
    {
      webhookId,
      owner,
      url: 'https://hooks.example.com/x',
      events,
      wrappedSecret: await secrets.wrap(key),
      createdAt: '2026-01-01T00:00:00.000Z',
    },
    10,
  );
  return webhookId;
}

async function finishedTask(owner: string) {
  const { summary } = await submitTask(world, owner, {
    type: 'document',
    request: { images: [{ data: base64(pngImage()) }], priority: 'normal' },
  });
  world.clock.advance(3);
  await processTask(world, summary.taskId).catch(() => {});
  const task = await world.tasks.get(summary.taskId);
  if (!task) throw new Error('no task');
  return task;
}

const deliverDeps = () => ({
  ...world,
  webhooks,
  webhookSecrets: secrets,
  sender,
  retryDelaysSeconds: DEFAULT_RETRY_DELAYS_SECONDS,
});

describe('announceTaskEnd', () => {
  it('queues one delivery per subscribed webhook of the owner and puts the view without result on the bus', async () => {
    const both = await register('user-a', ['task.completed', 'task.failed']);
    await register('user-a', ['task.failed']);
    await register('user-b', ['task.completed']);
    const task = await finishedTask('user-a');
    await announceTaskEnd({ webhooks, deliveries, eventBus }, task);
    expect(deliveries.sent).toEqual([
      {
        deliveryId: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
        owner: 'user-a',
        webhookId: both,
        taskId: task.taskId,
        type: 'task.completed',
        occurredAt: '2026-01-01T00:00:03.000Z',
      },
    ]);
    expect(eventBus.events).toHaveLength(1);
    expect(eventBus.events[0]?.detailType).toBe('Task Completed');
    expect(eventBus.events[0]?.detail).toMatchObject({ taskId: task.taskId, status: 'completed', usage: {} });
    expect(eventBus.events[0]?.detail).not.toHaveProperty('result');
  });

  it('gives the same webhook-id when the same end is announced twice', async () => {
    await register('user-a', ['task.completed']);
    const task = await finishedTask('user-a');
    await announceTaskEnd({ webhooks, deliveries }, task);
    await announceTaskEnd({ webhooks, deliveries }, task);
    expect(deliveries.sent[0]?.deliveryId).toBe(deliveries.sent[1]?.deliveryId);
  });

  it('announces a failed task as task.failed / Task Failed, and nothing for a task not yet ended', async () => {
    await register('user-a', ['task.completed']);
    const failedOnly = await register('user-a', ['task.failed']);
    world.ocr.failure = new TaskFailure('OCR_FAILURE', 'no text');
    const task = await finishedTask('user-a');
    expect(task.status).toBe('error');
    await announceTaskEnd({ webhooks, deliveries, eventBus }, task);
    expect(deliveries.sent.map((delivery) => [delivery.webhookId, delivery.type])).toEqual([
      [failedOnly, 'task.failed'],
    ]);
    expect(eventBus.events.map((event) => event.detailType)).toEqual(['Task Failed']);
    await announceTaskEnd({ webhooks, deliveries, eventBus }, { ...task, status: 'processing' });
    expect(eventBus.events).toHaveLength(1);
  });

  it('still puts the event on the bus when queueing deliveries fails, then reports the failure', async () => {
    await register('user-a', ['task.completed']);
    const task = await finishedTask('user-a');
    const broken = { send: async () => Promise.reject(new Error('SQS down')) };
    await expect(announceTaskEnd({ webhooks, deliveries: broken, eventBus }, task)).rejects.toThrow(
      'SQS down',
    );
    expect(eventBus.events).toHaveLength(1);
  });
});

describe('deliverWebhook', () => {
  async function queued() {
    await register('user-a', ['task.completed']);
    const task = await finishedTask('user-a');
    await announceTaskEnd({ webhooks, deliveries }, task);
    const delivery = deliveries.sent[0];
    if (!delivery) throw new Error('nothing queued');
    return { task, delivery };
  }

  it('posts {type, timestamp, data: task view} signed with the webhook’s secret, and records it delivered', async () => {
    const { task, delivery } = await queued();
    expect(await deliverWebhook(deliverDeps(), delivery, 1)).toEqual({
      outcome: 'delivered',
      attempts: 1,
      result: 'HTTP 200',
    });
    const [request] = sender.requests;
    expect(request?.secret).toBe(`whsec_${key.toString('base64')}`);
    expect(request?.deliveryId).toBe(delivery.deliveryId);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      type: 'task.completed',
      timestamp: '2026-01-01T00:00:03.000Z',
      data: expect.objectContaining({ taskId: task.taskId, status: 'completed', result: expect.any(Object) }),
    });
    // The secret the sender got is one the library signs and verifies with.
    const signer = new StandardWebhook(request?.secret ?? '');
    const timestamp = new Date();
    const headers = {
      'webhook-id': delivery.deliveryId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signer.sign(delivery.deliveryId, timestamp, request?.body ?? ''),
    };
    expect(
      new StandardWebhook(`whsec_${key.toString('base64')}`).verify(request?.body ?? '', headers),
    ).toBeTruthy();
    expect(webhooks.deliveries.map((record) => [record.outcome, record.attempts])).toEqual([
      ['delivered', 1],
    ]);
  });

  it('retries on the backoff schedule, then gives up after the last attempt and records it', async () => {
    const { delivery } = await queued();
    const attempts = DEFAULT_RETRY_DELAYS_SECONDS.length + 1;
    expect(attempts).toBeGreaterThanOrEqual(6);
    const delays: number[] = [];
    for (let attempt = 1; attempt < attempts; attempt++) {
      sender.answers = [{ ok: false, result: 'HTTP 500' }];
      const outcome = await deliverWebhook(deliverDeps(), delivery, attempt);
      if (outcome.outcome !== 'retry') throw new Error(`attempt ${attempt}: ${outcome.outcome}`);
      delays.push(outcome.delaySeconds);
    }
    // The first retry within a minute; exponential; at least 6 hours from the first attempt to the last.
    expect(delays[0]).toBeLessThanOrEqual(60);
    for (let n = 1; n < delays.length; n++) expect(delays[n]).toBeGreaterThan(delays[n - 1] ?? 0);
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThanOrEqual(6 * 3600);
    sender.answers = [{ ok: false, result: 'no answer within 10 s' }];
    expect(await deliverWebhook(deliverDeps(), delivery, attempts)).toEqual({
      outcome: 'given_up',
      attempts,
      result: 'no answer within 10 s',
    });
    expect(new Set(sender.requests.map((request) => request.deliveryId))).toEqual(
      new Set([delivery.deliveryId]),
    );
    expect(webhooks.deliveries).toEqual([
      expect.objectContaining({ outcome: 'given_up', attempts, lastResult: 'no answer within 10 s' }),
    ]);
  });

  it('drops a delivery whose webhook or task was deleted, sending nothing', async () => {
    const { task, delivery } = await queued();
    await world.tasks.delete(task.taskId);
    expect(await deliverWebhook(deliverDeps(), delivery, 1)).toEqual({
      outcome: 'dropped',
      reason: 'the task was deleted',
    });
    await webhooks.delete('user-a', delivery.webhookId);
    expect(await deliverWebhook(deliverDeps(), delivery, 2)).toEqual({
      outcome: 'dropped',
      reason: 'the webhook was deleted',
    });
    expect(sender.requests).toEqual([]);
  });
});
