import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../../lambdas/adapters/local-key-wrapper';
import { MAX_AES_FAILURES_PER_KEY } from '../../../lambdas/core/compat/protocol';
import {
  type CompatDependencies,
  useCompatDependencies,
} from '../../../lambdas/handlers/compat/dependencies';
import { handler as process } from '../../../lambdas/handlers/compat/process';
import { type KeyPair, rsaKeyPair } from '../../core/compat/support/compat-harness';
import { MemoryCompatStore } from '../../core/compat/support/memory-compat-store';
import { AndroidClient, firstPostBody, handlerTransport } from '../../support/android-client';
import { apiEvent } from '../../support/events';
import {
  ManualClock,
  MemoryBlobStore,
  MemoryCache,
  MemoryQueue,
  MemoryTaskStore,
  SequentialIds,
} from '../../support/memory-ports';
import {
  attackLastByteOfFirstBlock,
  forgedEnvelope,
  type ProbeAnswer,
  probeBody,
  respelledKey,
} from '../../support/padding-oracle-attack';

const invoicePng = readFileSync(new URL('../../fixtures/invoice.png', import.meta.url)).toString('base64');
/** `{"to_process":["…`: byte 15 of the first block is the `"` that opens the first image. */
const SECRET_BYTE = '"'.charCodeAt(0);

/** A compat store without the failure counter: the backend as it was before the fix. */
class UncountedCompatStore extends MemoryCompatStore {
  override async reserveDecryption(): Promise<boolean> {
    return true;
  }
}

let keys: KeyPair;
let store: MemoryCompatStore;
/** Preparing a job needs no backend: nothing is sent through this transport. */
const transport = handlerTransport({} as Parameters<typeof handlerTransport>[0]);

function useStore(compat: MemoryCompatStore): void {
  const tasks = new MemoryTaskStore();
  const deps: CompatDependencies = {
    tasks,
    blobs: new MemoryBlobStore(),
    cache: new MemoryCache(),
    queue: new MemoryQueue(),
    keys: new LocalKeyWrapper(randomBytes(32)),
    compat,
    privateKey: async () => keys.privateKey,
    clock: new ManualClock('2026-03-01T09:00:00.000Z'),
    ids: new SequentialIds('task'),
    logger: new Logger({ logLevel: 'SILENT' }),
    keepInputs: false,
    providers: { ocrEngine: 'textract', llmModel: 'us.amazon.nova-lite-v1:0' },
  };
  useCompatDependencies(deps);
}

/** One probe through the real handler: the answer's error_detail (or its status). */
const send: ProbeAnswer = async (body) => {
  const result = await process(apiEvent('POST /process', { sub: null, body }));
  const answer = JSON.parse(String(result.body)) as { status: string; error_detail?: string };
  return answer.error_detail ?? answer.status;
};

const capturedJob = () =>
  new AndroidClient({ transport, publicKeyPem: keys.publicKeyPem }).prepareJob('doc', [invoicePng]);

beforeAll(() => {
  keys = rsaKeyPair();
});
beforeEach(() => {
  store = new MemoryCompatStore();
  useStore(store);
});
afterAll(() => useCompatDependencies(undefined));

describe('POST /process gives no padding oracle', () => {
  it('the attack recovers a plaintext byte from a backend that does not count failures (the control)', async () => {
    useStore(new UncountedCompatStore());
    const attack = await attackLastByteOfFirstBlock(capturedJob(), send);
    expect(attack.recovered).toBe(SECRET_BYTE);
  });

  it('the same attack recovers nothing: after a few failures the key answers AES_DECRYPTION_FAILED', async () => {
    const captured = capturedJob();
    const attack = await attackLastByteOfFirstBlock(captured, send);
    expect(attack).toEqual({ probes: 256 });
    // The probe with good padding, which answered INVALID_JSON before, now reads like all the others.
    expect(await send(probeBody(captured, forgedEnvelope(captured, SECRET_BYTE)))).toBe(
      'AES_DECRYPTION_FAILED',
    );
    // Even the captured request itself, intact, under a fresh client_id.
    expect(await send(probeBody(captured, captured.content))).toBe('AES_DECRYPTION_FAILED');
  });

  it('counts the key, not its spelling: the wrapped key with other base64 slack bits is blocked too', async () => {
    const captured = capturedJob();
    const respelled = respelledKey(captured.aesKey);
    expect(respelled).not.toBe(captured.aesKey);
    expect(Buffer.from(respelled, 'base64')).toEqual(Buffer.from(captured.aesKey, 'base64'));
    for (let guess = 0; guess < MAX_AES_FAILURES_PER_KEY; guess++) {
      expect(await send(probeBody(captured, forgedEnvelope(captured, guess)))).toBe('AES_DECRYPTION_FAILED');
    }
    const goodPadding = forgedEnvelope(captured, SECRET_BYTE);
    expect(await send(probeBody(captured, goodPadding, respelled))).toBe('AES_DECRYPTION_FAILED');
  });

  it('answers normally up to the limit: good padding after fewer failures still reads INVALID_JSON', async () => {
    const captured = capturedJob();
    for (let guess = 0; guess < MAX_AES_FAILURES_PER_KEY - 1; guess++) {
      expect(await send(probeBody(captured, forgedEnvelope(captured, guess)))).toBe('AES_DECRYPTION_FAILED');
    }
    expect(await send(probeBody(captured, forgedEnvelope(captured, SECRET_BYTE)))).toBe('INVALID_JSON');
  });

  it('leaves an honest client alone: a fresh key per job is accepted after another key was blocked', async () => {
    await attackLastByteOfFirstBlock(capturedJob(), send);
    const honest = capturedJob();
    expect(await send(firstPostBody(honest))).toBe('processing');
    // Its retry and polls are answered from the lookup record, never decrypted again.
    expect(await send(firstPostBody(honest))).toBe('processing');
    const fingerprints = [...store.keyFailures.values()].map((held) => held.failures);
    expect(fingerprints.sort()).toEqual([0, MAX_AES_FAILURES_PER_KEY]);
  });
});
