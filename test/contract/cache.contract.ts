import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Cache } from '../../lambdas/core/ports';
import type { ManualClock } from '../support/memory-ports';

/** The Cache contract (ports.ts); `clock` is the one the cache reads expiry from. */
export function cacheContract(name: string, setup: () => { cache: Cache; clock: ManualClock }): void {
  describe(`Cache contract: ${name}`, () => {
    const key = () => `ocr:contract:${randomUUID()}`;

    it('gives back the JSON of what was put, keys named like Object.prototype members included', async () => {
      const { cache } = setup();
      const entry = key();
      const value = JSON.parse(
        '{"result":{"kv":{"constructor":"a","toString":"b","__proto__":"c"}},"pages":2}',
      );
      await cache.put(entry, { ...value, dropped: undefined }, 3600);
      const read = await cache.get<typeof value>(entry);
      expect(read).toStrictEqual(value);
      expect(Object.keys(read.result.kv).sort()).toEqual(['__proto__', 'constructor', 'toString']);
      expect(await cache.get(key())).toBeUndefined();
    });

    it('replaces an entry put again, and misses one past its time to live', async () => {
      const { cache, clock } = setup();
      const entry = key();
      await cache.put(entry, 'first', 60);
      await cache.put(entry, 'second', 60);
      expect(await cache.get(entry)).toBe('second');
      clock.advance(59);
      expect(await cache.get(entry)).toBe('second');
      clock.advance(1);
      expect(await cache.get(entry)).toBeUndefined();
    });

    it('deletes entries, repeated and missing keys included', async () => {
      const { cache } = setup();
      const entries = Array.from({ length: 30 }, key);
      for (const entry of entries) await cache.put(entry, { n: 1 }, 3600);
      await cache.delete([...entries.slice(0, 27), entries[0] as string, key()]);
      expect(await cache.get(entries[0] as string)).toBeUndefined();
      expect(await cache.get(entries[26] as string)).toBeUndefined();
      expect(await cache.get(entries[27] as string)).toEqual({ n: 1 });
    });
  });
}
