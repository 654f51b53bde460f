import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCompatStore } from '../../lambdas/adapters/dynamodb-compat-store';
import { DynamoDbTaskStore } from '../../lambdas/adapters/dynamodb-task-store';
import type { CompatRecord } from '../../lambdas/core/compat/compat-store';
import type { Task } from '../../lambdas/core/task';
import { useEmulators } from '../support/emulators';

const emulators = useEmulators();
let store: DynamoDbCompatStore;
let tasks: DynamoDbTaskStore;

beforeAll(() => {
  store = new DynamoDbCompatStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE);
  tasks = new DynamoDbTaskStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE);
});

/** Before every record's expiry. */
const NOW = 1_800_000_000;

const record = (overrides: Partial<CompatRecord> = {}): CompatRecord => ({
  clientId: randomUUID(),
  type: 'doc',
  sha256: 'ab'.repeat(32),
  taskId: randomUUID(),
  createdAt: '2030-01-01T00:00:00.000Z',
  expiresAt: 1_900_000_000,
  ...overrides,
});

const task = (taskId: string, expiresAt: number, status: Task['status'] = 'completed'): Task => ({
  taskId,
  owner: 'compat:c',
  type: 'document',
  status,
  priority: 'normal',
  source: 'compat',
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  images: [],
  requestKey: `inputs/compat%3Ac/${taskId}/request.json`,
  attempts: 1,
  expiresAt,
  clientKey: 'v1:wrapped',
});

describe('DynamoDbCompatStore', () => {
  it('stores a record under COMPAT#<client_id>#<type>#<SHA256> / COMPAT with expiresAt as its TTL', async () => {
    const first = record();
    expect(await store.create(first, NOW)).toEqual({ created: true });
    expect(await store.get(first)).toEqual(first);
    const { Item } = await emulators.documentClient().send(
      new GetCommand({
        TableName: emulators.env.DOCUSNAP_TABLE,
        Key: { pk: `COMPAT#${first.clientId}#doc#${first.sha256}`, sk: 'COMPAT' },
      }),
    );
    expect(Item).toMatchObject({ taskId: first.taskId, expiresAt: first.expiresAt });
  });

  it('lets exactly one of several racing creates win and hands the others the winner’s record', async () => {
    const base = record();
    const claims = await Promise.all(
      [0, 1, 2, 3].map((n) => store.create({ ...base, taskId: `task-${n}` }, NOW)),
    );
    const winners = claims.filter((claim) => claim.created);
    expect(winners).toHaveLength(1);
    const existing = claims.flatMap((claim) => (claim.created ? [] : [claim.existing.taskId]));
    const stored = await store.get(base);
    expect(new Set(existing)).toEqual(new Set([stored?.taskId]));
  });

  it('replaces a record that has expired but not yet been deleted by TTL', async () => {
    const old = record({ expiresAt: NOW - 1 });
    await store.create(old, NOW - 100);
    const fresh = { ...old, taskId: 'task-new', expiresAt: NOW + 86_400 };
    expect(await store.create(fresh, NOW)).toEqual({ created: true });
    expect((await store.get(old))?.taskId).toBe('task-new');
  });

  it('keeps jobs apart by client, type and SHA256, even when a client_id contains the separator', async () => {
    const sha = 'cd'.repeat(32);
    await store.create(record({ clientId: 'a#doc#b', sha256: sha, taskId: 't1' }), NOW);
    expect(await store.get({ clientId: 'a', type: 'doc', sha256: `b#doc#${sha}` })).toBeUndefined();
    expect(await store.get({ clientId: 'a#doc#b', type: 'form', sha256: sha })).toBeUndefined();
  });

  it('touch moves the record’s and the task’s expiry later, never earlier, and recreates nothing', async () => {
    const job = record();
    await store.create(job, NOW);
    await tasks.create(task(job.taskId, job.expiresAt));
    await store.touch(job, job.expiresAt + 3600);
    expect((await store.get(job))?.expiresAt).toBe(job.expiresAt + 3600);
    expect((await tasks.get(job.taskId))?.expiresAt).toBe(job.expiresAt + 3600);
    expect((await tasks.get(job.taskId))?.status).toBe('completed');

    await store.touch(job, job.expiresAt);
    expect((await store.get(job))?.expiresAt).toBe(job.expiresAt + 3600);

    const gone = record();
    await store.touch(gone, gone.expiresAt);
    expect(await store.get(gone)).toBeUndefined();
    expect(await tasks.get(gone.taskId)).toBeUndefined();
  });

  it('lists one client’s records only, and deletes one', async () => {
    const clientId = randomUUID();
    const mine = [
      record({ clientId, type: 'doc' }),
      record({ clientId, type: 'fill', sha256: 'ef'.repeat(32) }),
    ];
    for (const item of mine) await store.create(item, NOW);
    await store.create(record(), NOW);
    await tasks.create({ ...task(randomUUID(), 1), owner: `compat:${clientId}` });

    const listed = await store.listByClient(clientId);
    expect(listed.map((item) => item.taskId).sort()).toEqual(mine.map((item) => item.taskId).sort());

    const [first, second] = mine;
    await store.delete(first);
    expect(await store.get(first)).toBeUndefined();
    expect((await store.listByClient(clientId)).map((item) => item.taskId)).toEqual([second.taskId]);
  });

  it('does not show up in the owner listing of compat tasks', async () => {
    const clientId = randomUUID();
    await store.create(record({ clientId }), NOW);
    const page = await tasks.listByOwner(`compat:${clientId}`, { limit: 10 });
    expect(page.items).toEqual([]);
  });
});
