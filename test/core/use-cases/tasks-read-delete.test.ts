import { describe, expect, it } from 'vitest';
import { SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { deleteTask } from '../../../lambdas/core/use-cases/delete-task';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { listTasks } from '../../../lambdas/core/use-cases/list-tasks';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

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
        status: 404,
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
      const answer = await listTasks(world, 'user-a', { limit: 2, cursor });
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
    const { nextCursor } = await listTasks(world, 'user-b', { limit: 1 });
    await expect(listTasks(world, 'user-a', { limit: 1, cursor: nextCursor })).rejects.toMatchObject({
      status: 400,
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
    await expect(getTask(world, 'user-a', taskId)).rejects.toMatchObject({ status: 404 });
  });

  it('answers 404 for another user’s task and leaves it alone', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [{ data: base64(pngImage()) }]);
    await expect(deleteTask(world, 'user-b', taskId)).rejects.toMatchObject({
      status: 404,
      code: 'TASK_NOT_FOUND',
    });
    expect(await world.tasks.get(taskId)).toBeDefined();
    expect(world.blobs.blobs.size).toBe(2);
  });
});
