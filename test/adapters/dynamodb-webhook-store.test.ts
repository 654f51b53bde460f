import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDbWebhookStore } from '../../lambdas/adapters/dynamodb-webhook-store';
import type { WebhookStore } from '../../lambdas/core/ports';
import type { DeliveryRecord, Webhook } from '../../lambdas/core/webhooks/webhook';
import { useEmulators } from '../support/emulators';
import { MemoryWebhookStore } from '../support/memory-ports';

const emulators = useEmulators();

const webhook = (owner: string, overrides: Partial<Webhook> = {}): Webhook => ({
  webhookId: randomUUID(),
  owner,
  url: 'https://hooks.example.com/x',
  events: ['task.completed', 'task.failed'],
  wrappedSecret: 'v1:wrapped',
  createdAt: new Date().toISOString(),
  ...overrides,
});

// One contract, two implementations: the in-memory twin the handler tests use, and the DynamoDB adapter.
describe.each([
  [
    'DynamoDbWebhookStore (dynalite)',
    () => new DynamoDbWebhookStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE, 7),
  ],
  ['MemoryWebhookStore', () => new MemoryWebhookStore()],
] as const)('%s', (_name, build: () => WebhookStore) => {
  it('creates, reads, lists and deletes an owner’s webhooks', async () => {
    const store = build();
    const owner = `owner-${randomUUID()}`;
    const first = webhook(owner, { createdAt: '2026-01-01T00:00:00.000Z' });
    const second = webhook(owner, { createdAt: '2026-01-01T00:00:01.000Z', events: ['task.failed'] });
    expect(await store.create(first, 10)).toBe('created');
    expect(await store.create(second, 10)).toBe('created');
    expect(await store.get(owner, first.webhookId)).toEqual(first);
    expect(await store.listByOwner(owner)).toEqual([first, second]);
    expect(await store.delete(owner, first.webhookId)).toBe(true);
    expect(await store.delete(owner, first.webhookId)).toBe(false);
    expect(await store.get(owner, first.webhookId)).toBeUndefined();
    expect(await store.listByOwner(owner)).toEqual([second]);
  });

  it('keeps owners apart, even one whose name looks like another’s key', async () => {
    const store = build();
    const owner = `owner-${randomUUID()}`;
    const mine = webhook(owner);
    await store.create(mine, 10);
    for (const other of [`${owner}#x`, `x${owner}`, 'someone-else']) {
      expect(await store.get(other, mine.webhookId)).toBeUndefined();
      expect(await store.delete(other, mine.webhookId)).toBe(false);
      expect(await store.listByOwner(other)).toEqual([]);
    }
    expect(await store.get(owner, mine.webhookId)).toEqual(mine);
  });

  it('refuses a webhook past the limit, and counts a deleted one out again', async () => {
    const store = build();
    const owner = `owner-${randomUUID()}`;
    const made = [webhook(owner), webhook(owner), webhook(owner)];
    for (const one of made) expect(await store.create(one, 3)).toBe('created');
    expect(await store.create(webhook(owner), 3)).toBe('limit');
    await store.delete(owner, made[0]?.webhookId ?? '');
    expect(await store.create(webhook(owner), 3)).toBe('created');
    expect(await store.listByOwner(owner)).toHaveLength(3);
  });

  it('keeps delivery records per webhook, newest first', async () => {
    const store = build();
    const owner = `owner-${randomUUID()}`;
    const hook = webhook(owner);
    await store.create(hook, 10);
    const record = (n: number, outcome: DeliveryRecord['outcome']): DeliveryRecord => ({
      deliveryId: `msg_${n}`,
      owner,
      webhookId: hook.webhookId,
      taskId: `task-${n}`,
      type: 'task.completed',
      outcome,
      attempts: n,
      lastResult: 'HTTP 500',
      recordedAt: `2026-01-01T00:00:0${n}.000Z`,
    });
    await store.recordDelivery(record(1, 'delivered'));
    await store.recordDelivery(record(2, 'given_up'));
    expect(await store.listDeliveries(owner, hook.webhookId, 10)).toEqual([
      record(2, 'given_up'),
      record(1, 'delivered'),
    ]);
    expect(await store.listDeliveries(owner, hook.webhookId, 1)).toEqual([record(2, 'given_up')]);
    expect(await store.listDeliveries(owner, 'another', 10)).toEqual([]);
    // Records are not webhooks.
    expect(await store.listByOwner(owner)).toEqual([hook]);
  });
});

describe('DynamoDbWebhookStore under concurrency', () => {
  it('never lets concurrent registrations pass the limit', async () => {
    const store = new DynamoDbWebhookStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE, 7);
    const owner = `owner-${randomUUID()}`;
    const outcomes = await Promise.all(Array.from({ length: 15 }, () => store.create(webhook(owner), 10)));
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(10);
    expect(await store.listByOwner(owner)).toHaveLength(10);
  });
});
