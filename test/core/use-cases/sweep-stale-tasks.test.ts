import { describe, expect, it } from 'vitest';
import { SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { sweepStaleTasks } from '../../../lambdas/core/use-cases/sweep-stale-tasks';
import { base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

async function submit(world: MemoryWorld, seed = 0, priority: 'normal' | 'high' = 'normal') {
  const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage(4, 4, seed)) }], priority });
  return (await submitTask(world, 'user-a', { type: 'document', request })).summary.taskId;
}

describe('sweepStaleTasks', () => {
  it('re-sends a task left pending past the pending timeout, once per timeout', async () => {
    const world = memoryWorld();
    const stale = await submit(world, 1, 'high');
    world.clock.advance(301);
    const fresh = await submit(world, 2);
    world.queue.sent.length = 0;

    expect(await sweepStaleTasks(world)).toEqual({
      requeued: 1,
      timedOut: 0,
      errors: 0,
      requeuedTasks: [{ taskId: stale, type: 'document' }],
      timedOutTasks: [],
    });
    expect(world.queue.sent).toEqual([{ message: { taskId: stale }, priority: 'high' }]);
    expect((await world.tasks.get(stale))?.updatedAt).toBe('2026-01-01T00:05:01.000Z');
    expect((await world.tasks.get(fresh))?.updatedAt).toBe('2026-01-01T00:05:01.000Z');

    world.clock.advance(60);
    expect(await sweepStaleTasks(world)).toEqual({
      requeued: 0,
      timedOut: 0,
      errors: 0,
      requeuedTasks: [],
      timedOutTasks: [],
    });
    world.clock.advance(300);
    expect((await sweepStaleTasks(world)).requeued).toBe(2);
  });

  it('fails a task left processing past the processing timeout with PROCESSING_TIMEOUT', async () => {
    const world = memoryWorld();
    const stuck = await submit(world, 1);
    await world.tasks.claim(stuck, {
      now: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    world.clock.advance(500);
    const recent = await submit(world, 2);
    await world.tasks.claim(recent, {
      now: world.clock.now().toISOString(),
      leaseUntil: '2026-01-01T00:09:50.000Z',
      claimId: 'claim-1',
    });
    const finished = await submit(world, 3);
    await processTask(world, finished);
    world.clock.advance(101);

    expect(await sweepStaleTasks(world)).toEqual({
      requeued: 0,
      timedOut: 1,
      errors: 0,
      requeuedTasks: [],
      timedOutTasks: [{ taskId: stuck, type: 'document' }],
    });
    expect(await world.tasks.get(stuck)).toMatchObject({
      status: 'error',
      error: { code: 'PROCESSING_TIMEOUT' },
      usage: { pages: 0, ocrEngine: 'textract', cacheHit: false },
    });
    expect((await world.tasks.get(recent))?.status).toBe('processing');
    expect((await world.tasks.get(finished))?.status).toBe('completed');
    expect([...world.blobs.blobs.keys()].some((key) => key.includes(stuck))).toBe(false);
  });

  it('keeps sweeping when the queue fails for one task, and still times out stuck ones', async () => {
    const world = memoryWorld();
    const stuck = await submit(world, 1);
    await world.tasks.claim(stuck, {
      now: world.clock.now().toISOString(),
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    const first = await submit(world, 2);
    const second = await submit(world, 3);
    world.clock.advance(601);
    world.queue.sent.length = 0;
    const send = world.queue.send.bind(world.queue);
    world.queue.send = async (message, priority) => {
      if (message.taskId === first) throw new Error('queue unavailable');
      return send(message, priority);
    };

    // The task whose send failed is counted in errors, not listed as requeued.
    expect(await sweepStaleTasks(world)).toEqual({
      requeued: 1,
      timedOut: 1,
      errors: 1,
      requeuedTasks: [{ taskId: second, type: 'document' }],
      timedOutTasks: [{ taskId: stuck, type: 'document' }],
    });
    expect(world.queue.sent.map((sent) => sent.message.taskId)).toEqual([second]);
    expect((await world.tasks.get(stuck))?.error?.code).toBe('PROCESSING_TIMEOUT');
  });
});
