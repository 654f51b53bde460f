import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCache } from '../../lambdas/adapters/dynamodb-cache';
import { TABLE_KEYS } from '../../lambdas/adapters/table-keys';
import { DependencyThrottledError } from '../../lambdas/core/errors';
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

/**
 * The emulator's client, except that each BatchWriteItem writes only its first `processed(call)` requests
 * and hands the rest back as UnprocessedItems, as DynamoDB does when throttled.
 */
function throttlingClient(processed: (call: number) => number) {
  const real = emulators.documentClient();
  const batchSizes: number[] = [];
  const send = async (command: unknown) => {
    if (!(command instanceof BatchWriteCommand)) return real.send(command as never);
    const [[table, requests = []]] = Object.entries(command.input.RequestItems ?? {});
    batchSizes.push(requests.length);
    const count = Math.min(requests.length, processed(batchSizes.length));
    if (count > 0) {
      await real.send(
        new BatchWriteCommand({ RequestItems: { [table as string]: requests.slice(0, count) } }),
      );
    }
    const rest = requests.slice(count);
    return { UnprocessedItems: rest.length > 0 ? { [table as string]: rest } : {} };
  };
  return { doc: { send } as unknown as DynamoDBDocumentClient, batchSizes };
}

describe('DynamoDbCache.delete', () => {
  const keysOf = (count: number) => Array.from({ length: count }, (_, n) => `llm:owner:${randomUUID()}-${n}`);

  it('deletes the named entries and leaves the others', async () => {
    const [gone, kept] = [`ocr:owner:${randomUUID()}`, `ocr:owner:${randomUUID()}`];
    await cache.put(gone, 'gone', 60);
    await cache.put(kept, 'kept', 60);
    await cache.delete([gone]);
    expect(await cache.get(gone)).toBeUndefined();
    expect(await cache.get(kept)).toBe('kept');
  });

  it('accepts keys that do not exist, a key named twice and no keys at all', async () => {
    const key = `ocr:owner:${randomUUID()}`;
    await cache.put(key, 'value', 60);
    await cache.delete([key, `ocr:owner:${randomUUID()}`, key]);
    expect(await cache.get(key)).toBeUndefined();
    await expect(cache.delete([])).resolves.toBeUndefined();
  });

  it('deletes more than one batch of 25', async () => {
    const keys = keysOf(60);
    for (const key of keys) await cache.put(key, key, 60);
    const { doc, batchSizes } = throttlingClient(() => 25);
    await new DynamoDbCache(doc, emulators.env.DOCUSNAP_TABLE, clock).delete(keys);
    expect(batchSizes).toEqual([25, 25, 10]);
    expect((await Promise.all(keys.map((key) => cache.get(key)))).filter(Boolean)).toEqual([]);
  });

  it('retries the items DynamoDB left unprocessed', async () => {
    const keys = keysOf(10);
    for (const key of keys) await cache.put(key, key, 60);
    const waits: number[] = [];
    const { doc, batchSizes } = throttlingClient((call) => (call < 3 ? 4 : 25));
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    await new DynamoDbCache(doc, emulators.env.DOCUSNAP_TABLE, clock, { sleep }).delete(keys);
    expect(batchSizes).toEqual([10, 6, 2]);
    expect(waits).toHaveLength(2);
    expect((await Promise.all(keys.map((key) => cache.get(key)))).filter(Boolean)).toEqual([]);
  });

  it('fails as throttled when items are still unprocessed after the last attempt', async () => {
    const keys = keysOf(3);
    for (const key of keys) await cache.put(key, key, 60);
    const { doc, batchSizes } = throttlingClient(() => 0);
    const tuned = new DynamoDbCache(doc, emulators.env.DOCUSNAP_TABLE, clock, {
      maxAttempts: 3,
      sleep: async () => {},
    });
    await expect(tuned.delete(keys)).rejects.toBeInstanceOf(DependencyThrottledError);
    expect(batchSizes).toEqual([3, 3, 3]);
    expect(await cache.get(keys[0] as string)).toBe(keys[0]);
  });
});
