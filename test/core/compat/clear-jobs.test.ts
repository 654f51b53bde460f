import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearCompatJobs } from '../../../lambdas/core/compat/clear-jobs';
import { AndroidClient } from '../../support/android-client';
import { compatHarness, type KeyPair, rsaKeyPair } from './support/compat-harness';

const invoicePng = readFileSync(new URL('../../fixtures/invoice.png', import.meta.url)).toString('base64');

let keys: KeyPair;
beforeAll(() => {
  keys = rsaKeyPair();
});

describe('POST /clear', () => {
  let h: ReturnType<typeof compatHarness>;
  let app: AndroidClient;
  let other: AndroidClient;
  beforeEach(() => {
    h = compatHarness(keys);
    const transport = (_m: string, _r: string, body?: string) => h.send(JSON.parse(body ?? 'null'));
    app = new AndroidClient({ transport, publicKeyPem: keys.publicKeyPem });
    other = new AndroidClient({ transport, publicKeyPem: keys.publicKeyPem });
  });

  it('deletes one job: its record, task and stored inputs; the client’s other jobs stay', async () => {
    const first = app.prepareJob('doc', [invoicePng]);
    const second = app.prepareJob('form', [invoicePng]);
    await app.submit(first);
    await app.submit(second);
    const blobsBefore = h.blobs.blobs.size;

    const answer = await clearCompatJobs(h, { client_id: app.clientId, SHA256: first.sha256, type: 'doc' });
    expect(answer).toEqual({ status: 'ok' });
    expect(await app.poll(first)).toMatchObject({ status: 'error', errorDetail: 'TASK_NOT_FOUND' });
    expect(await app.poll(second)).toEqual({ status: 'processing' });
    expect(h.tasks.tasks.size).toBe(1);
    expect(h.blobs.blobs.size).toBe(blobsBefore / 2);
  });

  it('deletes every job of the client and nothing of another client', async () => {
    const mine = [app.prepareJob('doc', [invoicePng]), app.prepareJob('fill', { fields: ['Name'] })];
    for (const job of mine) await app.submit(job);
    const theirs = other.prepareJob('doc', [invoicePng]);
    await other.submit(theirs);

    expect(await clearCompatJobs(h, { client_id: app.clientId })).toEqual({ status: 'ok' });
    for (const job of mine) expect(await app.poll(job)).toMatchObject({ errorDetail: 'TASK_NOT_FOUND' });
    expect(await other.poll(theirs)).toEqual({ status: 'processing' });
    expect([...h.tasks.tasks.values()].map((task) => task.owner)).toEqual([`compat:${other.clientId}`]);
  });

  it('lets a cleared job be submitted again as a new task', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
    await clearCompatJobs(h, { client_id: app.clientId });
    expect(await app.submit(job)).toEqual({ status: 'processing' });
    expect(h.tasks.tasks.size).toBe(1);
    expect(h.queue.sent).toHaveLength(2);
  });

  it('answers ok when there is nothing to clear, and refuses a body without client_id', async () => {
    expect(await clearCompatJobs(h, { client_id: 'nobody' })).toEqual({ status: 'ok' });
    expect(await clearCompatJobs(h, { SHA256: 'x' })).toEqual({
      status: 'error',
      error_detail: 'MISSING_REQUIRED_FIELD',
    });
    expect(await clearCompatJobs(h, { client_id: 'c', type: 'pdf' })).toEqual({
      status: 'error',
      error_detail: 'INVALID_TYPE',
    });
  });
});
