import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as getTask } from '../../../lambdas/handlers/api/get-task';
import { handler as submitDocument } from '../../../lambdas/handlers/api/submit-document';
import { apiEvent, base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

async function submitted(sub: string) {
  const result = await submitDocument(
    apiEvent('POST /v1/tasks/document', { sub, body: { images: [{ data: base64(pngImage()) }] } }),
  );
  return JSON.parse(result.body ?? '').taskId as string;
}

const view = async (sub: string, taskId: string) => {
  const result = await getTask(apiEvent('GET /v1/tasks/{taskId}', { sub, pathParameters: { taskId } }));
  return { status: result.statusCode, body: JSON.parse(result.body ?? '') };
};

describe('GET /v1/tasks/{taskId}', () => {
  it('shows the owner the task, then its result and usage once completed', async () => {
    const taskId = await submitted('user-a');
    expect((await view('user-a', taskId)).body).toMatchObject({ taskId, status: 'pending' });
    world.clock.advance(5);
    await processTask(world, taskId);
    const { status, body } = await view('user-a', taskId);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'completed',
      updatedAt: '2026-01-01T00:00:05.000Z',
      completedAt: '2026-01-01T00:00:05.000Z',
      result: { tags: ['invoice'] },
      usage: { pages: 1, ocrEngine: 'textract', cacheHit: false },
    });
  });

  it('answers 404 TASK_NOT_FOUND for an unknown id, a malformed id and another user’s task', async () => {
    const taskId = await submitted('user-a');
    for (const [sub, id] of [
      ['user-a', 'does-not-exist'],
      ['user-a', 'a/b'],
      ['user-b', taskId],
    ] as const) {
      const { status, body } = await view(sub, id);
      expect(status).toBe(404);
      expect(body.error.code).toBe('TASK_NOT_FOUND');
    }
  });
});
