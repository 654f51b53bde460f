import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CompatRecord, CompatStore } from '../../lambdas/core/compat/compat-store';
import type { TaskStore } from '../../lambdas/core/ports';
import { aTask } from './task-store.contract';

const NOW = 1_800_000_000;

function aRecord(overrides: Partial<CompatRecord> = {}): CompatRecord {
  return {
    clientId: randomUUID(),
    type: 'doc',
    sha256: randomUUID().replaceAll('-', ''),
    taskId: randomUUID(),
    createdAt: '2027-01-15T08:00:00.000Z',
    expiresAt: NOW + 3600,
    ...overrides,
  };
}

/** The CompatStore contract (compat-store.ts); `tasks` is the task store on the same table, whose items `touch` extends. */
export function compatStoreContract(
  name: string,
  setup: () => { compat: CompatStore; tasks: TaskStore },
): void {
  describe(`CompatStore contract: ${name}`, () => {
    it('creates a record once: a second create gets the first, an expired one is replaced', async () => {
      const { compat } = setup();
      const record = aRecord();
      expect(await compat.get(record)).toBeUndefined();
      expect(await compat.create(record, NOW)).toEqual({ created: true });
      expect(await compat.get(record)).toEqual(record);
      const rival = { ...record, taskId: randomUUID() };
      expect(await compat.create(rival, NOW)).toEqual({ created: false, existing: record });
      expect(await compat.create(rival, record.expiresAt)).toEqual({ created: true });
      expect((await compat.get(record))?.taskId).toBe(rival.taskId);
    });

    it('keeps type and SHA256 apart: one client’s jobs of other types or hashes are other records', async () => {
      const { compat } = setup();
      const record = aRecord();
      await compat.create(record, NOW);
      expect(await compat.get({ ...record, type: 'form' })).toBeUndefined();
      expect(await compat.get({ ...record, sha256: `${record.sha256}#x` })).toBeUndefined();
    });

    it('touches a record and its task only later, and never brings a deleted one back', async () => {
      const { compat, tasks } = setup();
      const task = aTask(`compat:${randomUUID()}`, '2027-01-15T08:00:00.000Z', { expiresAt: NOW + 3600 });
      await tasks.create(task);
      const record = aRecord({ taskId: task.taskId });
      await compat.create(record, NOW);
      await compat.touch(record, NOW + 7200);
      expect((await compat.get(record))?.expiresAt).toBe(NOW + 7200);
      expect((await tasks.get(task.taskId))?.expiresAt).toBe(NOW + 7200);
      await compat.touch(record, NOW + 100);
      expect((await compat.get(record))?.expiresAt).toBe(NOW + 7200);
      expect((await tasks.get(task.taskId))?.expiresAt).toBe(NOW + 7200);
      await compat.delete(record);
      await tasks.delete(task.taskId);
      await compat.touch(record, NOW + 9000);
      expect(await compat.get(record)).toBeUndefined();
      expect(await tasks.get(task.taskId)).toBeUndefined();
    });

    it('lists every record of one client and only those', async () => {
      const { compat } = setup();
      const clientId = randomUUID();
      const mine = [
        aRecord({ clientId }),
        aRecord({ clientId, type: 'fill' }),
        aRecord({ clientId, type: 'form' }),
      ];
      for (const record of [...mine, aRecord()]) await compat.create(record, NOW);
      const listed = await compat.listByClient(clientId);
      const order = (records: CompatRecord[]) => [...records].sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
      expect(order(listed)).toEqual(order(mine));
      expect(await compat.listByClient(randomUUID())).toEqual([]);
    });

    it('holds at most maxFailures decryption slots of a key, even against concurrent requests', async () => {
      const { compat } = setup();
      const key = randomUUID();
      const options = { maxFailures: 3, expiresAt: NOW + 3600 };
      const taken = await Promise.all(
        Array.from({ length: 10 }, () => compat.reserveDecryption(key, options)),
      );
      expect(taken.filter(Boolean)).toHaveLength(3);
      expect(await compat.reserveDecryption(key, options)).toBe(false);
      // Another key is not touched by this one's failures.
      expect(await compat.reserveDecryption(randomUUID(), options)).toBe(true);
    });

    it('gives a slot back on release, never more than were taken', async () => {
      const { compat } = setup();
      const key = randomUUID();
      const options = { maxFailures: 2, expiresAt: NOW + 3600 };
      await compat.releaseDecryption(key);
      expect(await compat.reserveDecryption(key, options)).toBe(true);
      await compat.releaseDecryption(key);
      await compat.releaseDecryption(key);
      expect(await compat.reserveDecryption(key, options)).toBe(true);
      expect(await compat.reserveDecryption(key, options)).toBe(true);
      expect(await compat.reserveDecryption(key, options)).toBe(false);
    });
  });
}
