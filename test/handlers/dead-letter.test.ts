import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubmitImagesRequest } from '../../lambdas/core/schemas/tasks';
import { processTask } from '../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../lambdas/core/use-cases/submit-task';
import { handler } from '../../lambdas/handlers/dead-letter';
import { useWorkerDependencies } from '../../lambdas/handlers/worker-dependencies';
import { base64, pngImage, sqsEvent, sqsRecord } from '../support/events';
import { type MemoryWorld, memoryWorld } from '../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useWorkerDependencies(world);
});
afterEach(() => useWorkerDependencies(undefined));

async function submit(seed: number) {
  const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage(4, 4, seed)) }] });
  return (await submitTask(world, 'user-a', { type: 'document', request })).summary.taskId;
}

describe('dead-letter handler', () => {
  it('marks dead messages’ unfinished tasks error INTERNAL_ERROR and leaves finished ones alone', async () => {
    const stuck = await submit(1);
    const finished = await submit(2);
    await processTask(world, finished);
    const response = await handler(
      sqsEvent([
        sqsRecord(JSON.stringify({ taskId: stuck }), 'docusnap-dlq', 6),
        sqsRecord(JSON.stringify({ taskId: finished }), 'docusnap-dlq', 6),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(await world.tasks.get(stuck)).toMatchObject({
      status: 'error',
      error: { code: 'INTERNAL_ERROR', message: 'processing failed repeatedly' },
    });
    expect((await world.tasks.get(finished))?.status).toBe('completed');
  });
});
