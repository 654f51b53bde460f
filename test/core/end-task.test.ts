import { describe, expect, it } from 'vitest';
import { endTask, type TaskEvents } from '../../lambdas/core/end-task';
import { TaskFailure } from '../../lambdas/core/errors';
import { typesetLayout } from '../../lambdas/core/layout';
import type { OcrEngine, OcrImage, OcrPage, TaskStore } from '../../lambdas/core/ports';
import { SubmitImagesRequest } from '../../lambdas/core/schemas/tasks';
import type { Task } from '../../lambdas/core/task';
import { unknownUsage } from '../../lambdas/core/usage';
import { deleteTask } from '../../lambdas/core/use-cases/delete-task';
import { failDeadTask } from '../../lambdas/core/use-cases/fail-dead-task';
import { processTask } from '../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../lambdas/core/use-cases/submit-task';
import { sweepStaleTasks } from '../../lambdas/core/use-cases/sweep-stale-tasks';
import { base64, pngImage } from '../support/events';
import { type MemoryWorld, memoryWorld } from '../support/memory-ports';

async function submit(world: MemoryWorld, seeds: number[] = [1]) {
  const request = SubmitImagesRequest.parse({
    images: seeds.map((seed) => ({ data: base64(pngImage(6, 6, seed)) })),
  });
  return (await submitTask(world, 'user-a', { type: 'document', request })).summary.taskId;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A task store whose completions fail once, as a worker dying between its paid calls and the end. */
function crashingOnce(store: TaskStore): TaskStore {
  let crashed = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'transition') return typeof value === 'function' ? value.bind(target) : value;
      const transition: TaskStore['transition'] = async (...args) => {
        if (!crashed && args[2].status === 'completed') {
          crashed = true;
          throw new Error('the worker died');
        }
        return store.transition(...args);
      };
      return transition;
    },
  });
}

/** A worker attempt that wrote the OCR cache and then died (an exception that is not a TaskFailure). */
async function crashAfterOcr(world: MemoryWorld, taskId: string): Promise<void> {
  world.llm.answer = () => {
    throw new Error('the worker died');
  };
  await expect(processTask(world, taskId)).rejects.toThrow('the worker died');
  expect(world.cache.entries.size).toBe(1);
}

describe('endTask', () => {
  it('ends a task only from the status and attempt it was read with', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    const read = (await world.tasks.get(taskId)) as Task;
    const ending = {
      status: 'error',
      error: { code: 'INTERNAL_ERROR', message: 'x' },
      usage: unknownUsage(world.providers),
    } as const;
    // Claimed since it was read: the read is stale and must not end the new attempt.
    await world.tasks.claim(taskId, {
      now: world.clock.now().toISOString(),
      leaseUntil: '2026-01-01T01:00:00Z',
      claimId: 'claim-1',
    });
    expect(await endTask(world, { task: read, ending, at: world.clock.now() })).toBeUndefined();
    expect((await world.tasks.get(taskId))?.status).toBe('processing');
    const claimed = (await world.tasks.get(taskId)) as Task;
    expect(await endTask(world, { task: claimed, ending, at: world.clock.now() })).toMatchObject({
      status: 'error',
      completedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('adds the cache keys it is given to those the task records, deletes the inputs, then tells the events port', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    const claimed = await world.tasks.claim(taskId, {
      now: world.clock.now().toISOString(),
      leaseUntil: 'z',
      claimId: 'claim-1',
    });
    await world.tasks.recordCacheKeys(taskId, ['ocr:user-a:one'], { attempts: claimed.attempts });
    const told: Task[] = [];
    const events: TaskEvents = {
      taskEnded: async (task) => {
        told.push(task);
        // Inputs are gone by the time anyone hears of the end.
        expect(world.blobs.blobs.size).toBe(0);
      },
    };
    const ended = await endTask(
      { ...world, events },
      {
        task: claimed,
        ending: { status: 'completed', result: { title: 'x' }, usage: unknownUsage(world.providers) },
        cacheKeys: ['llm:user-a:two', 'ocr:user-a:one'],
        at: world.clock.now(),
      },
    );
    expect(ended?.cacheKeys).toEqual(['llm:user-a:two', 'ocr:user-a:one']);
    expect(told.map((task) => [task.taskId, task.status])).toEqual([[taskId, 'completed']]);
    // A second end (a stale writer) changes nothing and tells nobody.
    expect(
      await endTask({ ...world, events }, { task: claimed, ending: ended as never, at: world.clock.now() }),
    ).toBeUndefined();
    expect(told).toHaveLength(1);
  });

  it('keeps the inputs when configured to', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    const task = (await world.tasks.get(taskId)) as Task;
    await endTask(
      { ...world, keepInputs: true },
      {
        task,
        ending: {
          status: 'error',
          error: { code: 'INTERNAL_ERROR', message: 'x' },
          usage: unknownUsage(world.providers),
        },
        at: world.clock.now(),
      },
    );
    expect(world.blobs.blobs.size).toBe(2);
  });
});

describe('every terminal path leaves no cache entry DELETE cannot find', () => {
  it('the worker: an OCR call still running when a sibling image failed ends before the task does', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, [1, 2]);
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ocr: OcrEngine = {
      name: 'textract',
      async recognize(image: OcrImage): Promise<OcrPage> {
        if (image.key.endsWith('/0')) throw new TaskFailure('OCR_FAILURE', 'unreadable');
        await slow;
        return { layout: typesetLayout('late text'), pages: 1 };
      },
    };
    const run = processTask({ ...world, ocr }, taskId);
    await flush();
    await flush();
    release();
    expect(await run).toMatchObject({ outcome: 'failed', code: 'OCR_FAILURE' });
    await flush();
    expect(world.cache.entries.size).toBe(1);
    await deleteTask(world, 'user-a', taskId);
    expect([...world.cache.entries.keys()]).toEqual([]);
  });

  it('the dead-letter handler: entries a dead worker wrote', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    await crashAfterOcr(world, taskId);
    world.clock.advance(91);
    expect(await failDeadTask(world, taskId)).toEqual({ outcome: 'failed', type: 'document' });
    await deleteTask(world, 'user-a', taskId);
    expect([...world.cache.entries.keys()]).toEqual([]);
  });

  it('the sweeper: entries a worker that hung wrote', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    await crashAfterOcr(world, taskId);
    world.clock.advance(601);
    expect((await sweepStaleTasks(world)).timedOut).toBe(1);
    await deleteTask(world, 'user-a', taskId);
    expect([...world.cache.entries.keys()]).toEqual([]);
  });

  it('a late worker attempt writes nothing once its task was ended by someone else', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    // The worker is still at its OCR call when the dead-letter handler ends the task (its lease ran out).
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ocr: OcrEngine = {
      name: 'textract',
      async recognize(): Promise<OcrPage> {
        await slow;
        return { layout: typesetLayout('late text'), pages: 1 };
      },
    };
    const run = processTask({ ...world, ocr }, taskId);
    await flush();
    world.clock.advance(91);
    expect(await failDeadTask(world, taskId)).toEqual({ outcome: 'failed', type: 'document' });
    release();
    expect(await run).toEqual({ outcome: 'superseded', type: 'document' });
    expect([...world.cache.entries.keys()]).toEqual([]);
  });
});

describe('a redelivery after a crash between the paid calls and the end', () => {
  it('reports what this task paid, not a cache hit', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    const crashing = { ...world, tasks: crashingOnce(world.tasks) };
    await expect(processTask(crashing, taskId)).rejects.toThrow('the worker died');
    world.clock.advance(91);
    const redelivered = await processTask(crashing, taskId);
    expect(world.ocr.calls).toHaveLength(1);
    expect(world.llm.calls).toHaveLength(1);
    expect(redelivered).toMatchObject({
      outcome: 'completed',
      usage: {
        pages: 1,
        inputTokens: 1000,
        outputTokens: 200,
        // 1 page × $0.0015 + 1000 × $0.06/M + 200 × $0.24/M
        estimatedCostUsd: 0.001608,
        cacheHit: false,
      },
    });
    // Another task of the same owner on the same inputs is a true cache hit.
    const repeat = await submit(world);
    expect(await processTask(world, repeat)).toMatchObject({
      outcome: 'completed',
      usage: { inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0, cacheHit: true },
    });
  });
});
