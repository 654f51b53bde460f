import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../lambdas/core/errors';
import { SubmitImagesRequest } from '../../lambdas/core/schemas/tasks';
import { submitTask } from '../../lambdas/core/use-cases/submit-task';
import { handler } from '../../lambdas/handlers/worker';
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

const message = (taskId: string) => JSON.stringify({ taskId });

describe('worker handler', () => {
  it('processes a batch from both queues and reports only the failing records', async () => {
    const done = await submit(1);
    const held = await submit(2);
    const broken = await submit(3);
    const urgent = await submit(4);
    await world.tasks.claim(held, {
      now: '2026-01-01T00:00:00.000Z',
      leaseUntil: '2026-01-01T00:01:30.000Z',
      claimId: 'claim-1',
    });
    const get = world.blobs.get.bind(world.blobs);
    world.blobs.get = async (key) => {
      if (key.includes(broken) && !key.endsWith('request.json')) throw new DependencyUnavailableError('S3');
      return get(key);
    };
    const records = [
      sqsRecord(message(done)),
      sqsRecord(message(held)),
      sqsRecord(message(broken)),
      sqsRecord('{"not":"a task message"}'),
      sqsRecord(message(urgent), 'docusnap-high'),
    ];

    const response = await handler(sqsEvent(records));

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: records[1]?.messageId },
      { itemIdentifier: records[2]?.messageId },
    ]);
    expect((await world.tasks.get(done))?.status).toBe('completed');
    expect((await world.tasks.get(urgent))?.status).toBe('completed');
    expect((await world.tasks.get(held))?.status).toBe('processing');
    // An unexpected error is not the task's fault: it stays processing and the message comes back.
    expect((await world.tasks.get(broken))?.status).toBe('processing');
  });

  it('records a task failure as the task’s error and not as a batch failure', async () => {
    const taskId = await submit(1);
    world.llm.answer = () => 'garbage';
    const response = await handler(sqsEvent([sqsRecord(message(taskId))]));
    expect(response.batchItemFailures).toEqual([]);
    expect(await world.tasks.get(taskId)).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_LLM_OUTPUT' },
    });
  });

  it('treats a duplicate delivery as a success that changes nothing', async () => {
    const taskId = await submit(1);
    const first = sqsRecord(message(taskId));
    await handler(sqsEvent([first]));
    const after = await world.tasks.get(taskId);
    const response = await handler(sqsEvent([sqsRecord(message(taskId), 'docusnap-normal', 2)]));
    expect(response.batchItemFailures).toEqual([]);
    expect(await world.tasks.get(taskId)).toEqual(after);
    expect(world.llm.calls).toHaveLength(1);
  });
  it('brings a message back after the lease its attempt holds when a dependency failed passingly, on its first two receives only', async () => {
    const postponed: { messageId: string; seconds: number }[] = [];
    const records = [1, 2, 3].map((receiveCount) => sqsRecord(message('t'), 'docusnap-normal', receiveCount));
    const retries = {
      postpone: async (received: { receiptHandle: string }, seconds: number) => {
        const record = records.find((candidate) => candidate.receiptHandle === received.receiptHandle);
        postponed.push({ messageId: record?.messageId ?? '?', seconds });
      },
    };
    useWorkerDependencies({ ...world, retries });
    const taskIds = await Promise.all([1, 2, 3].map((seed) => submit(seed)));
    records.forEach((record, n) => {
      record.body = message(taskIds[n] as string);
    });
    world.tasks.claim = async (taskId) => {
      throw new DependencyUnavailableError('DynamoDB', { cause: new Error(`timed out claiming ${taskId}`) });
    };

    const response = await handler(sqsEvent(records));

    expect(response.batchItemFailures).toHaveLength(3);
    expect(postponed.map((entry) => entry.messageId)).toEqual([records[0]?.messageId, records[1]?.messageId]);
    for (const { seconds } of postponed) {
      // Past the 90 s lease a claim that did land holds, well before the 540 s visibility timeout.
      expect(seconds).toBeGreaterThan(world.workerTimeoutSeconds);
      expect(seconds).toBeLessThanOrEqual(world.workerTimeoutSeconds + 10);
    }
  });

  it('leaves a message that failed for another reason to the visibility timeout', async () => {
    const postponed: number[] = [];
    useWorkerDependencies({
      ...world,
      retries: { postpone: async (_message, seconds) => void postponed.push(seconds) },
    });
    const taskId = await submit(1);
    world.tasks.claim = async () => {
      throw new Error('a bug');
    };
    const response = await handler(sqsEvent([sqsRecord(message(taskId))]));
    expect(response.batchItemFailures).toHaveLength(1);
    expect(postponed).toEqual([]);
  });
});
