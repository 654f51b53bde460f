import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTaskStore } from '../../lambdas/adapters/dynamodb-task-store';
import {
  DependencyThrottledError,
  DependencyUnavailableError,
  TaskConflictError,
  ValidationError,
} from '../../lambdas/core/errors';
import { TASK_STATUSES, type Task } from '../../lambdas/core/task';
import { startEmulators } from '../../local/emulators';
import { applyEnv, createDocumentClient, useEmulators } from '../support/emulators';

const emulators = useEmulators();
let store: DynamoDbTaskStore;

beforeAll(() => {
  store = new DynamoDbTaskStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE);
});

function newTask(overrides: Partial<Task> = {}): Task {
  const taskId = randomUUID();
  return {
    taskId,
    owner: `user-${randomUUID()}`,
    type: 'document',
    status: 'pending',
    priority: 'normal',
    source: 'v1',
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    images: [{ key: `inputs/u/${taskId}/0`, mediaType: 'image/png', bytes: 1234 }],
    requestKey: `inputs/u/${taskId}/request.json`,
    attempts: 0,
    expiresAt: 1_900_000_000,
    ...overrides,
  };
}

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();

describe('create and get', () => {
  it('returns the task exactly as created, without the table keys', async () => {
    const task = newTask();
    await store.create(task);
    expect(await store.get(task.taskId)).toEqual(task);
  });

  it('takes a create that already reached the table (a retried put whose answer was lost) for success', async () => {
    const task = newTask();
    await store.create(task);
    await expect(store.create(task)).resolves.toBeUndefined();
    expect(await store.get(task.taskId)).toEqual(task);
  });

  it('refuses a second task with the same id instead of overwriting it', async () => {
    const task = newTask();
    await store.create(task);
    await expect(store.create({ ...task, owner: 'someone-else' })).rejects.toBeInstanceOf(TaskConflictError);
  });

  it('drops undefined members instead of failing to store them', async () => {
    const task = newTask({ leaseUntil: undefined, result: { title: 'Receipt', extra: undefined } });
    await store.create(task);
    const stored = await store.get(task.taskId);
    expect(stored?.result).toEqual({ title: 'Receipt' });
    expect(stored).not.toHaveProperty('leaseUntil');
  });

  it('answers undefined for an unknown task', async () => {
    expect(await store.get(randomUUID())).toBeUndefined();
  });

  it('forgets a deleted task', async () => {
    const task = newTask();
    await store.create(task);
    await store.delete(task.taskId);
    expect(await store.get(task.taskId)).toBeUndefined();
  });
});

describe('listByOwner', () => {
  it('pages through the owner’s tasks newest first and only the last page has no cursor', async () => {
    const owner = `user-${randomUUID()}`;
    const tasks = [1, 2, 3, 4, 5].map((minute) =>
      newTask({ owner, createdAt: at(minute), updatedAt: at(minute) }),
    );
    for (const task of tasks) await store.create(task);
    await store.create(newTask({ createdAt: at(9) }));

    const seen: string[][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await store.listByOwner(owner, { limit: 2, cursor });
      seen.push(result.items.map((task) => task.createdAt));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([[at(5), at(4)], [at(3), at(2)], [at(1)]]);
  });

  it('gives no cursor when the tasks fill the page exactly', async () => {
    const owner = `user-${randomUUID()}`;
    for (const minute of [1, 2]) await store.create(newTask({ owner, createdAt: at(minute) }));
    const page = await store.listByOwner(owner, { limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeUndefined();
  });

  it('rejects another owner’s cursor with a validation error naming the cursor', async () => {
    const owner = `user-${randomUUID()}`;
    for (const minute of [1, 2, 3]) await store.create(newTask({ owner, createdAt: at(minute) }));
    const { nextCursor } = await store.listByOwner(owner, { limit: 1 });
    expect(nextCursor).toBeDefined();

    const attempt = store.listByOwner('intruder', { limit: 1, cursor: nextCursor });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
  });

  it('rejects a cursor that does not decode', async () => {
    for (const cursor of ['not a cursor', Buffer.from('{"pk":1}').toString('base64url'), '']) {
      await expect(store.listByOwner('anyone', { limit: 1, cursor })).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('transition', () => {
  it('moves pending → processing → completed and keeps what each step set', async () => {
    const task = newTask();
    await store.create(task);
    await store.transition(task.taskId, { from: ['pending'] }, { status: 'processing', updatedAt: at(1) });
    const usage = {
      pages: 1,
      ocrEngine: 'tesseract',
      llmModel: 'rules',
      inputTokens: 10,
      outputTokens: 5,
      estimatedCostUsd: 0,
      cacheHit: false,
    };
    const completed = await store.transition(
      task.taskId,
      { from: ['processing'] },
      { status: 'completed', updatedAt: at(2), completedAt: at(2), result: { title: 'Invoice' }, usage },
    );
    expect(completed).toEqual({
      ...task,
      status: 'completed',
      updatedAt: at(2),
      completedAt: at(2),
      result: { title: 'Invoice' },
      usage,
    });
    expect(await store.get(task.taskId)).toEqual(completed);
  });

  it('keeps the cache keys a completion or failure records', async () => {
    const cacheKeys = ['llm:user:abc', 'ocr:user:def'];
    for (const status of ['completed', 'error'] as const) {
      const task = newTask();
      await store.create(task);
      await store.transition(task.taskId, { from: ['pending'] }, { status: 'processing', updatedAt: at(1) });
      const done = await store.transition(
        task.taskId,
        { from: ['processing'] },
        { status, updatedAt: at(2), completedAt: at(2), addCacheKeys: cacheKeys },
      );
      expect(done.cacheKeys).toEqual(cacheKeys);
      expect((await store.get(task.taskId))?.cacheKeys).toEqual(cacheKeys);
    }
  });

  it('records cache keys while the claimed attempt processes, and adds the end’s keys to them', async () => {
    const task = newTask();
    await store.create(task);
    const claimed = await store.claim(task.taskId, { now: at(1), leaseUntil: at(90), claimId: 'claim-1' });
    await store.recordCacheKeys(task.taskId, ['ocr:user:one'], { attempts: claimed.attempts });
    await store.recordCacheKeys(task.taskId, ['ocr:user:two', 'ocr:user:one'], {
      attempts: claimed.attempts,
    });
    expect((await store.get(task.taskId))?.cacheKeys).toEqual(['ocr:user:one', 'ocr:user:two']);
    const done = await store.transition(
      task.taskId,
      { from: ['processing'], attempts: claimed.attempts },
      {
        status: 'error',
        updatedAt: at(2),
        completedAt: at(2),
        addCacheKeys: ['llm:user:three', 'ocr:user:one'],
      },
    );
    expect(done.cacheKeys).toEqual(['llm:user:three', 'ocr:user:one', 'ocr:user:two']);
  });

  it('refuses to record cache keys for a task that ended, was taken over or is gone', async () => {
    const task = newTask();
    await store.create(task);
    const claimed = await store.claim(task.taskId, { now: at(1), leaseUntil: at(2), claimId: 'claim-1' });
    // Taken over by a redelivery once the lease ran out: the first attempt may no longer record.
    const takenOver = await store.claim(task.taskId, { now: at(3), leaseUntil: at(90), claimId: 'claim-1' });
    await expect(
      store.recordCacheKeys(task.taskId, ['ocr:user:late'], { attempts: claimed.attempts }),
    ).rejects.toBeInstanceOf(TaskConflictError);
    await store.transition(
      task.taskId,
      { from: ['processing'], attempts: takenOver.attempts },
      { status: 'error', updatedAt: at(4), completedAt: at(4) },
    );
    await expect(
      store.recordCacheKeys(task.taskId, ['ocr:user:late'], { attempts: takenOver.attempts }),
    ).rejects.toBeInstanceOf(TaskConflictError);
    await expect(
      store.recordCacheKeys('no-such-task', ['ocr:user:late'], { attempts: 1 }),
    ).rejects.toBeInstanceOf(TaskConflictError);
    expect((await store.get(task.taskId))?.cacheKeys).toBeUndefined();
  });

  it('fails a pending task straight to error with its code', async () => {
    const task = newTask();
    await store.create(task);
    const failed = await store.transition(
      task.taskId,
      { from: ['pending', 'processing'] },
      { status: 'error', updatedAt: at(3), error: { code: 'PROCESSING_TIMEOUT', message: 'too slow' } },
    );
    expect(failed.status).toBe('error');
    expect(failed.error).toEqual({ code: 'PROCESSING_TIMEOUT', message: 'too slow' });
  });

  it('refuses a writer that expects a status the task has already left', async () => {
    const task = newTask();
    await store.create(task);
    await store.transition(task.taskId, { from: ['pending'] }, { status: 'processing', updatedAt: at(1) });
    await expect(
      store.transition(task.taskId, { from: ['pending'] }, { status: 'error', updatedAt: at(2) }),
    ).rejects.toBeInstanceOf(TaskConflictError);
    expect((await store.get(task.taskId))?.status).toBe('processing');
  });

  it('refuses every move out of a terminal status, whatever the caller expects', async () => {
    for (const terminal of ['completed', 'error'] as const) {
      const task = newTask({ status: terminal, result: { kept: true } });
      await store.create(task);
      for (const status of TASK_STATUSES) {
        await expect(
          store.transition(
            task.taskId,
            { from: TASK_STATUSES },
            { status, updatedAt: at(9), result: 'overwritten' },
          ),
        ).rejects.toBeInstanceOf(TaskConflictError);
      }
      await expect(
        store.claim(task.taskId, { now: at(9), leaseUntil: at(10), claimId: 'claim-1' }),
      ).rejects.toBeInstanceOf(TaskConflictError);
      expect(await store.get(task.taskId)).toEqual(task);
    }
  });

  it('refuses a change to a task that does not exist, creating nothing', async () => {
    const taskId = randomUUID();
    await expect(
      store.transition(taskId, { from: ['pending'] }, { status: 'processing', updatedAt: at(1) }),
    ).rejects.toBeInstanceOf(TaskConflictError);
    expect(await store.get(taskId)).toBeUndefined();
  });
});

describe('claim', () => {
  it('takes a pending task, counts the attempt and sets the lease', async () => {
    const task = newTask();
    await store.create(task);
    const claimed = await store.claim(task.taskId, { now: at(1), leaseUntil: at(3), claimId: 'claim-1' });
    expect(claimed).toMatchObject({ status: 'processing', attempts: 1, leaseUntil: at(3), updatedAt: at(1) });
  });

  it('takes over a processing task only after its lease ran out, and fences out the stale worker', async () => {
    const task = newTask();
    await store.create(task);
    await store.claim(task.taskId, { now: at(1), leaseUntil: at(3), claimId: 'claim-1' });

    await expect(
      store.claim(task.taskId, { now: at(2), leaseUntil: at(4), claimId: 'claim-1' }),
    ).rejects.toBeInstanceOf(TaskConflictError);
    const takenOver = await store.claim(task.taskId, { now: at(4), leaseUntil: at(6), claimId: 'claim-1' });
    expect(takenOver).toMatchObject({ status: 'processing', attempts: 2, leaseUntil: at(6) });

    const stale = store.transition(
      task.taskId,
      { from: ['processing'], attempts: 1 },
      { status: 'completed', updatedAt: at(5), result: { from: 'stale worker' } },
    );
    await expect(stale).rejects.toBeInstanceOf(TaskConflictError);
    const done = await store.transition(
      task.taskId,
      { from: ['processing'], attempts: 2 },
      { status: 'completed', updatedAt: at(5), result: { from: 'current worker' } },
    );
    expect(done.result).toEqual({ from: 'current worker' });
  });

  it('refuses a task that does not exist', async () => {
    await expect(
      store.claim(randomUUID(), { now: at(1), leaseUntil: at(2), claimId: 'claim-1' }),
    ).rejects.toBeInstanceOf(TaskConflictError);
  });

  it('refuses a finished task, even one whose lease ran out long ago', async () => {
    for (const status of ['completed', 'error'] as const) {
      const task = newTask();
      await store.create(task);
      await store.claim(task.taskId, { now: at(1), leaseUntil: at(2), claimId: 'claim-1' });
      await store.transition(
        task.taskId,
        { from: ['processing'], attempts: 1 },
        { status, updatedAt: at(2) },
      );
      await expect(
        store.claim(task.taskId, { now: at(9), leaseUntil: at(10), claimId: 'claim-2' }),
      ).rejects.toBeInstanceOf(TaskConflictError);
      expect(await store.get(task.taskId)).toMatchObject({ status, attempts: 1 });
    }
  });

  it('takes a pending task whatever lease it names (only a processing task’s lease counts)', async () => {
    const task = newTask({ leaseUntil: at(90) });
    await store.create(task);
    const claimed = await store.claim(task.taskId, { now: at(1), leaseUntil: at(3), claimId: 'claim-1' });
    expect(claimed).toMatchObject({ status: 'processing', attempts: 1, leaseUntil: at(3) });
  });

  it('takes a processing task that holds no lease (written before leases)', async () => {
    const task = { ...newTask(), status: 'processing' as const };
    await store.create(task);
    const claimed = await store.claim(task.taskId, { now: at(1), leaseUntil: at(3), claimId: 'claim-1' });
    expect(claimed).toMatchObject({
      status: 'processing',
      attempts: 1,
      leaseUntil: at(3),
      claimId: 'claim-1',
    });
  });
});

describe('listStale (status index)', () => {
  // Tasks of this block live in 2001, before every other task of the suite, so the index holds only them there.
  const old = (day: number) => new Date(Date.UTC(2001, 0, day)).toISOString();

  it('lists non-terminal tasks updated before the instant, oldest first, up to the limit', async () => {
    const tasks = [3, 1, 2, 5].map((day) => newTask({ createdAt: old(day), updatedAt: old(day) }));
    for (const task of tasks) await store.create(task);

    const stale = await store.listStale('pending', old(4), 10);
    expect(stale.map((task) => task.updatedAt)).toEqual([old(1), old(2), old(3)]);
    expect(stale[0]).toEqual(tasks[1]);
    expect((await store.listStale('pending', old(4), 2)).map((task) => task.updatedAt)).toEqual([
      old(1),
      old(2),
    ]);
  });

  it('follows a task from pending to processing and drops it once terminal', async () => {
    const task = newTask({ createdAt: old(10), updatedAt: old(10) });
    await store.create(task);
    const ids = async (status: 'pending' | 'processing') =>
      (await store.listStale(status, old(20), 100)).map((stale) => stale.taskId);
    expect(await ids('pending')).toContain(task.taskId);

    await store.claim(task.taskId, { now: old(11), leaseUntil: old(12), claimId: 'claim-1' });
    expect(await ids('pending')).not.toContain(task.taskId);
    expect(await ids('processing')).toContain(task.taskId);

    await store.transition(
      task.taskId,
      { from: ['processing'] },
      { status: 'completed', updatedAt: old(13) },
    );
    expect(await ids('pending')).not.toContain(task.taskId);
    expect(await ids('processing')).not.toContain(task.taskId);
  });

  it('stops listing a pending task as stale once the sweeper touches it', async () => {
    const task = newTask({ createdAt: old(16), updatedAt: old(16) });
    await store.create(task);
    const ids = async () => (await store.listStale('pending', old(20), 100)).map((stale) => stale.taskId);
    expect(await ids()).toContain(task.taskId);
    await store.transition(task.taskId, { from: ['pending'] }, { status: 'pending', updatedAt: old(25) });
    expect(await ids()).not.toContain(task.taskId);
    expect((await store.listStale('pending', old(26), 100)).map((stale) => stale.taskId)).toContain(
      task.taskId,
    );
  });

  it('never lists a task created already terminal', async () => {
    const task = newTask({ status: 'completed', createdAt: old(15), updatedAt: old(15) });
    await store.create(task);
    for (const status of ['pending', 'processing'] as const) {
      expect((await store.listStale(status, old(20), 100)).map((stale) => stale.taskId)).not.toContain(
        task.taskId,
      );
    }
  });
});

describe('dependency failures', () => {
  let throttlingServer: Server;
  let throttlingEndpoint: string;

  beforeAll(async () => {
    // Answers every call the way DynamoDB does when a table's throughput is exhausted.
    throttlingServer = createServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
          message: 'The level of configured provisioned throughput for the table was exceeded.',
        }),
      );
    });
    await new Promise<void>((resolve) => throttlingServer.listen(0, '127.0.0.1', resolve));
    throttlingEndpoint = `http://127.0.0.1:${(throttlingServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    throttlingServer.closeAllConnections();
    await new Promise((resolve) => throttlingServer.close(resolve));
  });

  const storeAt = (endpoint: string) => {
    const client = new DynamoDBClient({ endpoint, maxAttempts: 1 });
    return { store: new DynamoDbTaskStore(DynamoDBDocumentClient.from(client), 'docusnap'), client };
  };

  it('reports throttling as DependencyThrottledError', async () => {
    const { store: throttled, client } = storeAt(throttlingEndpoint);
    await expect(throttled.get('any')).rejects.toBeInstanceOf(DependencyThrottledError);
    client.destroy();
  });

  it('reports an unreachable endpoint as DependencyUnavailableError', async () => {
    // A port that was just free and is closed again: the connection is refused at once.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { store: unreachable, client } = storeAt(`http://127.0.0.1:${port}`);
    await expect(unreachable.get('any')).rejects.toBeInstanceOf(DependencyUnavailableError);
    client.destroy();
  });
});

describe('emulators with a data directory', () => {
  it('keep a task across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'docusnap-restart-'));
    const task = newTask();
    try {
      for (const round of ['write', 'read'] as const) {
        const emulators = await startEmulators({ dataDir });
        const restoreEnv = applyEnv(emulators.env);
        const doc = createDocumentClient();
        try {
          const restarted = new DynamoDbTaskStore(doc, emulators.env.DOCUSNAP_TABLE);
          if (round === 'write') await restarted.create(task);
          else expect(await restarted.get(task.taskId)).toEqual(task);
        } finally {
          doc.destroy();
          restoreEnv();
          await emulators.stop();
        }
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuse a host name, which would send S3 requests to unresolvable bucket subdomains', async () => {
    await expect(startEmulators({ host: 'localhost' })).rejects.toThrow(/IP address/);
  });
});
