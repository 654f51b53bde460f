import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIdempotencyStore } from '../../lambdas/adapters/dynamodb-idempotency';
import type { Clock } from '../../lambdas/core/ports';
import { useEmulators } from '../support/emulators';

const emulators = useEmulators();

class ManualClock implements Clock {
  constructor(private instant = Date.UTC(2030, 0, 1)) {}
  now() {
    return new Date(this.instant);
  }
  advanceSeconds(seconds: number) {
    this.instant += seconds * 1000;
  }
}

let clock: ManualClock;
let store: DynamoDbIdempotencyStore;

beforeAll(() => {
  clock = new ManualClock();
  store = new DynamoDbIdempotencyStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE, clock);
});

const CLAIMED_AT = '2030-01-01T00:00:00.000Z';
const record = (taskId: string, requestHash = 'hash-1') => ({
  taskId,
  requestHash,
  ttlSeconds: 3600,
  claimedAt: CLAIMED_AT,
});

describe('DynamoDbIdempotencyStore', () => {
  it('claims a fresh key, then returns the first record to a later claim', async () => {
    const key = randomUUID();
    expect(await store.claim('alice', key, record('task-1'))).toEqual({ status: 'new' });
    expect(await store.claim('alice', key, record('task-2', 'hash-2'))).toEqual({
      status: 'existing',
      taskId: 'task-1',
      requestHash: 'hash-1',
      claimedAt: CLAIMED_AT,
    });
  });

  it('gives exactly one of two concurrent claims the key', async () => {
    for (let round = 0; round < 5; round++) {
      const key = randomUUID();
      const outcomes = await Promise.all([
        store.claim('alice', key, record('task-a', 'hash-a')),
        store.claim('alice', key, record('task-b', 'hash-b')),
      ]);
      const winners = outcomes.filter((outcome) => outcome.status === 'new');
      expect(winners).toHaveLength(1);
      const loser = outcomes.find((outcome) => outcome.status === 'existing');
      const winnerTask = outcomes[0]?.status === 'new' ? 'task-a' : 'task-b';
      expect(loser).toMatchObject({ taskId: winnerTask, requestHash: winnerTask.replace('task', 'hash') });
    }
  });

  it('scopes keys to the owner, also when an owner contains the separator', async () => {
    const key = randomUUID();
    expect(await store.claim('alice', `x#${key}`, record('task-1'))).toEqual({ status: 'new' });
    expect(await store.claim('alice#x', key, record('task-2'))).toEqual({ status: 'new' });
    expect(await store.claim('bob', `x#${key}`, record('task-3'))).toEqual({ status: 'new' });
  });

  it('treats an expired record as absent', async () => {
    const key = randomUUID();
    await store.claim('alice', key, { ...record('task-1'), ttlSeconds: 60 });
    clock.advanceSeconds(60);
    expect(await store.claim('alice', key, record('task-2'))).toEqual({ status: 'new' });
    expect(await store.claim('alice', key, record('task-3'))).toMatchObject({ taskId: 'task-2' });
  });

  it('lets the key be claimed again after release', async () => {
    const key = randomUUID();
    await store.claim('alice', key, record('task-1'));
    await store.release('alice', key, 'task-1');
    expect(await store.claim('alice', key, record('task-2'))).toEqual({ status: 'new' });
  });

  it('releases a record only while it points to the task named: a newer claim stays', async () => {
    const key = randomUUID();
    await store.claim('alice', key, record('task-1'));
    await store.release('alice', key, 'task-1');
    await store.claim('alice', key, record('task-2'));
    // A late release by the first request must not delete the second one's live record.
    await store.release('alice', key, 'task-1');
    expect(await store.claim('alice', key, record('task-3'))).toMatchObject({
      status: 'existing',
      taskId: 'task-2',
    });
  });

  it('releases a key that was never claimed without complaint', async () => {
    await expect(store.release('alice', randomUUID(), 'task-1')).resolves.toBeUndefined();
  });
});
