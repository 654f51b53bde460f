import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCache } from '../../../lambdas/adapters/dynamodb-cache';
import { DynamoDbCompatStore } from '../../../lambdas/adapters/dynamodb-compat-store';
import { DynamoDbTaskStore } from '../../../lambdas/adapters/dynamodb-task-store';
import { LocalKeyWrapper } from '../../../lambdas/adapters/local-key-wrapper';
import { MupdfDocumentReader } from '../../../lambdas/adapters/mupdf-document-reader';
import { S3BlobStore } from '../../../lambdas/adapters/s3-blob-store';
import { ocrCacheKey } from '../../../lambdas/core/cache-keys';
import { clientKeyFingerprint } from '../../../lambdas/core/compat/crypto';
import { compatOwner, MAX_AES_FAILURES_PER_KEY } from '../../../lambdas/core/compat/protocol';
import { createResultSealer } from '../../../lambdas/core/compat/seal-result';
import { DEFAULT_PRICING } from '../../../lambdas/core/pricing';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { handler as checkStatus } from '../../../lambdas/handlers/compat/check-status';
import { handler as clear } from '../../../lambdas/handlers/compat/clear';
import { compatDependencies, useCompatDependencies } from '../../../lambdas/handlers/compat/dependencies';
import { handler as process } from '../../../lambdas/handlers/compat/process';
import { handler as publicKey } from '../../../lambdas/handlers/compat/public-key';
import {
  AndroidClient,
  type AppFileLib,
  type AppJob,
  firstPostBody,
  handlerTransport,
  readDocumentResult,
  readFillResult,
} from '../../support/android-client';
import { applyEnv, createDocumentClient, useEmulators } from '../../support/emulators';
import { apiEvent } from '../../support/events';
import { FakeLlm, FakeOcr } from '../../support/memory-ports';
import { attackLastByteOfFirstBlock, forgedEnvelope, probeBody } from '../../support/padding-oracle-attack';

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

const emulators = useEmulators();
let home: string;
let restoreEnv: () => void;
let publicKeyPem: string;
let worker: Parameters<typeof processTask>[0];
const transport = handlerTransport({
  '/process': process,
  '/clear': clear,
  '/check_status': checkStatus,
  '/public-key': publicKey,
});

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'docusnap-compat-'));
  const { publicKey: pub, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  publicKeyPem = pub;
  const keyFile = path.join(home, 'private.pem');
  const masterKeyFile = path.join(home, 'master.key');
  await writeFile(keyFile, privateKey, { mode: 0o600 });
  await writeFile(masterKeyFile, randomBytes(32), { mode: 0o600 });
  // The composition root builds everything from the environment, as in Lambda and the local runtime.
  restoreEnv = applyEnv({
    DOCUSNAP_COMPAT_KEY_FILE: keyFile,
    DOCUSNAP_MASTER_KEY_FILE: masterKeyFile,
    DOCUSNAP_COMPAT_PUBLIC_KEY: pub,
  });
  useCompatDependencies(undefined);
  worker = {
    tasks: new DynamoDbTaskStore(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE),
    blobs: new S3BlobStore(emulators.s3(), emulators.env.DOCUSNAP_BUCKET),
    // The worker's caches on the same table, as in Lambda, so a scan sees every copy of the OCR text.
    cache: new DynamoDbCache(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE),
    documents: new MupdfDocumentReader(),
    ocr: new FakeOcr(),
    llm: new FakeLlm(),
    clock: { now: () => new Date() },
    pricing: DEFAULT_PRICING,
    workerTimeoutSeconds: 90,
    ocrConcurrency: 2,
    keepInputs: false,
    retentionDays: 7,
    resultSealer: createResultSealer(await LocalKeyWrapper.fromFile(masterKeyFile)),
  };
});

afterAll(async () => {
  restoreEnv?.();
  await rm(home, { recursive: true, force: true });
});

/** One round of the worker pool: every message on the normal queue runs through process-task. */
async function workOffQueue(): Promise<void> {
  const sqs = emulators.sqs();
  const QueueUrl = emulators.env.DOCUSNAP_QUEUE_URL;
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  for (const message of Messages) {
    await processTask(worker, JSON.parse(message.Body ?? '{}').taskId);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
}

async function everythingStored(): Promise<string> {
  const { Items = [] } = await emulators
    .documentClient()
    .send(new ScanCommand({ TableName: emulators.env.DOCUSNAP_TABLE }));
  const s3 = emulators.s3();
  const { Contents = [] } = await s3.send(
    new ListObjectsV2Command({ Bucket: emulators.env.DOCUSNAP_BUCKET }),
  );
  const objects = await Promise.all(
    Contents.map(async ({ Key }) => {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: emulators.env.DOCUSNAP_BUCKET, Key }));
      return Buffer.from((await Body?.transformToByteArray()) ?? []).toString('latin1');
    }),
  );
  // Results are held as JSON text: searched as written, not as escaped inside the item's JSON.
  const results = Items.map((item) => (typeof item.resultJson === 'string' ? item.resultJson : ''));
  return JSON.stringify(Items) + results.join('\n') + objects.join('\n');
}

const resultOf = (state: Awaited<ReturnType<AndroidClient['run']>>) => {
  if (state.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(state)}`);
  return state.result;
};

describe('the compat handlers on DynamoDB, S3 and SQS emulators', () => {
  const jobs: AppJob[] = [];

  it('serves the public key the app pastes, and the app completes doc, form and fill jobs with it', async () => {
    const served = await transport('GET', '/public-key');
    expect(served.body.trim()).toBe(publicKeyPem.trim());
    const app = new AndroidClient({ transport, publicKeyPem: served.body, pollIntervalMs: 0, maxPolls: 20 });

    const doc = app.prepareJob('doc', [invoicePng], fileLib);
    const docView = readDocumentResult(
      app.decryptResult(doc, resultOf(await app.run(doc, workOffQueue))),
      false,
    );
    expect(docView.title.length).toBeGreaterThan(0);

    const form = app.prepareJob('form', [invoicePng], fileLib);
    const formView = readDocumentResult(
      app.decryptResult(form, resultOf(await app.run(form, workOffQueue))),
      true,
    );
    expect(formView.fields).toEqual(['Signature']);

    const fill = app.prepareJob('fill', { id: 'form-1', fields: ['Full Name'] }, fileLib);
    const filled = readFillResult(app.decryptResult(fill, resultOf(await app.run(fill, workOffQueue))), [
      'Full Name',
    ]);
    expect(filled).toEqual({ 'Full Name': { value: 'Jane Doe', sourceId: 'doc-17' } });
    jobs.push(doc, form, fill);

    expect((await app.submit(doc)).status).toBe('completed');
  });

  it('holds no plaintext AES key and no plaintext result in the table or the bucket', async () => {
    const stored = await everythingStored();
    expect(stored).toContain('"encrypted"');
    for (const job of jobs) {
      for (const encoding of ['base64', 'hex', 'latin1'] as const) {
        expect(stored).not.toContain(job.plainAesKey.toString(encoding));
      }
    }
    for (const plaintext of ['Acme Invoice', 'ACME INVOICE', 'Signature', 'Jane Doe"', '"Form Type"']) {
      expect(stored).not.toContain(plaintext);
    }
  });

  it('clears all of the client’s jobs from the table, OCR cache entries included', async () => {
    const [first] = jobs;
    if (!first) throw new Error('the first test made no jobs');
    expect(
      (await transport('POST', '/clear', JSON.stringify({ client_id: first.clientId }))).statusCode,
    ).toBe(200);
    const { Items = [] } = await emulators
      .documentClient()
      .send(new ScanCommand({ TableName: emulators.env.DOCUSNAP_TABLE }));
    expect(
      Items.filter((item) => String(item.owner ?? item.clientId ?? '').includes(first.clientId)),
    ).toEqual([]);
    // `CACHE#ocr:<owner>:…`: the OCR text of the client's images, which /clear must not leave at rest.
    const cachePrefix = `CACHE#${ocrCacheKey(compatOwner(first.clientId), '')}`;
    expect(Items.filter((item) => String(item.pk).startsWith(cachePrefix))).toEqual([]);
    expect(await everythingStored()).not.toContain('ACME INVOICE');
  });
});

describe('the padding-oracle counter on the shared table, across Lambda instances', () => {
  /** Two warm instances: the environment's composition root, and one with its own DynamoDB client. */
  function instances() {
    useCompatDependencies(undefined);
    const first = compatDependencies();
    const second = {
      ...first,
      compat: new DynamoDbCompatStore(createDocumentClient(), emulators.env.DOCUSNAP_TABLE),
    };
    return [first, second];
  }
  const answerOf = async (body: Record<string, unknown>) => {
    const result = await process(apiEvent('POST /process', { sub: null, body }));
    const answer = JSON.parse(String(result.body)) as { status: string; error_detail?: string };
    return answer.error_detail ?? answer.status;
  };
  const captured = () =>
    new AndroidClient({ transport, publicKeyPem }).prepareJob('doc', [invoicePng], fileLib);

  it('an attack whose probes alternate between instances recovers no byte', async () => {
    const both = instances();
    let n = 0;
    const attack = await attackLastByteOfFirstBlock(captured(), async (body) => {
      useCompatDependencies(both[n++ % 2]);
      return answerOf(body);
    });
    expect(attack).toEqual({ probes: 256 });
    useCompatDependencies(undefined);
  });

  it('a burst of parallel probes cannot outrun the count, and a fresh key is still accepted', async () => {
    const [first] = instances();
    useCompatDependencies(first);
    const job = captured();
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, guess) => answerOf(probeBody(job, forgedEnvelope(job, guess)))),
    );
    expect(new Set(burst)).toEqual(new Set(['AES_DECRYPTION_FAILED']));
    // The good-padding probe (byte 15 is the `"` opening the first image) reads like a failure.
    expect(await answerOf(probeBody(job, forgedEnvelope(job, '"'.charCodeAt(0))))).toBe(
      'AES_DECRYPTION_FAILED',
    );
    const { Items = [] } = await emulators
      .documentClient()
      .send(new ScanCommand({ TableName: emulators.env.DOCUSNAP_TABLE }));
    const counters = Items.filter((item) => String(item.pk).startsWith('AESKEY#'));
    const counter = counters.find((item) => item.pk === `AESKEY#${clientKeyFingerprint(job.plainAesKey)}`);
    // Exactly the limit: the 17 other probes of the burst were refused before decrypting.
    expect(counter?.decryptionFailures).toBe(MAX_AES_FAILURES_PER_KEY);
    expect(typeof counter?.expiresAt).toBe('number');
    // No counter item holds the key itself.
    expect(JSON.stringify(counters)).not.toContain(job.plainAesKey.toString('hex'));

    const honest = captured();
    expect(await answerOf(firstPostBody(honest))).toBe('processing');
    useCompatDependencies(undefined);
  });
});
