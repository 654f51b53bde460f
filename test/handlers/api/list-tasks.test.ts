import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
});
