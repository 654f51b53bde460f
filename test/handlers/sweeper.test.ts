import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubmitImagesRequest } from '../../lambdas/core/schemas/tasks';
import { submitTask } from '../../lambdas/core/use-cases/submit-task';
import { useHousekeepingDependencies } from '../../lambdas/handlers/housekeeping-dependencies';
import { handler } from '../../lambdas/handlers/sweeper';
import { base64, pngImage } from '../support/events';
import { type MemoryWorld, memoryWorld } from '../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useHousekeepingDependencies(world);
});
afterEach(() => useHousekeepingDependencies(undefined));

describe('sweeper handler', () => {
  it('re-sends a stale pending task and fails a stale processing one', async () => {
    const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage()) }] });
    const pending = (await submitTask(world, 'user-a', { type: 'document', request })).summary.taskId;
    const processing = (await submitTask(world, 'user-a', { type: 'document', request })).summary.taskId;
    await world.tasks.claim(processing, {
      now: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    world.queue.sent.length = 0;
    world.clock.advance(601);
    expect(await handler()).toEqual({
      requeued: 1,
      timedOut: 1,
      errors: 0,
      requeuedTasks: [{ taskId: pending, type: 'document' }],
      timedOutTasks: [{ taskId: processing, type: 'document' }],
    });
    expect(world.queue.sent.map((sent) => sent.message.taskId)).toEqual([pending]);
    expect((await world.tasks.get(processing))?.error?.code).toBe('PROCESSING_TIMEOUT');
  });
});
