import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { llmCacheKey, ocrCacheKey } from '../../../lambdas/core/cache-keys';
import { clearCompatJobs } from '../../../lambdas/core/compat/clear-jobs';
import { AndroidClient } from '../../support/android-client';
import { compatHarness, type KeyPair, rsaKeyPair } from './support/compat-harness';

const invoicePng = readFileSync(new URL('../../fixtures/invoice.png', import.meta.url)).toString('base64');
const invoiceSha256 = createHash('sha256').update(Buffer.from(invoicePng, 'base64')).digest('hex');
const ocrPage = { text: 'ACME INVOICE\nTotal: 42.00 EUR', pages: 1 };

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

  it('deletes the OCR cache entries the job’s task records, and never another owner’s', async () => {
    const first = app.prepareJob('doc', [invoicePng]);
    const second = app.prepareJob('form', [invoicePng]);
    const theirs = other.prepareJob('doc', [invoicePng]);
    const taskOf = async (job: typeof first, client: AndroidClient) => {
      await client.submit(job);
      return h.lastTask();
    };
    const [firstTask, secondTask, theirTask] = [
      await taskOf(first, app),
      await taskOf(second, app),
      await taskOf(theirs, other),
    ];
    // What the worker leaves behind: the OCR text of each image in the owner's cache, named on the task.
    const mine = ocrCacheKey(firstTask.owner, invoiceSha256);
    const mineLlm = llmCacheKey(firstTask.owner, 'f'.repeat(64));
    const foreign = ocrCacheKey(theirTask.owner, invoiceSha256);
    for (const key of [mine, mineLlm, foreign]) await h.cache.put(key, ocrPage, 3600);
    // A task naming another owner's entry (it never should) must not get it deleted.
    await h.complete(firstTask.taskId, { title: 'x' }, [mine, mineLlm, foreign]);
    await h.complete(secondTask.taskId, { title: 'x' }, [mine]);
    await h.complete(theirTask.taskId, { title: 'x' }, [foreign]);

    expect(await clearCompatJobs(h, { client_id: app.clientId, SHA256: first.sha256, type: 'doc' })).toEqual({
      status: 'ok',
    });
    expect([...h.cache.entries.keys()]).toEqual([foreign]);

    await h.cache.put(mine, ocrPage, 3600);
    expect(await clearCompatJobs(h, { client_id: app.clientId })).toEqual({ status: 'ok' });
    expect([...h.cache.entries.keys()]).toEqual([foreign]);
    expect(h.tasks.tasks.has(theirTask.taskId)).toBe(true);
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
