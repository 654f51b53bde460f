import { describe, expect, it } from 'vitest';
import { SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { failDeadTask } from '../../../lambdas/core/use-cases/fail-dead-task';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

async function submit(world: MemoryWorld) {
  const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage()) }] });
  return (await submitTask(world, 'user-a', { type: 'document', request })).summary.taskId;
}

describe('failDeadTask', () => {
  it('ends a task whose message died with INTERNAL_ERROR and removes its inputs', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    await world.tasks.claim(taskId, {
      now: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    world.clock.advance(91);
    expect(await failDeadTask(world, taskId)).toEqual({ outcome: 'failed', type: 'document' });
    expect(await world.tasks.get(taskId)).toMatchObject({
      status: 'error',
      error: { code: 'INTERNAL_ERROR', message: 'processing failed repeatedly' },
      usage: { pages: 0, ocrEngine: 'textract', llmModel: 'us.amazon.nova-lite-v1:0', estimatedCostUsd: 0 },
    });
    expect(world.blobs.blobs.size).toBe(0);
  });

  it('leaves a finished task and an unknown id alone', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    await processTask(world, taskId);
    const done = await world.tasks.get(taskId);
    expect(await failDeadTask(world, taskId)).toEqual({ outcome: 'skipped' });
    expect(await world.tasks.get(taskId)).toEqual(done);
    expect(await failDeadTask(world, 'gone')).toEqual({ outcome: 'skipped' });
  });

  it('does not fail a task a worker holds a live lease on: it asks again, and fails it once the lease is over', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    await world.tasks.claim(taskId, {
      now: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    world.clock.advance(30);
    expect(await failDeadTask(world, taskId)).toEqual({ outcome: 'busy' });
    expect((await world.tasks.get(taskId))?.status).toBe('processing');
    world.clock.advance(61);
    expect(await failDeadTask(world, taskId)).toEqual({ outcome: 'failed', type: 'document' });
  });

  it('fails only the attempt it read: a worker that took the task over meanwhile goes on', async () => {
    const world = memoryWorld();
    const taskId = await submit(world);
    await world.tasks.claim(taskId, {
      now: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    world.clock.advance(91);
    // Between the handler's read and its write, a redelivery claims the task (attempt 2).
    const tasks = world.tasks;
    const racing = {
      ...world,
      tasks: Object.assign(Object.create(tasks), {
        get: async (id: string) => {
          const read = await tasks.get(id);
          await tasks.claim(id, {
            now: world.clock.now().toISOString(),
            leaseUntil: '2026-01-01T00:03:01.000Z',
            claimId: 'claim-1',
          });
          return read;
        },
      }),
    };
    expect(await failDeadTask(racing, taskId)).toEqual({ outcome: 'skipped' });
    expect(await world.tasks.get(taskId)).toMatchObject({ status: 'processing', attempts: 2 });
  });
});
