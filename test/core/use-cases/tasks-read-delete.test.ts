import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../../../lambdas/core/ports';
import { SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { deleteTask } from '../../../lambdas/core/use-cases/delete-task';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { listTasks } from '../../../lambdas/core/use-cases/list-tasks';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { base64, pngImage } from '../../support/events';
import { FakeOcr, type MemoryWorld, memoryWorld, validAnswer } from '../../support/memory-ports';

async function submit(world: MemoryWorld, owner: string, images: SubmitImagesRequest['images']) {
  const request = SubmitImagesRequest.parse({ images });
  return (await submitTask(world, owner, { type: 'document', request })).summary.taskId;
}

describe('getTask', () => {
  it('shows the owner its task and answers 404 TASK_NOT_FOUND to anyone else', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage()) }]);
    expect(await getTask(world, 'user-a', taskId)).toEqual({
      taskId,
      type: 'document',
      status: 'pending',
      priority: 'normal',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    for (const [owner, id] of [
      ['user-b', taskId],
      ['user-a', 'unknown'],
      ['user-a', '../etc'],
    ]) {
      await expect(getTask(world, owner as string, id as string)).rejects.toMatchObject({
        name: 'TaskNotFound',
        code: 'TASK_NOT_FOUND',
      });
    }
  });

  it('reads a large result back from the blob store', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage()) }]);
    const stored = world.tasks.tasks.get(taskId);
    if (!stored) throw new Error('no task');
    world.tasks.tasks.set(taskId, {
      ...stored,
      status: 'completed',
      resultKey: `results/user-a/${taskId}.json`,
    });
    await world.blobs.put(
      `results/user-a/${taskId}.json`,
      JSON.stringify({ title: 'Big' }),
      'application/json',
    );
    expect((await getTask(world, 'user-a', taskId)).result).toEqual({ title: 'Big' });
  });
});

/** A byte bound no test page comes near. */
const ANY_SIZE = { maxPageBytes: 100_000_000 };

describe('listTasks', () => {
  it('pages through the owner’s tasks newest first and never shows another’s', async () => {
    const world = memoryWorld();
    const mine: string[] = [];
    for (let n = 0; n < 5; n++) {
      mine.push(await submit(world, 'user-a', [{ data: base64(pngImage(4, 4, n)) }]));
      await submit(world, 'user-b', [{ data: base64(pngImage(4, 4, n)) }]);
      world.clock.advance(60);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await listTasks(world, 'user-a', { limit: 2, cursor }, ANY_SIZE);
      seen.push(...answer.items.map((item) => item.taskId));
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...mine].reverse());
    expect(cursor).toBeUndefined();
  });

  it('refuses another user’s cursor', async () => {
    const world = memoryWorld();
    for (let n = 0; n < 3; n++) await submit(world, 'user-b', [{ data: base64(pngImage(4, 4, n)) }]);
    const { nextCursor } = await listTasks(world, 'user-b', { limit: 1 }, ANY_SIZE);
    await expect(
      listTasks(world, 'user-a', { limit: 1, cursor: nextCursor }, ANY_SIZE),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      details: [{ path: 'cursor', message: 'belongs to another list' }],
    });
  });
});

describe('deleteTask', () => {
  it('removes the task, its inline images, its upload, its request and its result', async () => {
    const world = memoryWorld();
    await world.blobs.put('uploads/user-a/up-1', pngImage(), 'image/png');
    await world.blobs.put('uploads/user-a/up-other', pngImage(), 'image/png');
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage()) }, { uploadId: 'up-1' }]);
    await world.blobs.put(`results/user-a/${taskId}.json`, '{}', 'application/json');
    await deleteTask(world, 'user-a', taskId);
    expect(await world.tasks.get(taskId)).toBeUndefined();
    expect([...world.blobs.blobs.keys()]).toEqual(['uploads/user-a/up-other']);
    await expect(getTask(world, 'user-a', taskId)).rejects.toMatchObject({ name: 'TaskNotFound' });
  });

  it('answers 404 for another user’s task and leaves it alone', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage()) }]);
    await expect(deleteTask(world, 'user-b', taskId)).rejects.toMatchObject({
      name: 'TaskNotFound',
      code: 'TASK_NOT_FOUND',
    });
    expect(await world.tasks.get(taskId)).toBeDefined();
    expect(world.blobs.blobs.size).toBe(2);
  });

  it('removes the cached OCR text and result: the same image afterwards is no cache hit', async () => {
    const world = memoryWorld();
    const image = [{ data: base64(pngImage(6, 6, 7)) }];
    const first = await submit(world, 'user-a', image);
    expect(await processTask(world, first)).toMatchObject({ usage: { cacheHit: false } });
    expect((await world.tasks.get(first))?.cacheKeys).toEqual([
      expect.stringMatching(/^llm:user-a:/),
      expect.stringMatching(/^ocr:user-a:/),
    ]);
    await deleteTask(world, 'user-a', first);
    expect([...world.cache.entries.keys()]).toEqual([]);

    const again = await submit(world, 'user-a', image);
    expect(await processTask(world, again)).toMatchObject({
      outcome: 'completed',
      usage: { cacheHit: false },
    });
    expect(world.ocr.calls).toHaveLength(2);
    expect(world.llm.calls).toHaveLength(2);
  });

  it('removes the entries a task read from the cache, and leaves the owner’s other entries', async () => {
    // Each image reads as its own text, so the two images have LLM entries of their own.
    const world = { ...memoryWorld(), ocr: new FakeOcr((bytes) => Buffer.from(bytes).toString('hex')) };
    const image = [{ data: base64(pngImage(6, 6, 7)) }];
    await processTask(world, await submit(world, 'user-a', image));
    const other = await submit(world, 'user-a', [{ data: base64(pngImage(6, 6, 8)) }]);
    await processTask(world, other);
    const hit = await submit(world, 'user-a', image);
    expect(await processTask(world, hit)).toMatchObject({ usage: { cacheHit: true } });
    const otherKeys = (await world.tasks.get(other))?.cacheKeys ?? [];
    expect(otherKeys).toHaveLength(2);

    await deleteTask(world, 'user-a', hit);
    expect([...world.cache.entries.keys()].sort()).toEqual([...otherKeys].sort());
  });

  it('removes the OCR text a failed task cached', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage(6, 6, 7)) }]);
    world.llm.answer = () => 'this is not JSON';
    expect(await processTask(world, taskId)).toMatchObject({ outcome: 'failed', code: 'INVALID_LLM_OUTPUT' });
    expect([...world.cache.entries.keys()]).toEqual([expect.stringMatching(/^ocr:user-a:/)]);
    await deleteTask(world, 'user-a', taskId);
    expect(world.cache.entries.size).toBe(0);
  });

  it('leaves no cache entry behind when the task is deleted while a worker processes it', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage(6, 6, 7)) }]);
    world.llm.answer = (request: LlmRequest) => {
      // DELETE arrives while the model is answering; the worker then writes its entries and loses the race.
      return deleteTask(world, 'user-a', taskId).then(() => validAnswer(request));
    };
    expect(await processTask(world, taskId)).toEqual({ outcome: 'superseded', type: 'document' });
    expect(await world.tasks.get(taskId)).toBeUndefined();
    expect(world.cache.entries.size).toBe(0);
  });

  it('never deletes an entry outside the owner’s caches, whatever the task record names', async () => {
    const world = memoryWorld();
    await world.cache.put('ocr:user-b:abc', { text: 'theirs', pages: 1 }, 3600);
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage()) }]);
    const stored = world.tasks.tasks.get(taskId);
    if (!stored) throw new Error('no task');
    world.tasks.tasks.set(taskId, { ...stored, cacheKeys: ['ocr:user-b:abc', 'ocr:user-a-x:abc'] });
    await world.cache.put('ocr:user-a-x:abc', { text: 'another user', pages: 1 }, 3600);
    await deleteTask(world, 'user-a', taskId);
    expect([...world.cache.entries.keys()].sort()).toEqual(['ocr:user-a-x:abc', 'ocr:user-b:abc']);
  });

  it('keeps the task when the cache entries cannot be deleted, so the delete can be retried', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage(6, 6, 7)) }]);
    await processTask(world, taskId);
    const cache = {
      ...world.cache,
      get: world.cache.get.bind(world.cache),
      put: world.cache.put.bind(world.cache),
      delete: async () => {
        throw new Error('DynamoDB is unavailable');
      },
    };
    await expect(deleteTask({ ...world, cache }, 'user-a', taskId)).rejects.toThrow('unavailable');
    expect(await world.tasks.get(taskId)).toBeDefined();
    await deleteTask(world, 'user-a', taskId);
    expect(world.cache.entries.size).toBe(0);
    expect(await world.tasks.get(taskId)).toBeUndefined();
  });
});
