import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubmitImagesRequest } from '../../lambdas/core/schemas/tasks';
import { processTask } from '../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../lambdas/core/use-cases/submit-task';
import { parseConfig } from '../../lambdas/handlers/config';
import { handler } from '../../lambdas/handlers/dead-letter';
import { useHousekeepingDependencies } from '../../lambdas/handlers/housekeeping-dependencies';
import { base64, pngImage, sqsEvent, sqsRecord } from '../support/events';
import { type MemoryWorld, memoryWorld } from '../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useHousekeepingDependencies(world);
});
afterEach(() => useHousekeepingDependencies(undefined));

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

  it('retries the dead message of a task a worker still holds, and fails the task once the lease is over', async () => {
    const held = await submit(4);
    await world.tasks.claim(held, {
      now: world.clock.now().toISOString(),
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    const event = sqsEvent([sqsRecord(JSON.stringify({ taskId: held }), 'docusnap-dlq', 6)]);
    const first = await handler(event);
    expect(first.batchItemFailures).toHaveLength(1);
    expect((await world.tasks.get(held))?.status).toBe('processing');
    world.clock.advance(91);
    expect((await handler(event)).batchItemFailures).toEqual([]);
    expect((await world.tasks.get(held))?.error?.code).toBe('INTERNAL_ERROR');
  });

  it('names the configured model in the usage of the task it fails', async () => {
    const env = {
      DOCUSNAP_TABLE: 't',
      DOCUSNAP_BUCKET: 'b',
      DOCUSNAP_QUEUE_URL: 'q',
      DOCUSNAP_HIGH_QUEUE_URL: 'h',
      DOCUSNAP_BEDROCK_MODEL_ID: 'eu.amazon.nova-pro-v1:0',
    };
    useHousekeepingDependencies({ ...world, providers: parseConfig(env).providers });
    const stuck = await submit(3);
    await handler(sqsEvent([sqsRecord(JSON.stringify({ taskId: stuck }), 'docusnap-dlq', 6)]));
    expect((await world.tasks.get(stuck))?.usage).toEqual({
      pages: 0,
      ocrEngine: 'textract',
      llmModel: 'eu.amazon.nova-pro-v1:0',
      inputTokens: 0,
      outputTokens: 0,
      estimatedCostUsd: 0,
      cacheHit: false,
    });
  });
});
