import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../../lambdas/adapters/local-key-wrapper';
import { createResultSealer } from '../../../lambdas/core/compat/seal-result';
import { TaskFailure } from '../../../lambdas/core/errors';
import type { Task } from '../../../lambdas/core/task';
import { aesCbcDecrypt } from '../../support/android-client';

const wrapper = new LocalKeyWrapper(randomBytes(32));
const seal = createResultSealer(wrapper);
const baseTask: Task = {
  taskId: 't1',
  owner: 'compat:c1',
  type: 'document',
  status: 'processing',
  priority: 'normal',
  source: 'compat',
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  images: [],
  requestKey: 'inputs/compat%3Ac1/t1/request.json',
  attempts: 1,
  expiresAt: 0,
};
const result = { title: 'Acme Invoice', tags: ['invoice'], description: 'd', kv: {}, related: [] };

describe('createResultSealer', () => {
  it('encrypts a compat result under the client’s key with a fresh IV each time', async () => {
    const clientKey = randomBytes(32);
    const task = { ...baseTask, clientKey: await wrapper.wrap(clientKey) };
    const first = (await seal(task, result)) as { encrypted: string };
    const second = (await seal(task, result)) as { encrypted: string };
    expect(Object.keys(first)).toEqual(['encrypted']);
    expect(JSON.parse(aesCbcDecrypt(clientKey, first.encrypted))).toEqual(result);
    expect(second.encrypted).not.toBe(first.encrypted);
  });

  it('leaves a v1 result as it is', async () => {
    expect(await seal({ ...baseTask, source: 'v1', owner: 'user-1' }, result)).toBe(result);
  });

  it('fails a compat task that has no client key instead of storing its result in plaintext', async () => {
    await expect(seal(baseTask, result)).rejects.toBeInstanceOf(TaskFailure);
  });
});
