import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../../../lambdas/core/task';
import { MAX_LIST_PAGE_BYTES } from '../../../lambdas/handlers/api/api-handler';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as listTasks } from '../../../lambdas/handlers/api/list-tasks';
import { handler as submitDocument } from '../../../lambdas/handlers/api/submit-document';
import { apiEvent, base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

const list = async (sub: string, query: Record<string, string>) => {
  const result = await listTasks(apiEvent('GET /v1/tasks', { sub, query }));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '') };
};

describe('GET /v1/tasks', () => {
  it('pages through the caller’s tasks newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const result = await submitDocument(
        apiEvent('POST /v1/tasks/document', { body: { images: [{ data: base64(pngImage(4, 4, n)) }] } }),
      );
      ids.push(JSON.parse(result.body ?? '').taskId);
      await submitDocument(
        apiEvent('POST /v1/tasks/document', {
          sub: 'user-b',
          body: { images: [{ data: base64(pngImage()) }] },
        }),
      );
      world.clock.advance(1);
    }
    const first = await list('user-a', { limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { taskId: string }) => item.taskId)).toEqual([ids[2], ids[1]]);
    const second = await list('user-a', { limit: '2', cursor: first.body.nextCursor });
    expect(second.body.items.map((item: { taskId: string }) => item.taskId)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('answers 400 VALIDATION_ERROR for a limit out of range, naming query.limit', async () => {
    const { status, body } = await list('user-a', { limit: '500' });
    expect(status).toBe(400);
    expect(body.error.details[0].path).toBe('query.limit');
  });

  it('answers an empty list to a user with no tasks', async () => {
    expect((await list('user-c', {})).body).toEqual({ items: [] });
  });

  describe('pages with large results', () => {
    /**
     * A completed task whose result holds `quotes` double quotes: 2 bytes each in the body's JSON, 4 once
     * the body is itself carried as a JSON string in Lambda's response, the worst case of escaping.
     */
    async function completedTask(n: number, quotes: number, blob = false): Promise<string> {
      const kv = { Quote: '"'.repeat(quotes) };
      const result = { title: `Task ${n} Result`, tags: ['big'], description: 'Large.', kv, related: [] };
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
      const taskId = `task-${String(n).padStart(3, '0')}`;
      const task: Task = {
        taskId,
        owner: 'user-a',
        type: 'document',
        status: 'completed',
        priority: 'normal',
        source: 'v1',
        createdAt: at,
        updatedAt: at,
        completedAt: at,
        images: [],
        requestKey: `inputs/user-a/${taskId}/request.json`,
        attempts: 1,
        expiresAt: 2_000_000_000,
      };
      if (blob) {
        // Too large for the record: the result lives in the blob store, as the worker leaves it.
        const resultKey = `results/user-a/${taskId}.json`;
        await world.blobs.put(resultKey, JSON.stringify(result), 'application/json');
        await world.tasks.create({ ...task, resultKey });
      } else {
        await world.tasks.create({ ...task, result });
      }
      return taskId;
    }

    it('caps a page by bytes as well as count, and resumes exactly where the page was cut', async () => {
      const ids: string[] = [];
      // 12 tasks of 600 KB of body JSON and 1.2 MB as carried: 100 of them would be far past Lambda's 6 MB.
      for (let n = 0; n < 12; n++) ids.push(await completedTask(n, 300_000, n % 2 === 1));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const result = await listTasks(
          apiEvent('GET /v1/tasks', { sub: 'user-a', query: { limit: '100', ...(cursor && { cursor }) } }),
        );
        expect(result.statusCode).toBe(200);
        const body = JSON.parse(result.body ?? '');
        // The whole Lambda response, serialised as the runtime sends it, stays inside 6 MB.
        expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(6 * 1024 * 1024);
        expect(Buffer.byteLength(JSON.stringify(result.body))).toBeLessThan(MAX_LIST_PAGE_BYTES + 4096);
        expect(body.items.length).toBeGreaterThan(0);
        seen.push(...body.items.map((item: { taskId: string }) => item.taskId));
        for (const item of body.items) expect(item.result.kv.Quote).toHaveLength(300_000);
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(seen).toEqual([...ids].reverse());
      expect(pages).toBeGreaterThan(2);
    });

    it('still answers a task larger than the cap on a page of its own, then goes on', async () => {
      const small = await completedTask(1, 10);
      const large = await completedTask(2, 1_500_000, true);
      const first = JSON.parse(
        (await listTasks(apiEvent('GET /v1/tasks', { sub: 'user-a', query: { limit: '10' } }))).body ?? '',
      );
      expect(first.items.map((item: { taskId: string }) => item.taskId)).toEqual([large]);
      const second = JSON.parse(
        (
          await listTasks(
            apiEvent('GET /v1/tasks', { sub: 'user-a', query: { limit: '10', cursor: first.nextCursor } }),
          )
        ).body ?? '',
      );
      expect(second).toMatchObject({ items: [{ taskId: small }] });
      expect(second.nextCursor).toBeUndefined();
    });
  });
});
