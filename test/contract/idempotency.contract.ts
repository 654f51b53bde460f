import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IdempotencyStore } from '../../lambdas/core/ports';
import type { ManualClock } from '../support/memory-ports';

const CLAIMED_AT = '2026-01-01T00:00:00.000Z';

/** The IdempotencyStore contract (ports.ts); `clock` is the one the store reads expiry from. */
export function idempotencyContract(
  name: string,
  setup: () => { store: IdempotencyStore; clock: ManualClock },
): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    it('claims a key once per owner and answers the first record to later claims', async () => {
      const { store } = setup();
      const owner = randomUUID();
      const key = randomUUID();
      const first = { taskId: 't1', requestHash: 'h1', ttlSeconds: 3600, claimedAt: CLAIMED_AT };
      expect(await store.claim(owner, key, first)).toEqual({ status: 'new' });
      expect(await store.claim(owner, key, { ...first, taskId: 't2', requestHash: 'h2' })).toMatchObject({
        status: 'existing',
        taskId: 't1',
        requestHash: 'h1',
      });
      expect(await store.claim(randomUUID(), key, first)).toEqual({ status: 'new' });
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const { store } = setup();
      const owner = randomUUID();
      const key = randomUUID();
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          store.claim(owner, key, {
            taskId: `t${n}`,
            requestHash: 'h',
            ttlSeconds: 60,
            claimedAt: CLAIMED_AT,
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'new')).toHaveLength(1);
    });

    it('frees a key on release and once its time to live is over', async () => {
      const { store, clock } = setup();
      const owner = randomUUID();
      const key = randomUUID();
      await store.claim(owner, key, {
        taskId: 't1',
        requestHash: 'h',
        ttlSeconds: 60,
        claimedAt: CLAIMED_AT,
      });
      await store.release(owner, key, 't1');
      expect(
        await store.claim(owner, key, {
          taskId: 't2',
          requestHash: 'h',
          ttlSeconds: 60,
          claimedAt: CLAIMED_AT,
        }),
      ).toEqual({
        status: 'new',
      });
      clock.advance(60);
      expect(
        await store.claim(owner, key, {
          taskId: 't3',
          requestHash: 'h',
          ttlSeconds: 60,
          claimedAt: CLAIMED_AT,
        }),
      ).toEqual({
        status: 'new',
      });
    });
  });
}
