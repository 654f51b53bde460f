import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../../lambdas/adapters/local-key-wrapper';
import { MupdfDocumentReader } from '../../../lambdas/adapters/mupdf-document-reader';
import { RulesLlm } from '../../../lambdas/adapters/rules/rules-llm';
import { createResultSealer } from '../../../lambdas/core/compat/seal-result';
import { DependencyThrottledError, TaskFailure } from '../../../lambdas/core/errors';
import { DEFAULT_PRICING } from '../../../lambdas/core/pricing';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { handler as checkStatus } from '../../../lambdas/handlers/compat/check-status';
import { handler as clear } from '../../../lambdas/handlers/compat/clear';
import {
  type CompatDependencies,
  useCompatDependencies,
} from '../../../lambdas/handlers/compat/dependencies';
import { handler as process } from '../../../lambdas/handlers/compat/process';
import { handler as publicKey } from '../../../lambdas/handlers/compat/public-key';
import { type KeyPair, rsaKeyPair } from '../../core/compat/support/compat-harness';
import { MemoryCompatStore } from '../../core/compat/support/memory-compat-store';
import {
  AndroidClient,
  type AppFileLib,
  type AppJob,
  aesCbcEncrypt,
  type CompatTransport,
  firstPostBody,
  handlerTransport,
  readDocumentResult,
  readFillResult,
  sha256Hex,
  type WebPageFileLib,
} from '../../support/android-client';
import { apiEvent } from '../../support/events';
import {
  FakeLlm,
  FakeOcr,
  ManualClock,
  MemoryBlobStore,
  MemoryCache,
  MemoryQueue,
  MemoryTaskStore,
  SequentialIds,
} from '../../support/memory-ports';

const invoicePng = readFileSync(new URL('../../fixtures/invoice.png', import.meta.url)).toString('base64');
const fileLib: AppFileLib = {
  docs: [
    {
      id: 'doc-17',
      name: 'Passport',
      description: 'My passport',
      extractedInfo: { Name: 'Jane Doe' },
      tags: '["identity"]',
      uploadDate: '2026-02-01',
    },
  ],
  forms: [],
};

let keys: KeyPair;
let deps: CompatDependencies & { tasks: MemoryTaskStore; queue: MemoryQueue; clock: ManualClock };
let worker: Parameters<typeof processTask>[0];
let transport: CompatTransport;
const newApp = () => new AndroidClient({ transport, publicKeyPem: keys.publicKeyPem, pollIntervalMs: 0 });

beforeAll(() => {
  keys = rsaKeyPair();
  transport = handlerTransport({
    '/process': process,
    '/clear': clear,
    '/check_status': checkStatus,
    '/public-key': publicKey,
  });
});
afterAll(() => useCompatDependencies(undefined));

beforeEach(() => {
  const tasks = new MemoryTaskStore();
  const blobs = new MemoryBlobStore();
  const keyWrapper = new LocalKeyWrapper(randomBytes(32));
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  // One cache, as on the table: the worker writes OCR entries, /clear deletes the ones a task names.
  const cache = new MemoryCache();
  deps = {
    tasks,
    blobs,
    cache,
    queue: new MemoryQueue(),
    keys: keyWrapper,
    compat: new MemoryCompatStore(tasks),
    privateKey: async () => keys.privateKey,
    clock,
    ids: new SequentialIds('task'),
    keepInputs: false,
    providers: { ocrEngine: 'textract', llmModel: 'us.amazon.nova-lite-v1:0' },
    logger: new Logger({ logLevel: 'SILENT' }),
  };
  useCompatDependencies(deps);
  worker = {
    tasks,
    blobs,
    cache,
    documents: new MupdfDocumentReader(),
    ocr: new FakeOcr(),
    llm: new FakeLlm(),
    clock,
    pricing: DEFAULT_PRICING,
    workerTimeoutSeconds: 90,
    ocrConcurrency: 2,
    keepInputs: false,
    retentionDays: 7,
    resultSealer: createResultSealer(keyWrapper),
  };
});

/** The worker pool, simulated: every queued message goes through the real process-task use case. */
async function drainQueue(): Promise<void> {
  for (const { message } of deps.queue.sent.splice(0)) await processTask(worker, message.taskId);
}

describe('POST /process through the handler, as the Android app sees it', () => {
  it('completes a doc job: 202 first, 200 with a base64 result the app decrypts and reads', async () => {
    const app = newApp();
    const job = app.prepareJob('doc', [invoicePng], fileLib);
    const state = await app.run(job, drainQueue);
    expect(state.status).toBe('completed');
    const view = readDocumentResult(app.decryptResult(job, (state as { result: string }).result), false);
    expect(view.title.length).toBeGreaterThan(0);
    expect(view.tags.length).toBeGreaterThan(0);
    expect(view.kv).toMatchObject({ Total: expect.any(String) });
  });

  it('completes a form job whose result carries the blank fields', async () => {
    const app = newApp();
    const job = app.prepareJob('form', [invoicePng], fileLib);
    const state = await app.run(job, drainQueue);
    const view = readDocumentResult(app.decryptResult(job, (state as { result: string }).result), true);
    expect(view.fields).toEqual(['Signature']);
    expect(view.kv['Form Type']).toBe('Invoice');
  });

  it('completes a fill job with values sourced from the library', async () => {
    const app = newApp();
    const job = app.prepareJob('fill', { id: 'form-1', fields: ['Full Name'] }, fileLib);
    const state = await app.run(job, drainQueue);
    const filled = readFillResult(app.decryptResult(job, (state as { result: string }).result), [
      'Full Name',
    ]);
    expect(filled).toEqual({ 'Full Name': { value: 'Jane Doe', sourceId: 'doc-17' } });
  });

  it('fills from the web test page’s file_lib shape, with a whole previous form result to fill', async () => {
    worker.llm = new RulesLlm();
    const webPageLib: WebPageFileLib = {
      doc: [
        {
          id: 'doc-9',
          title: 'Passport',
          tags: ['identity'],
          description: 'My passport',
          kv: { 'Full Name': 'Jane Doe', 'Date of Birth': '1990-04-12' },
        },
      ],
      form: [
        {
          id: 'form-3',
          title: 'Visa application',
          tags: ['visa'],
          description: 'A visa application I filled in',
          kv: { Nationality: 'Irish' },
          fields: [],
        },
      ],
    };
    const previousFormResult = {
      title: 'Job application',
      tags: ['employment'],
      description: 'A job application form',
      kv: { 'Form Type': 'Job application' },
      related: [],
      fields: ['Full Name', 'Date of Birth', 'Nationality'],
    };
    const app = newApp();
    const job = app.prepareJob('fill', previousFormResult, webPageLib);
    const state = await app.run(job, drainQueue);
    expect(state.status).toBe('completed');
    const filled = readFillResult(
      app.decryptResult(job, (state as { result: string }).result),
      previousFormResult.fields,
    );
    expect(filled).toEqual({
      'Full Name': { value: 'Jane Doe', sourceId: 'doc-9' },
      'Date of Birth': { value: 'Apr 12, 1990', sourceId: 'doc-9' },
      Nationality: { value: 'Irish', sourceId: 'form-3' },
    });
  });

  it('answers the first POST 202 {"status":"processing"} and a finished job 200 with the result string', async () => {
    const app = newApp();
    const job = app.prepareJob('doc', [invoicePng]);
    const first = await transport(
      'POST',
      '/process',
      JSON.stringify({
        client_id: job.clientId,
        type: 'doc',
        SHA256: job.sha256,
        has_content: true,
        content: job.content,
        aes_key: job.aesKey,
      }),
    );
    expect(first).toMatchObject({ statusCode: 202, body: '{"status":"processing"}' });
    expect(first.headers['content-type']).toBe('application/json');
    await drainQueue();
    const poll = await transport(
      'POST',
      '/process',
      JSON.stringify({ client_id: job.clientId, type: 'doc', SHA256: job.sha256, has_content: false }),
    );
    expect(poll.statusCode).toBe(200);
    expect(Object.keys(JSON.parse(poll.body))).toEqual(['status', 'result']);
    expect(JSON.parse(poll.body).result).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('reports a task whose OCR failed as 400 OCR_FAILURE', async () => {
    (worker.ocr as FakeOcr).failure = new (await import('../../../lambdas/core/errors')).TaskFailure(
      'OCR_FAILURE',
      'unreadable',
    );
    const app = newApp();
    const state = await app.run(app.prepareJob('doc', [invoicePng]), drainQueue);
    expect(state).toEqual({ status: 'error', errorDetail: 'OCR_FAILURE', httpStatus: 400 });
  });
});

describe('POST /process error bodies (DESIGN §4)', () => {
  const post = (body: string) => transport('POST', '/process', body);
  const errorBody = (code: string) => ({
    statusCode: 400,
    body: JSON.stringify({ status: 'error', error_detail: code }),
  });

  it('answers every refusal with HTTP 400 and exactly {"status":"error","error_detail":CODE}', async () => {
    const app = newApp();
    const job = app.prepareJob('doc', [invoicePng]);
    const base = {
      client_id: job.clientId,
      type: 'doc',
      SHA256: job.sha256,
      has_content: true,
      content: job.content,
      aes_key: job.aesKey,
    };
    const cases: [string, string][] = [
      ['{"client_id":', 'INVALID_JSON'],
      ['', 'INVALID_JSON'],
      [JSON.stringify({ ...base, has_content: undefined }), 'MISSING_REQUIRED_FIELD'],
      [JSON.stringify({ ...base, type: 'photo' }), 'INVALID_TYPE'],
      [JSON.stringify({ ...base, content: undefined }), 'MISSING_CONTENT'],
      [JSON.stringify({ ...base, has_content: false }), 'TASK_NOT_FOUND'],
      [JSON.stringify({ ...base, SHA256: 'a'.repeat(64) }), 'SHA256_MISMATCH'],
      [
        JSON.stringify({ ...base, aes_key: Buffer.alloc(256, 7).toString('base64') }),
        'RSA_DECRYPTION_FAILED',
      ],
    ];
    for (const [body, code] of cases) {
      expect(await post(body), code).toMatchObject(errorBody(code));
    }
  });

  /** A first POST whose content is `plaintext` under the job's own AES key, SHA256 recomputed. */
  const withContent = (job: AppJob, content: string) =>
    JSON.stringify({ ...firstPostBody(job), content, SHA256: sha256Hex(content) });

  it('answers content that does not decrypt with 400 AES_DECRYPTION_FAILED, exactly', async () => {
    const job = newApp().prepareJob('doc', [invoicePng]);
    const notAnEnvelope = Buffer.from('not an AES envelope').toString('base64');
    const bytes = Buffer.from(job.content, 'base64');
    const truncated = bytes.subarray(0, bytes.length - 5).toString('base64');
    // Same length, other key: the last block's PKCS7 padding does not check out.
    const otherKey = Buffer.from(job.plainAesKey.map((byte) => byte ^ 0x5a));
    const underAnotherKey = aesCbcEncrypt(otherKey, JSON.stringify({ to_process: [invoicePng] }));
    for (const content of [notAnEnvelope, truncated, underAnotherKey]) {
      expect(await post(withContent(job, content))).toMatchObject(errorBody('AES_DECRYPTION_FAILED'));
    }
    expect(deps.tasks.tasks.size).toBe(0);
  });

  it('answers a decrypted inner payload that is not valid with 400 INVALID_JSON, exactly', async () => {
    const job = newApp().prepareJob('doc', [invoicePng]);
    const plaintexts = [
      '{"to_process": [nope',
      '{"file_lib": {"docs": [], "forms": []}}',
      '{"to_process": []}',
      '{"to_process": {"id": "f", "fields": ["Name"]}}',
    ];
    for (const plaintext of plaintexts) {
      const content = aesCbcEncrypt(job.plainAesKey, plaintext);
      expect(await post(withContent(job, content)), plaintext).toMatchObject(errorBody('INVALID_JSON'));
    }
    expect(deps.tasks.tasks.size).toBe(0);
  });

  it('answers a job whose model call failed with 400 LLM_FAILURE, exactly', async () => {
    const llm = worker.llm as FakeLlm;
    llm.complete = async () => {
      throw new TaskFailure('LLM_FAILURE', 'the model could not be reached');
    };
    const app = newApp();
    const job = app.prepareJob('doc', [invoicePng]);
    expect(await post(JSON.stringify(firstPostBody(job)))).toMatchObject({
      statusCode: 202,
      body: '{"status":"processing"}',
    });
    await drainQueue();
    const poll = JSON.stringify({
      client_id: job.clientId,
      type: 'doc',
      SHA256: job.sha256,
      has_content: false,
    });
    expect(await post(poll)).toMatchObject(errorBody('LLM_FAILURE'));
  });

  it('answers a job whose model output stayed invalid after the repair with 400 LLM_FAILURE, exactly', async () => {
    (worker.llm as FakeLlm).answer = () => ({ not: 'a document' });
    const job = newApp().prepareJob('form', [invoicePng]);
    await post(JSON.stringify(firstPostBody(job)));
    await drainQueue();
    const poll = JSON.stringify({
      client_id: job.clientId,
      type: 'form',
      SHA256: job.sha256,
      has_content: false,
    });
    expect(await post(poll)).toMatchObject(errorBody('LLM_FAILURE'));
  });

  it('answers a job still processing after 10 minutes with 400 PROCESSING_TIMEOUT, exactly', async () => {
    const job = newApp().prepareJob('doc', [invoicePng]);
    await post(JSON.stringify(firstPostBody(job)));
    const poll = JSON.stringify({
      client_id: job.clientId,
      type: 'doc',
      SHA256: job.sha256,
      has_content: false,
    });
    deps.clock.advance(599);
    expect(await post(poll)).toMatchObject({ statusCode: 202, body: '{"status":"processing"}' });
    deps.clock.advance(1);
    expect(await post(poll)).toMatchObject(errorBody('PROCESSING_TIMEOUT'));
    // A worker that gets to it late does not turn it into a result.
    await drainQueue();
    expect(await post(poll)).toMatchObject(errorBody('PROCESSING_TIMEOUT'));
  });

  it('reads a base64-encoded event body as API Gateway may deliver it', async () => {
    const event = apiEvent('POST /process', { rawBody: '{"client_id":"c"}', base64Body: true, sub: null });
    expect(event.body).not.toContain('client_id');
    expect(await process(event)).toMatchObject(errorBody('MISSING_REQUIRED_FIELD'));
  });

  it('answers an internal failure with 400 PROCESSING_ERROR and no stack trace', async () => {
    deps.compat.get = async () => {
      throw new Error('boom at line 42');
    };
    const response = await post(
      JSON.stringify({ client_id: 'c', type: 'doc', SHA256: 'x', has_content: true, content: 'y' }),
    );
    expect(response).toMatchObject(errorBody('PROCESSING_ERROR'));
    expect(response.body).not.toContain('boom');
  });

  it('keeps a polling app waiting through a throttled store instead of failing its job', async () => {
    deps.compat.get = async () => {
      throw new DependencyThrottledError('DynamoDB');
    };
    expect(
      await post(JSON.stringify({ client_id: 'c', type: 'doc', SHA256: 'x', has_content: false })),
    ).toMatchObject({
      statusCode: 202,
      body: '{"status":"processing"}',
    });
  });
});

describe('the other compat routes', () => {
  it('GET /check_status answers 200 {"server_status":"ok","status":"ok"}', async () => {
    const response = await transport('GET', '/check_status');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ server_status: 'ok', status: 'ok' });
  });

  it('POST /clear answers 200 {"status":"ok"} and the job is gone', async () => {
    const app = newApp();
    const job = app.prepareJob('doc', [invoicePng]);
    await app.submit(job);
    const response = await transport('POST', '/clear', JSON.stringify({ client_id: app.clientId }));
    expect(response).toMatchObject({ statusCode: 200, body: '{"status":"ok"}' });
    expect(await app.poll(job)).toMatchObject({ errorDetail: 'TASK_NOT_FOUND' });
    expect(deps.tasks.tasks.size).toBe(0);
  });

  it('POST /clear refuses a body that is not JSON with 400 INVALID_JSON', async () => {
    expect(await transport('POST', '/clear', 'nope')).toMatchObject({
      statusCode: 400,
      body: '{"status":"error","error_detail":"INVALID_JSON"}',
    });
  });
});

describe('POST /process without a working configuration', () => {
  it('answers 400 PROCESSING_ERROR, not a Lambda error, when the dependencies cannot be built', async () => {
    useCompatDependencies(undefined);
    const restore = { ...globalThis.process.env };
    delete globalThis.process.env.DOCUSNAP_TABLE;
    try {
      const response = await transport(
        'POST',
        '/process',
        JSON.stringify({ client_id: 'c', type: 'doc', SHA256: 'x', has_content: false }),
      );
      expect(response).toMatchObject({
        statusCode: 400,
        body: '{"status":"error","error_detail":"PROCESSING_ERROR"}',
      });
    } finally {
      globalThis.process.env = restore;
    }
  });
});
