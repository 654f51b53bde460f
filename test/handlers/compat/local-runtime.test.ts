/**
 * The Android-like client against the whole local runtime (`npm start`'s backend in this process):
 * local HTTP API, emulators, the worker pool with tesseract OCR and the offline `rules` LLM.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, startLocalBackend } from '../../../local/backend';
import {
  AndroidClient,
  type AppFileLib,
  type AppJobState,
  type CompatTransport,
  httpTransport,
  readDocumentResult,
  readFillResult,
} from '../../support/android-client';

const invoicePng = readFileSync(new URL('../../fixtures/invoice.png', import.meta.url)).toString('base64');
const formPng = readFileSync(new URL('../../fixtures/form.png', import.meta.url)).toString('base64');
const fileLib: AppFileLib = {
  docs: [
    {
      id: 'doc-17',
      name: 'Passport',
      description: 'My passport',
      extractedInfo: { 'Full Name': 'Jane Doe', 'Date of Birth': 'Jan 02, 1990' },
      tags: '["identity"]',
      uploadDate: '2026-02-01',
    },
  ],
  forms: [],
};

let backend: LocalBackend;
let home: string;
let transport: CompatTransport;
let publicKeyPem: string;

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'docusnap-android-'));
  backend = await startLocalBackend({
    home,
    port: 0,
    env: { DOCUSNAP_OCR: 'tesseract', DOCUSNAP_LLM: 'rules', DOCUSNAP_WORKER_CONCURRENCY: '2' },
    log: () => undefined,
  });
  // The app's Settings take the base URL with a trailing slash.
  transport = httpTransport(`${backend.url}/`);
  publicKeyPem = (await transport('GET', '/public-key')).body;
}, 120_000);

afterAll(async () => {
  await backend?.stop();
  await rm(home, { recursive: true, force: true });
});

const newApp = () => new AndroidClient({ transport, publicKeyPem, pollIntervalMs: 250, maxPolls: 200 });

function resultOf(state: AppJobState): string {
  if (state.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(state)}`);
  return state.result;
}

describe('the Android app against the local runtime', () => {
  it('checks the server status as the app does', async () => {
    const response = await transport('GET', '/check_status');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).status).toBe('ok');
  });

  it('completes a doc job and reads its result', async () => {
    const app = newApp();
    const job = app.prepareJob('doc', [invoicePng], fileLib);
    const result = app.decryptResult(job, resultOf(await app.run(job)));
    const view = readDocumentResult(result, false);
    expect(view.title.length).toBeGreaterThan(0);
    expect(view.tags.length).toBeGreaterThan(0);
    expect(view.kv['Invoice Number']).toBe('INV-2024-0042');
    // The app's result is the contract of DESIGN §5 and nothing more: evidence is v1-only.
    expect(Object.keys(result as object).sort()).toEqual(['description', 'kv', 'related', 'tags', 'title']);
  }, 60_000);

  it('completes a form job and reads its blank fields', async () => {
    const app = newApp();
    const job = app.prepareJob('form', [formPng], fileLib);
    const view = readDocumentResult(app.decryptResult(job, resultOf(await app.run(job))), true);
    expect(Array.isArray(view.fields)).toBe(true);
    expect(view.kv['Form Type']).toBeDefined();
  }, 60_000);

  it('completes a fill job from the library', async () => {
    const app = newApp();
    const job = app.prepareJob('fill', { id: 'form-1', fields: ['Full Name', 'Date of Birth'] }, fileLib);
    const filled = readFillResult(app.decryptResult(job, resultOf(await app.run(job))), [
      'Full Name',
      'Date of Birth',
    ]);
    expect(filled['Full Name']).toEqual({ value: 'Jane Doe', sourceId: 'doc-17' });
  }, 60_000);

  it('answers a refusal over HTTP exactly as DESIGN §4 says', async () => {
    const response = await transport(
      'POST',
      '/process',
      '{"client_id":"c","type":"pdf","SHA256":"x","has_content":true}',
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('{"status":"error","error_detail":"INVALID_TYPE"}');
  });
});
