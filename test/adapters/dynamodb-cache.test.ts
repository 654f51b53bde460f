import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCache } from '../../lambdas/adapters/dynamodb-cache';
import { TABLE_KEYS } from '../../lambdas/adapters/table-keys';
import type { Clock } from '../../lambdas/core/ports';
import { useEmulators } from '../support/emulators';

const emulators = useEmulators();

/** A clock the test moves by hand, so expiry needs no waiting. */
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
let cache: DynamoDbCache;

beforeAll(() => {
  clock = new ManualClock();
  cache = new DynamoDbCache(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE, clock);
});

describe('DynamoDbCache', () => {
  it('returns what was put under a key', async () => {
    const key = `ocr:owner:${randomUUID()}`;
    const value = { text: 'TOTAL 12.50', pages: 1, lines: ['a', 'b'], nested: { ok: true } };
    await cache.put(key, value, 60);
    expect(await cache.get(key)).toEqual(value);
  });

  it('misses a key that was never put', async () => {
    expect(await cache.get(`ocr:owner:${randomUUID()}`)).toBeUndefined();
  });

  it('keeps keys apart', async () => {
    const [first, second] = [`llm:a:${randomUUID()}`, `llm:b:${randomUUID()}`];
    await cache.put(first, 'first', 60);
    await cache.put(second, 'second', 60);
    expect([await cache.get(first), await cache.get(second)]).toEqual(['first', 'second']);
  });

  it('treats an entry past its expiry as a miss although DynamoDB has not deleted it yet', async () => {
    const key = `ocr:owner:${randomUUID()}`;
    await cache.put(key, 'short-lived', 30);
    clock.advanceSeconds(29);
    expect(await cache.get(key)).toBe('short-lived');
    clock.advanceSeconds(1);
    expect(await cache.get(key)).toBeUndefined();
  });

  it('replaces an entry and its expiry when the key is put again', async () => {
    const key = `ocr:owner:${randomUUID()}`;
    await cache.put(key, 'old', 10);
    await cache.put(key, 'new', 100);
    clock.advanceSeconds(50);
    expect(await cache.get(key)).toBe('new');
  });

  it('writes the expiry as epoch seconds in the TTL attribute, so DynamoDB deletes the entry', async () => {
    const key = `ttl:${randomUUID()}`;
    await cache.put(key, 1, 3600);
    const { Item } = await emulators
      .documentClient()
      .send(
        new GetCommand({ TableName: emulators.env.DOCUSNAP_TABLE, Key: { pk: `CACHE#${key}`, sk: 'CACHE' } }),
      );
    expect(Item?.[TABLE_KEYS.ttlAttribute]).toBe(Math.floor(clock.now().getTime() / 1000) + 3600);
  });
});
