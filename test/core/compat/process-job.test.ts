import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrivateKeyUnavailableError } from '../../../lambdas/core/compat/private-key';
import { processCompatRequest } from '../../../lambdas/core/compat/process-job';
import { TaskConflictError } from '../../../lambdas/core/errors';
import {
  AndroidClient,
  type AppFileLib,
  type AppJob,
  type AppJobState,
  aesCbcEncrypt,
  firstPostBody,
  readDocumentResult,
  readFillResult,
  sha256Hex,
} from '../../support/android-client';
import { compatHarness, type KeyPair, rsaKeyPair } from './support/compat-harness';

const invoicePng = readFileSync(new URL('../../fixtures/invoice.png', import.meta.url)).toString('base64');
const idCardJpg = readFileSync(new URL('../../fixtures/id-card.jpg', import.meta.url)).toString('base64');

const fileLib: AppFileLib = {
  docs: [
    {
      id: 'doc-17',
      name: 'Passport',
      description: 'My passport',
      extractedInfo: { Name: 'Jane Doe', 'Date of Birth': 'Jan 02, 1990' },
      tags: '["identity"]',
      uploadDate: '2026-02-01',
    },
  ],
  forms: [
    {
      id: 'form-3',
      name: 'Visa application',
      description: 'An earlier form',
      extractedInfo: {},
      tags: '["visa"]',
      uploadDate: '2026-02-02',
      formFields: '[{"name":"Full Name","value":"Jane Doe","isRetrieved":true}]',
    },
  ],
};

const documentResult = {
  title: 'Acme Invoice March 2026',
  tags: ['invoice', 'acme'],
  description: 'An invoice from Acme.',
  kv: { Total: '42.00 EUR', 'Items.1': 'Paper' },
  related: [{ type: 'doc', resource_id: 'doc-17' }],
};

/** The `result` of a completed answer; fails the test otherwise. */
function resultOf(state: AppJobState): string {
  if (state.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(state)}`);
  return state.result;
}

let keys: KeyPair;
beforeAll(() => {
  keys = rsaKeyPair();
});

describe('POST /process: a new job', () => {
  let h: ReturnType<typeof compatHarness>;
  let app: AndroidClient;
  beforeEach(() => {
    h = compatHarness(keys);
    app = new AndroidClient({
      transport: (_m, _r, body) => h.send(JSON.parse(body ?? 'null')),
      publicKeyPem: keys.publicKeyPem,
    });
  });

  it('runs a doc job end to end: 202 processing, a queued compat task, then the sealed result the app decrypts', async () => {
    const job = app.prepareJob('doc', [invoicePng, idCardJpg], fileLib);
    expect(await app.submit(job)).toEqual({ status: 'processing' });

    const task = h.lastTask();
    expect(task).toMatchObject({
      owner: `compat:${app.clientId}`,
      type: 'document',
      status: 'pending',
      source: 'compat',
    });
    expect(task.images.map((image) => image.mediaType)).toEqual(['image/png', 'image/jpeg']);
    expect(h.queue.sent).toEqual([{ message: { taskId: task.taskId }, priority: 'normal' }]);
    const details = await h.requestDetails();
    expect(details.library).toMatchObject({ docs: [{ id: 'doc-17', tags: ['identity'] }] });

    expect(await app.poll(job)).toEqual({ status: 'processing' });
    await h.complete(task.taskId, documentResult);
    const view = readDocumentResult(app.decryptResult(job, resultOf(await app.poll(job))), false);
    expect(view).toEqual({
      title: 'Acme Invoice March 2026',
      tags: ['invoice', 'acme'],
      description: 'An invoice from Acme.',
      kv: { Total: '42.00 EUR', 'Items.1': 'Paper' },
      relatedIds: ['doc-17'],
    });
  });

  it('runs a form job as a `form` task and the app reads its fields', async () => {
    const job = app.prepareJob('form', [invoicePng], fileLib);
    await app.submit(job);
    const [task] = h.tasks.tasks.values();
    expect(task?.type).toBe('form');
    await h.complete(task.taskId, {
      ...documentResult,
      kv: { 'Form Type': 'Invoice' },
      fields: ['Signature'],
    });
    const done = await app.poll(job);
    const view = readDocumentResult(app.decryptResult(job, (done as { result: string }).result), true);
    expect(view.fields).toEqual(['Signature']);
    expect(view.kv).toEqual({ 'Form Type': 'Invoice' });
  });

  it('runs a fill job as a `form_filling` task with the form and library stored for the worker', async () => {
    const job = app.prepareJob('fill', { id: 'form-9', fields: ['Full Name', 'Date of Birth'] }, fileLib);
    await app.submit(job);
    const task = h.lastTask();
    expect(task).toMatchObject({ type: 'form_filling', images: [] });
    expect((await h.requestDetails()).form).toEqual({ id: 'form-9', fields: ['Full Name', 'Date of Birth'] });

    await h.complete(task.taskId, {
      'Full Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 'doc-17' } },
    });
    const filled = readFillResult(app.decryptResult(job, resultOf(await app.poll(job))), [
      'Full Name',
      'Date of Birth',
    ]);
    expect(filled).toEqual({ 'Full Name': { value: 'Jane Doe', sourceId: 'doc-17' } });
  });

  it('accepts the fields of a fill job as the app’s FormField objects', async () => {
    const job = app.prepareJob('fill', {
      id: 'form-9',
      fields: [{ name: 'Full Name', value: '', isRetrieved: false }],
    });
    expect(await app.submit(job)).toEqual({ status: 'processing' });
    expect((await h.requestDetails()).form).toEqual({ id: 'form-9', fields: ['Full Name'] });
  });

  it('answers an identical resubmission from the store: one task, one message', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
    expect(await app.submit(job)).toEqual({ status: 'processing' });
    expect(h.tasks.tasks.size).toBe(1);
    expect(h.queue.sent).toHaveLength(1);
  });

  it('gives two racing first POSTs of one job one task and the same answer', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    const answers = await Promise.all([app.submit(job), app.submit(job), app.submit(job)]);
    expect(answers).toEqual([{ status: 'processing' }, { status: 'processing' }, { status: 'processing' }]);
    expect(h.tasks.tasks.size).toBe(1);
    expect(h.queue.sent).toHaveLength(1);
    expect(h.compat.records.size).toBe(1);
  });

  it('does not let another client_id poll the job, nor the same SHA256 under another type', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
    const other = new AndroidClient({
      transport: (_m, _r, b) => h.send(JSON.parse(b ?? 'null')),
      publicKeyPem: keys.publicKeyPem,
    });
    expect(await other.poll({ ...job, clientId: other.clientId })).toEqual({
      status: 'error',
      errorDetail: 'TASK_NOT_FOUND',
      httpStatus: 400,
    });
    expect(await app.poll({ ...job, type: 'form' })).toMatchObject({ errorDetail: 'TASK_NOT_FOUND' });
  });

  it('keeps neither the AES key nor the result in plaintext anywhere it stores', async () => {
    const job = app.prepareJob('doc', [invoicePng], fileLib);
    await app.submit(job);
    const task = h.lastTask();
    await h.complete(task.taskId, documentResult);

    const stored = JSON.stringify({
      tasks: [...h.tasks.tasks.values()],
      records: [...h.compat.records.values()],
      blobs: [...h.blobs.blobs.entries()].map(([key, blob]) => [
        key,
        Buffer.from(blob.body).toString('latin1'),
      ]),
    });
    for (const secret of [
      job.plainAesKey.toString('base64'),
      job.plainAesKey.toString('hex'),
      job.plainAesKey.toString('latin1'),
    ]) {
      expect(stored).not.toContain(secret);
    }
    expect(stored).not.toContain('Acme Invoice March 2026');
    expect(h.lastTask().result).toEqual({ encrypted: expect.any(String) });
    expect(Buffer.from(await h.keyWrapper.unwrap(task.clientKey ?? '')).equals(job.plainAesKey)).toBe(true);
  });

  it('never answers a result that was stored unsealed', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
    const task = h.lastTask();
    const now = h.clock.now().toISOString();
    const claimed = await h.tasks.claim(task.taskId, { now, leaseUntil: now, claimId: 'claim-1' });
    await h.tasks.transition(
      task.taskId,
      { from: ['processing'], attempts: claimed.attempts },
      { status: 'completed', updatedAt: now, result: documentResult },
    );
    expect(await app.poll(job)).toMatchObject({ status: 'error', errorDetail: 'PROCESSING_ERROR' });
  });

  it('maps task failures to the codes the app knows', async () => {
    const cases = [
      ['OCR_FAILURE', 'OCR_FAILURE'],
      ['LLM_FAILURE', 'LLM_FAILURE'],
      ['INVALID_LLM_OUTPUT', 'LLM_FAILURE'],
      ['PROCESSING_TIMEOUT', 'PROCESSING_TIMEOUT'],
      ['INPUT_UNREADABLE', 'PROCESSING_ERROR'],
      ['INTERNAL_ERROR', 'PROCESSING_ERROR'],
    ] as const;
    for (const [taskCode, appCode] of cases) {
      const job = app.prepareJob('doc', [invoicePng], { docs: [], forms: [] });
      await app.submit(job);
      const task = h.lastTask();
      const now = h.clock.now().toISOString();
      await h.tasks.transition(
        task.taskId,
        { from: ['pending'] },
        {
          status: 'error',
          updatedAt: now,
          error: { code: taskCode, message: 'failed' },
        },
      );
      expect(await app.poll(job)).toEqual({ status: 'error', errorDetail: appCode, httpStatus: 400 });
    }
  });
});

describe('POST /process: expiry and the processing timeout', () => {
  let h: ReturnType<typeof compatHarness>;
  let app: AndroidClient;
  let job: AppJob;
  beforeEach(async () => {
    h = compatHarness(keys);
    app = new AndroidClient({
      transport: (_m, _r, b) => h.send(JSON.parse(b ?? 'null')),
      publicKeyPem: keys.publicKeyPem,
    });
    job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
  });

  const onlyTask = () => h.lastTask();

  it('keeps a record 24 h after its last access, refreshing the task too, and forgets it after that', async () => {
    await h.complete(onlyTask().taskId, documentResult);
    h.clock.advance(23 * 3600);
    expect((await app.poll(job)).status).toBe('completed');
    const refreshed = Math.floor(h.clock.now().getTime() / 1000) + 24 * 3600;
    expect(onlyTask().expiresAt).toBe(refreshed);
    expect([...h.compat.records.values()][0]?.expiresAt).toBe(refreshed);

    h.clock.advance(23 * 3600);
    expect((await app.poll(job)).status).toBe('completed');
    h.clock.advance(24 * 3600);
    expect(await app.poll(job)).toMatchObject({ status: 'error', errorDetail: 'TASK_NOT_FOUND' });
  });

  it('refreshes a polled record at most once a minute, and again once the minute has passed', async () => {
    let touches = 0;
    const touch = h.compat.touch.bind(h.compat);
    h.compat.touch = async (record, expiresAt) => {
      touches++;
      return touch(record, expiresAt);
    };
    const created = onlyTask().expiresAt;
    for (let poll = 0; poll < 30; poll++) {
      h.clock.advance(1.5);
      expect((await app.poll(job)).status).toBe('processing');
    }
    // 45 s of polls: the record's life is still within a minute of 24 h, so nothing was written.
    expect(touches).toBe(0);
    expect(onlyTask().expiresAt).toBe(created);
    h.clock.advance(16);
    await app.poll(job);
    expect(touches).toBe(1);
    expect(onlyTask().expiresAt).toBe(Math.floor(h.clock.now().getTime() / 1000) + 24 * 3600);
  });

  it('starts a resubmitted job afresh once its record has expired, instead of reviving the old one', async () => {
    const old = onlyTask();
    await h.complete(old.taskId, documentResult);
    h.clock.advance(24 * 3600);
    expect(await app.submit(job)).toEqual({ status: 'processing' });
    expect(h.lastTask().taskId).not.toBe(old.taskId);
    expect(h.lastTask().status).toBe('pending');
    expect(h.queue.sent).toHaveLength(2);
  });

  it('still answers processing just before 10 minutes', async () => {
    h.clock.advance(599);
    expect(await app.poll(job)).toEqual({ status: 'processing' });
  });

  it('times a job out after 10 minutes and a late worker cannot resurrect it', async () => {
    const now = h.clock.now().toISOString();
    const claimed = await h.tasks.claim(onlyTask().taskId, { now, leaseUntil: now, claimId: 'claim-1' });
    h.clock.advance(600);
    expect(await app.poll(job)).toEqual({
      status: 'error',
      errorDetail: 'PROCESSING_TIMEOUT',
      httpStatus: 400,
    });
    expect(onlyTask()).toMatchObject({ status: 'error', error: { code: 'PROCESSING_TIMEOUT' } });

    const late = h.clock.now().toISOString();
    await expect(
      h.tasks.transition(
        claimed.taskId,
        { from: ['processing'], attempts: claimed.attempts },
        { status: 'completed', updatedAt: late, result: { encrypted: 'x' } },
      ),
    ).rejects.toBeInstanceOf(TaskConflictError);
    expect(await app.poll(job)).toMatchObject({ errorDetail: 'PROCESSING_TIMEOUT' });
  });

  it('removes a timed-out job’s plaintext images and library from the bucket', async () => {
    const task = onlyTask();
    const inputs = [...task.images.map((image) => image.key), task.requestKey];
    expect(inputs.every((key) => h.blobs.blobs.has(key))).toBe(true);
    h.clock.advance(600);
    expect(await app.poll(job)).toMatchObject({ errorDetail: 'PROCESSING_TIMEOUT' });
    expect(inputs.filter((key) => h.blobs.blobs.has(key))).toEqual([]);
    expect(onlyTask().usage).toMatchObject({ pages: 0, ocrEngine: 'textract', estimatedCostUsd: 0 });
  });

  it('answers a job that finished just in time with its result, not a timeout', async () => {
    h.clock.advance(590);
    await h.complete(onlyTask().taskId, documentResult);
    h.clock.advance(60);
    expect((await app.poll(job)).status).toBe('completed');
  });
});

describe('POST /process: order of checks (DESIGN §4)', () => {
  let h: ReturnType<typeof compatHarness>;
  let app: AndroidClient;
  beforeEach(() => {
    h = compatHarness(keys);
    app = new AndroidClient({
      transport: (_m, _r, b) => h.send(JSON.parse(b ?? 'null')),
      publicKeyPem: keys.publicKeyPem,
    });
  });

  const errorOf = async (body: unknown) => {
    const answer = await processCompatRequest(h.deps, body);
    return answer.status === 'error' ? answer.error_detail : answer.status;
  };
  const newJob = (job: AppJob, overrides: Record<string, unknown> = {}) => ({
    ...firstPostBody(job),
    ...overrides,
  });
  /** A job whose content is `plaintext` under a real wrapped key, so only what comes after RSA can fail. */
  const jobWithPlaintext = (plaintext: string) => {
    const job = app.prepareJob('doc', [invoicePng]);
    const content = aesCbcEncrypt(job.plainAesKey, plaintext);
    return newJob(job, { content, SHA256: sha256Hex(content) });
  };

  it('reports a missing field before a bad type, and a bad type before missing content', async () => {
    expect(await errorOf({})).toBe('MISSING_REQUIRED_FIELD');
    expect(await errorOf(null)).toBe('MISSING_REQUIRED_FIELD');
    expect(await errorOf({ client_id: 'c', type: 'pdf', SHA256: 'x' })).toBe('MISSING_REQUIRED_FIELD');
    expect(await errorOf({ client_id: 'c', type: 'pdf', SHA256: 'x', has_content: 'yes' })).toBe(
      'MISSING_REQUIRED_FIELD',
    );
    expect(await errorOf({ client_id: 'c', type: 'pdf', SHA256: 'x', has_content: true })).toBe(
      'INVALID_TYPE',
    );
    expect(await errorOf({ client_id: 'c', type: 'doc', SHA256: 'x', has_content: true })).toBe(
      'MISSING_CONTENT',
    );
    expect(await errorOf({ client_id: 'c', type: 'doc', SHA256: 'x', has_content: false })).toBe(
      'TASK_NOT_FOUND',
    );
  });

  it('looks a known job up before verifying anything', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
    expect(await errorOf(newJob(job, { content: 'tampered', aes_key: 'garbage' }))).toBe('processing');
  });

  it('checks SHA256 first, then the RSA key, then the AES content, then the JSON', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    expect(await errorOf(newJob(job, { SHA256: sha256Hex('something else'), aes_key: 'garbage' }))).toBe(
      'SHA256_MISMATCH',
    );
    expect(await errorOf(newJob(job, { SHA256: job.sha256.toUpperCase() }))).toBe('SHA256_MISMATCH');

    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const wrongKey = publicEncrypt(
      { key: stranger, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      job.plainAesKey,
    ).toString('base64');
    const garbage = Buffer.from('not an AES envelope').toString('base64');
    expect(
      await errorOf(newJob(job, { aes_key: wrongKey, content: garbage, SHA256: sha256Hex(garbage) })),
    ).toBe('RSA_DECRYPTION_FAILED');
    expect(await errorOf(newJob(job, { aes_key: undefined }))).toBe('RSA_DECRYPTION_FAILED');
    expect(await errorOf(newJob(job, { aes_key: 'not base64!' }))).toBe('RSA_DECRYPTION_FAILED');

    expect(await errorOf(newJob(job, { content: garbage, SHA256: sha256Hex(garbage) }))).toBe(
      'AES_DECRYPTION_FAILED',
    );
    expect(await errorOf(jobWithPlaintext('{"to_process": [nope'))).toBe('INVALID_JSON');
    expect(h.tasks.tasks.size).toBe(0);
    expect(h.compat.records.size).toBe(0);
  });

  it('refuses a key that is not 32 bytes as RSA_DECRYPTION_FAILED', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    const shortKey = publicEncrypt(
      { key: keys.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      randomBytes(16),
    ).toString('base64');
    expect(await errorOf(newJob(job, { aes_key: shortKey }))).toBe('RSA_DECRYPTION_FAILED');
  });

  it('refuses a tampered ciphertext (SHA256 recomputed) as AES_DECRYPTION_FAILED', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    const bytes = Buffer.from(job.content, 'base64');
    // Flipping the second-to-last block's last byte rewrites the padding byte to 0xff: never valid PKCS7.
    const padding =
      16 - (JSON.stringify({ to_process: [invoicePng], file_lib: { docs: [], forms: [] } }).length % 16);
    const tampered = Buffer.from(bytes);
    const at = tampered.length - 17;
    tampered.writeUInt8(tampered.readUInt8(at) ^ padding ^ 0xff, at);
    const tamperedContent = tampered.toString('base64');
    expect(await errorOf(newJob(job, { content: tamperedContent, SHA256: sha256Hex(tamperedContent) }))).toBe(
      'AES_DECRYPTION_FAILED',
    );
    const truncated = bytes.subarray(0, bytes.length - 5).toString('base64');
    expect(await errorOf(newJob(job, { content: truncated, SHA256: sha256Hex(truncated) }))).toBe(
      'AES_DECRYPTION_FAILED',
    );
  });

  it('refuses JSON that is not the payload of the type as INVALID_JSON', async () => {
    expect(await errorOf(jobWithPlaintext('{"file_lib": {"docs": [], "forms": []}}'))).toBe('INVALID_JSON');
    expect(await errorOf(jobWithPlaintext('{"to_process": []}'))).toBe('INVALID_JSON');
    expect(await errorOf(jobWithPlaintext('{"to_process": {"id": "f", "fields": ["Name"]}}'))).toBe(
      'INVALID_JSON',
    );
  });

  it('refuses an image it cannot read as OCR_FAILURE, storing nothing', async () => {
    const notAnImage = Buffer.from('%PDF-1.7 hello').toString('base64');
    expect(await errorOf(jobWithPlaintext(JSON.stringify({ to_process: [notAnImage] })))).toBe('OCR_FAILURE');
    expect(await errorOf(jobWithPlaintext(JSON.stringify({ to_process: ['@@@'] })))).toBe('OCR_FAILURE');
    expect(h.tasks.tasks.size).toBe(0);
    expect(h.blobs.blobs.size).toBe(0);
  });

  it('takes back the record and every stored input when the task cannot be written, so a retry starts afresh', async () => {
    const job = app.prepareJob('doc', [invoicePng, idCardJpg]);
    const create = h.tasks.create.bind(h.tasks);
    h.tasks.create = async () => {
      throw new Error('table unavailable');
    };
    await expect(processCompatRequest(h.deps, newJob(job))).rejects.toThrow('table unavailable');
    expect(h.blobs.blobs.size).toBe(0);
    expect(h.compat.records.size).toBe(0);
    expect(h.queue.sent).toHaveLength(0);
    h.tasks.create = create;
    expect(await app.submit(job)).toEqual({ status: 'processing' });
    expect(h.blobs.blobs.size).toBe(3);
  });

  it('lets an outage of the private key surface as an error, not as the client’s bad key', async () => {
    const job = app.prepareJob('doc', [invoicePng]);
    h.deps.privateKey = async () => {
      throw new PrivateKeyUnavailableError();
    };
    await expect(processCompatRequest(h.deps, newJob(job))).rejects.toBeInstanceOf(
      PrivateKeyUnavailableError,
    );
  });
});

describe('POST /process: large jobs', () => {
  it('accepts a first POST of several megabytes (the regex check must not overflow)', async () => {
    const h = compatHarness(keys);
    const app = new AndroidClient({
      transport: (_m, _r, b) => h.send(JSON.parse(b ?? 'null')),
      publicKeyPem: keys.publicKeyPem,
    });
    // Five copies of a PNG padded to ~0.9 MB each: about 6 MB of base64 content, the 6 MiB ceiling.
    const padded = Buffer.concat([Buffer.from(invoicePng, 'base64'), Buffer.alloc(900_000)]).toString(
      'base64',
    );
    const job = app.prepareJob('doc', [padded, padded, padded, padded, padded]);
    expect(job.content.length).toBeGreaterThan(5_500_000);
    expect(await app.submit(job)).toEqual({ status: 'processing' });
  });
});
