import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { LocalKeyWrapper } from '../../../../lambdas/adapters/local-key-wrapper';
import {
  type CompatProcessDependencies,
  processCompatRequest,
} from '../../../../lambdas/core/compat/process-job';
import type { CompatAnswer } from '../../../../lambdas/core/compat/protocol';
import { createResultSealer } from '../../../../lambdas/core/compat/seal-result';
import type { Task } from '../../../../lambdas/core/task';
import type { CompatHttpResponse } from '../../../support/android-client';
import {
  ManualClock,
  MemoryBlobStore,
  MemoryCache,
  MemoryQueue,
  MemoryTaskStore,
  SequentialIds,
} from '../../../support/memory-ports';
import { MemoryCompatStore } from './memory-compat-store';

/** One RSA-2048 key pair per test file: generating it is the slow part. */
export function rsaKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export type KeyPair = ReturnType<typeof rsaKeyPair>;

/** The compat use cases over in-memory ports, with a clock that only moves when told. */
export function compatHarness(keys: KeyPair) {
  const tasks = new MemoryTaskStore();
  const blobs = new MemoryBlobStore();
  const queue = new MemoryQueue();
  /** The worker's OCR cache, which /clear empties of the job's entries. */
  const cache = new MemoryCache();
  const compat = new MemoryCompatStore(tasks);
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const keyWrapper = new LocalKeyWrapper(randomBytes(32));
  const deps: CompatProcessDependencies = {
    tasks,
    blobs,
    queue,
    keys: keyWrapper,
    compat,
    privateKey: async () => keys.privateKey,
    clock,
    ids: new SequentialIds('task'),
    keepInputs: false,
    providers: { ocrEngine: 'textract', llmModel: 'us.amazon.nova-lite-v1:0' },
  };
  const seal = createResultSealer(keyWrapper);
  /** The newest task; fails the test when there is none. */
  const lastTask = (): Task => {
    const task = [...tasks.tasks.values()].at(-1);
    if (!task) throw new Error('no task was created');
    return task;
  };
  return {
    lastTask,
    /** The library and form stored beside a task's images, as the worker will read them. */
    async requestDetails(task: Task = lastTask()): Promise<{ library: unknown; form?: unknown }> {
      const bytes = await blobs.get(task.requestKey);
      if (!bytes) throw new Error(`no request details at ${task.requestKey}`);
      return JSON.parse(Buffer.from(bytes).toString('utf8'));
    },
    deps,
    tasks,
    blobs,
    cache,
    queue,
    compat,
    clock,
    keyWrapper,
    /** A transport for the Android client that calls the use case as the handler would, HTTP status included. */
    async send(body: unknown): Promise<CompatHttpResponse> {
      const answer: CompatAnswer = await processCompatRequest(deps, body);
      const statusCode = answer.status === 'processing' ? 202 : answer.status === 'completed' ? 200 : 400;
      return { statusCode, body: JSON.stringify(answer), headers: {} };
    },
    /**
     * The worker's part, simulated: claim the task and complete it with a sealed result, recording the
     * cache keys it wrote or read (`task.cacheKeys`) as process-task does.
     */
    async complete(taskId: string, result: unknown, cacheKeys?: string[]): Promise<Task> {
      const now = clock.now().toISOString();
      const claimed = await tasks.claim(taskId, {
        now,
        leaseUntil: new Date(Date.parse(now) + 90_000).toISOString(),
        claimId: 'claim-1',
      });
      return tasks.transition(
        taskId,
        { from: ['processing'], attempts: claimed.attempts },
        {
          status: 'completed',
          updatedAt: now,
          completedAt: now,
          result: await seal(claimed, result),
          ...(cacheKeys && { cacheKeys }),
        },
      );
    },
  };
}
