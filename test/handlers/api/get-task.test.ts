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

describe('GET /v1/tasks/{taskId}?waitSeconds= (long poll)', () => {
  const poll = async (taskId: string, query?: Record<string, string>) => {
    const result = await getTask(
      apiEvent('GET /v1/tasks/{taskId}', { sub: 'user-a', pathParameters: { taskId }, query }),
    );
    return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body ?? '') };
  };

  it('answers as soon as the task ends, without waiting out the time asked for', async () => {
    const taskId = await submitted('user-a');
    // The worker finishes the task during the second pause of the poll.
    world.pauses.during = async (pause) => {
      if (pause === 2) await processTask(world, taskId);
    };
    const { status, headers, body } = await poll(taskId, { waitSeconds: '20' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ taskId, status: 'completed', result: { tags: ['invoice'] } });
    expect(headers['retry-after']).toBeUndefined();
    expect(world.pauses.calls).toEqual([250, 500]);
  });

  it('gives the current view with Retry-After once the wait is over, re-reading with backoff', async () => {
    const taskId = await submitted('user-a');
    const { status, headers, body } = await poll(taskId, { waitSeconds: '5' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ taskId, status: 'pending' });
    expect(headers['retry-after']).toBe('2');
    // 0.25 s doubling to 2 s, the last one cut to what is left of the 5 s.
    expect(world.pauses.calls).toEqual([250, 500, 1000, 2000, 1250]);
  });

  it('answers a terminal task at once, and a plain GET never waits', async () => {
    const taskId = await submitted('user-a');
    expect((await poll(taskId)).headers['retry-after']).toBe('2');
    await processTask(world, taskId);
    const { headers, body } = await poll(taskId, { waitSeconds: '20' });
    expect(body.status).toBe('completed');
    expect(headers['retry-after']).toBeUndefined();
    expect(world.pauses.calls).toEqual([]);
  });

  it('turns a task deleted while waiting into 404, and another user’s task into 404 without waiting', async () => {
    const taskId = await submitted('user-a');
    const foreign = await getTask(
      apiEvent('GET /v1/tasks/{taskId}', {
        sub: 'user-b',
        pathParameters: { taskId },
        query: { waitSeconds: '20' },
      }),
    );
    expect(foreign.statusCode).toBe(404);
    expect(world.pauses.calls).toEqual([]);
    world.pauses.during = () => world.tasks.delete(taskId);
    const { status, body } = await poll(taskId, { waitSeconds: '20' });
    expect(status).toBe(404);
    expect(body.error.code).toBe('TASK_NOT_FOUND');
  });

  it.each(['21', '-1', '1.5', 'soon', ''])(
    'refuses waitSeconds=%s with 400 VALIDATION_ERROR',
    async (value) => {
      const taskId = await submitted('user-a');
      const { status, body } = await poll(taskId, { waitSeconds: value });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(body.error.details[0].path).toBe('query.waitSeconds');
    },
  );
});
