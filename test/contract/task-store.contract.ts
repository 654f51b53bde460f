import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TaskConflictError } from '../../lambdas/core/errors';
import type { TaskStore } from '../../lambdas/core/ports';
import type { Task } from '../../lambdas/core/task';

/** A pending task of `owner` created at `createdAt`; ids are fresh, so suites share one table. */
export function aTask(
  owner: string,
  createdAt = '2026-01-01T00:00:00.000Z',
  overrides: Partial<Task> = {},
): Task {
  const taskId = randomUUID();
  return {
    taskId,
    owner,
    type: 'document',
    status: 'pending',
    priority: 'normal',
    source: 'v1',
    createdAt,
    updatedAt: createdAt,
    images: [{ key: `inputs/${owner}/${taskId}/0`, mediaType: 'image/png', bytes: 10 }],
    requestKey: `inputs/${owner}/${taskId}/request.json`,
    attempts: 0,
    expiresAt: 2_000_000_000,
    ...overrides,
  };
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const ids = (tasks: readonly Task[]) => tasks.map((task) => task.taskId);

/** The TaskStore contract (ports.ts): every implementation, memory twin or adapter, passes the same suite. */
export function taskStoreContract(name: string, store: () => TaskStore): void {
  describe(`TaskStore contract: ${name}`, () => {
    it('gives back what was created, result keys named like Object.prototype members included', async () => {
      const result = JSON.parse('{"kv":{"constructor":"a","toString":"b","__proto__":"c"},"fields":[]}');
      const task = aTask(randomUUID(), at(0), { status: 'completed', result, usage: undefined });
      await store().create(task);
      const read = await store().get(task.taskId);
      expect(read).toEqual(task);
      expect(Object.keys((read?.result as { kv: object } | undefined)?.kv ?? {}).sort()).toEqual([
        '__proto__',
        'constructor',
        'toString',
      ]);
      expect(await store().get(randomUUID())).toBeUndefined();
    });

    it('refuses another task under an existing id; the same creation again (a retried write) is a no-op', async () => {
      const task = aTask(randomUUID());
      await store().create(task);
      await expect(store().create({ ...task, owner: 'someone-else' })).rejects.toBeInstanceOf(
        TaskConflictError,
      );
      await expect(store().create({ ...task, createdAt: at(9) })).rejects.toBeInstanceOf(TaskConflictError);
      await store().claim(task.taskId, { now: at(1), leaseUntil: at(90), claimId: 'claim-1' });
      await store().create(task);
      expect(await store().get(task.taskId)).toMatchObject({
        owner: task.owner,
        status: 'processing',
        attempts: 1,
      });
    });

    it('changes status only from the expected status and attempt, never back from a terminal one', async () => {
      const task = aTask(randomUUID());
      await store().create(task);
      const patch = {
        status: 'completed' as const,
        updatedAt: at(5),
        completedAt: at(5),
        result: { ok: true },
      };
      // The state machine holds in the store too: pending cannot complete without being processed.
      await expect(store().transition(task.taskId, { from: ['pending'] }, patch)).rejects.toBeInstanceOf(
        TaskConflictError,
      );
      const claimed = await store().claim(task.taskId, {
        now: at(1),
        leaseUntil: at(90),
        claimId: 'claim-1',
      });
      await expect(store().transition(task.taskId, { from: ['pending'] }, patch)).rejects.toBeInstanceOf(
        TaskConflictError,
      );
      await expect(
        store().transition(task.taskId, { from: ['processing'], attempts: claimed.attempts + 1 }, patch),
      ).rejects.toBeInstanceOf(TaskConflictError);
      const done = await store().transition(
        task.taskId,
        { from: ['processing'], attempts: claimed.attempts },
        patch,
      );
      expect(done).toMatchObject({ status: 'completed', completedAt: at(5), result: { ok: true } });
      expect(await store().get(task.taskId)).toEqual(done);
      await expect(
        store().transition(task.taskId, { from: ['completed'] }, { status: 'processing', updatedAt: at(6) }),
      ).rejects.toBeInstanceOf(TaskConflictError);
      await expect(store().transition(randomUUID(), { from: ['processing'] }, patch)).rejects.toBeInstanceOf(
        TaskConflictError,
      );
    });

    it('claims a pending task, refuses a live lease, takes over a lapsed one', async () => {
      const task = aTask(randomUUID());
      await store().create(task);
      const first = await store().claim(task.taskId, {
        now: at(10),
        leaseUntil: at(100),
        claimId: 'claim-1',
      });
      expect(first).toMatchObject({
        status: 'processing',
        attempts: 1,
        leaseUntil: at(100),
        claimId: 'claim-1',
        updatedAt: at(10),
      });
      await expect(
        store().claim(task.taskId, { now: at(50), leaseUntil: at(140), claimId: 'claim-2' }),
      ).rejects.toBeInstanceOf(TaskConflictError);
      // The lease's holder is readable, so a claim whose reply was lost can recognise its own.
      expect((await store().get(task.taskId))?.claimId).toBe('claim-1');
      const second = await store().claim(task.taskId, {
        now: at(101),
        leaseUntil: at(190),
        claimId: 'claim-3',
      });
      expect(second).toMatchObject({
        status: 'processing',
        attempts: 2,
        leaseUntil: at(190),
        claimId: 'claim-3',
      });
      await store().transition(
        task.taskId,
        { from: ['processing'] },
        { status: 'error', updatedAt: at(102) },
      );
      await expect(
        store().claim(task.taskId, { now: at(300), leaseUntil: at(390), claimId: 'claim-1' }),
      ).rejects.toBeInstanceOf(TaskConflictError);
    });

    it('lists an owner’s tasks newest first, in pages whose cursors resume after any item', async () => {
      const owner = randomUUID();
      const mine: Task[] = [];
      for (let n = 0; n < 5; n++) {
        const task = aTask(owner, at(n));
        mine.push(task);
        await store().create(task);
        await store().create(aTask(randomUUID(), at(n)));
      }
      const newestFirst = ids([...mine].reverse());
      const first = await store().listByOwner(owner, { limit: 2 });
      expect(ids(first.items)).toEqual(newestFirst.slice(0, 2));
      expect(first.cursorAfter).toHaveLength(2);
      expect(first.nextCursor).toBe(first.cursorAfter[1]);
      const second = await store().listByOwner(owner, { limit: 2, cursor: first.nextCursor });
      expect(ids(second.items)).toEqual(newestFirst.slice(2, 4));
      const last = await store().listByOwner(owner, { limit: 2, cursor: second.nextCursor });
      expect(ids(last.items)).toEqual(newestFirst.slice(4));
      expect(last.nextCursor).toBeUndefined();
      // After the first item of a page, not only after its last.
      const resumed = await store().listByOwner(owner, { limit: 10, cursor: first.cursorAfter[0] });
      expect(ids(resumed.items)).toEqual(newestFirst.slice(1));
      expect(resumed.nextCursor).toBeUndefined();
      // A page exactly as long as what is left carries no cursor.
      const exact = await store().listByOwner(owner, { limit: 5 });
      expect(ids(exact.items)).toEqual(newestFirst);
      expect(exact.nextCursor).toBeUndefined();
      expect(await store().listByOwner(randomUUID(), { limit: 5 })).toEqual({ items: [], cursorAfter: [] });
    });

    it('orders tasks created in the same instant by task id, descending', async () => {
      const owner = randomUUID();
      const same = [aTask(owner, at(7)), aTask(owner, at(7)), aTask(owner, at(7))];
      for (const task of same) await store().create(task);
      const page = await store().listByOwner(owner, { limit: 10 });
      expect(ids(page.items)).toEqual(ids(same).sort().reverse());
    });

    it('refuses a cursor of another owner and one it never gave, as a validation failure on `cursor`', async () => {
      const owner = randomUUID();
      for (let n = 0; n < 2; n++) await store().create(aTask(owner, at(n)));
      const { nextCursor } = await store().listByOwner(owner, { limit: 1 });
      for (const cursor of [nextCursor, 'bm90IGEgY3Vyc29y', '%%%']) {
        const listing = store().listByOwner(cursor === nextCursor ? randomUUID() : owner, {
          limit: 1,
          cursor,
        });
        await expect(listing).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
          details: [{ path: 'cursor', message: expect.any(String) }],
        });
      }
    });

    it('records cache keys while processing under the claimed attempt, and appends more on a transition', async () => {
      const task = aTask(randomUUID());
      await store().create(task);
      await expect(store().recordCacheKeys(task.taskId, ['ocr:a'], { attempts: 0 })).rejects.toBeInstanceOf(
        TaskConflictError,
      );
      const claimed = await store().claim(task.taskId, {
        now: at(1),
        leaseUntil: at(90),
        claimId: 'claim-1',
      });
      await store().recordCacheKeys(task.taskId, ['ocr:b', 'ocr:a'], { attempts: claimed.attempts });
      await store().recordCacheKeys(task.taskId, ['ocr:a'], { attempts: claimed.attempts });
      await expect(
        store().recordCacheKeys(task.taskId, ['ocr:c'], { attempts: claimed.attempts + 1 }),
      ).rejects.toBeInstanceOf(TaskConflictError);
      expect((await store().get(task.taskId))?.cacheKeys).toEqual(['ocr:a', 'ocr:b']);
      const done = await store().transition(
        task.taskId,
        { from: ['processing'], attempts: claimed.attempts },
        { status: 'completed', updatedAt: at(2), addCacheKeys: ['llm:x', 'ocr:b'] },
      );
      expect(done.cacheKeys).toEqual(['llm:x', 'ocr:a', 'ocr:b']);
      expect((await store().get(task.taskId))?.cacheKeys).toEqual(['llm:x', 'ocr:a', 'ocr:b']);
    });

    it('deletes a task (and a missing one quietly)', async () => {
      const task = aTask(randomUUID());
      await store().create(task);
      await store().delete(task.taskId);
      expect(await store().get(task.taskId)).toBeUndefined();
      await store().delete(randomUUID());
    });

    it('lists stale pending and processing tasks oldest first, never terminal ones', async () => {
      // Far in the past, so tasks of the other tests (and of other suites on the table) never qualify.
      const old = (second: number) => new Date(Date.UTC(2001, 0, 1, 0, 0, second)).toISOString();
      const pending = [aTask(randomUUID(), old(3)), aTask(randomUUID(), old(1)), aTask(randomUUID(), old(2))];
      for (const task of pending) await store().create(task);
      const processing = aTask(randomUUID(), old(0));
      await store().create(processing);
      await store().claim(processing.taskId, { now: old(4), leaseUntil: old(5), claimId: 'claim-1' });
      const finished = aTask(randomUUID(), old(0));
      await store().create(finished);
      await store().transition(
        finished.taskId,
        { from: ['pending'] },
        { status: 'error', updatedAt: old(0) },
      );

      const stale = await store().listStale('pending', old(3), 10);
      expect(ids(stale)).toEqual([pending[1]?.taskId, pending[2]?.taskId]);
      expect(ids(await store().listStale('pending', old(10), 1))).toEqual([pending[1]?.taskId]);
      expect(ids(await store().listStale('processing', old(10), 10))).toEqual([processing.taskId]);
    });
  });
}
