import { execFile } from 'node:child_process';
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentResult, FormFillingResult, FormResult } from '../../lambdas/core/schemas/results';
import { TaskView } from '../../lambdas/core/schemas/tasks';
import { ApiCallError, DocuSnapClient } from '../../local/api-client';
import { type LocalBackend, startLocalBackend } from '../../local/backend';
import { fixture, fixtureBase64, settle, submit } from './support';

const library = {
  docs: [
    {
      id: 'passport-1',
      name: 'Passport',
      extractedInfo: { 'Full Name': 'John Smith', Email: 'john@example.com', 'Phone Number': '+1 555 0100' },
    },
  ],
  forms: [],
};

describe('local backend end to end (tesseract + rules, over HTTP)', () => {
  let home: string;
  let backend: LocalBackend;
  let alice: DocuSnapClient;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-e2e-'));
    backend = await startLocalBackend({
      home,
      port: 0,
      env: {
        DOCUSNAP_WORKER_CONCURRENCY: '2',
        DOCUSNAP_OCR: 'tesseract',
        DOCUSNAP_LLM: 'rules',
        DOCUSNAP_FAULTS: '',
      },
      log: () => {},
    });
    alice = new DocuSnapClient(backend.url, await backend.token('alice'));
  });
  afterAll(async () => {
    await backend?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('serves health without a token and refuses a task route without one', async () => {
    expect(backend.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${backend.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const anonymous = await fetch(`${backend.url}/v1/tasks`);
    expect(anonymous.status).toBe(401);
  });

  it('reads an invoice: the document result carries its "Label: value" lines, dates normalised', async () => {
    const summary = await submit(alice, '/v1/tasks/document', {
      images: [{ data: fixtureBase64('invoice.png') }],
    });
    expect(summary.status).toMatch(/pending|processing|completed/);
    const task = TaskView.parse(await settle(alice, summary.taskId));

    expect(task.status).toBe('completed');
    const result = DocumentResult.parse(task.result);
    expect(result.kv['Invoice Number']).toBe('INV-2024-0042');
    expect(result.kv['Invoice Date']).toBe('Mar 15, 2024');
    expect(result.kv.Vendor).toBe('Acme Office Supplies');
    expect(task.usage).toMatchObject({ ocrEngine: 'tesseract', llmModel: 'rules', pages: 1 });
  });

  it('reads a form: blank fields listed, pre-filled values and Form Type in kv, no overlap', async () => {
    const summary = await submit(alice, '/v1/tasks/form', {
      images: [{ data: fixtureBase64('form.png') }],
      priority: 'high',
    });
    const task = await settle(alice, summary.taskId);

    expect(task).toMatchObject({ status: 'completed', type: 'form', priority: 'high' });
    const result = FormResult.parse(task.result);
    expect(result.fields).toEqual(expect.arrayContaining(['Full Name', 'Email Address', 'Phone Number']));
    expect(result.kv['Form Type']).toBeTruthy();
    expect(result.kv['Membership Type']).toBe('Gold');
    expect(result.fields.filter((field) => field in result.kv)).toEqual([]);
  });

  it('fills a form from the library, citing the library item', async () => {
    const summary = await submit(alice, '/v1/tasks/form-filling', {
      form: { id: 'membership', fields: ['Full Name', 'Email Address', 'Favourite Colour'] },
      library,
    });
    const task = await settle(alice, summary.taskId);

    expect(task.status).toBe('completed');
    const result = FormFillingResult.parse(task.result);
    expect(result['Full Name']).toEqual({
      value: 'John Smith',
      source: { type: 'doc', resource_id: 'passport-1' },
    });
    expect(result['Email Address']?.value).toBe('john@example.com');
    expect(result['Favourite Colour']).toBeUndefined();
  });

  it('accepts an image uploaded with the presigned POST and reads it', async () => {
    const uploadId = await alice.upload(fixture('id-card.jpg'), 'image/jpeg');
    const summary = await submit(alice, '/v1/tasks/document', { images: [{ uploadId }] });
    const task = await settle(alice, summary.taskId);

    expect(task.status).toBe('completed');
    const result = DocumentResult.parse(task.result);
    // The rules extractor may canonicalise labels (ID Number → Document Number); the values are the card's.
    expect(Object.values(result.kv)).toEqual(expect.arrayContaining(['X1234567', 'John Smith', 'Canadian']));
  });

  it('keeps tasks private: another user gets 404 and an empty list', async () => {
    const { items } = await alice.call<{ items: { taskId: string }[] }>('GET', '/v1/tasks?limit=10');
    expect(items.length).toBeGreaterThanOrEqual(4);
    const bob = new DocuSnapClient(backend.url, await backend.token('bob'));

    const refused = await bob.getTask(items[0]?.taskId as string).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiCallError);
    expect((refused as ApiCallError).status).toBe(404);
    expect(await bob.call('GET', '/v1/tasks')).toEqual({ items: [] });
  });

  it('serves the compat routes with the key pair kept under DOCUSNAP_HOME', async () => {
    const publicKey = await fetch(`${backend.url}/public-key`);
    expect(publicKey.status).toBe(200);
    expect(await publicKey.text()).toContain(
      (await readFile(path.join(home, 'keys', 'public.pem'), 'utf8')).split('\n')[1] as string,
    );
    const status = await fetch(`${backend.url}/check_status`);
    expect(await status.json()).toEqual({ server_status: 'ok', status: 'ok' });
  });

  it('runs a DocuSnap Android /process round trip with the local RSA key and master key', async () => {
    const publicKey = await (await fetch(`${backend.url}/public-key`)).text();
    const aesKey = randomBytes(32);
    const iv = randomBytes(16);
    const inner = JSON.stringify({
      to_process: [fixtureBase64('invoice.png')],
      file_lib: { docs: [], forms: [] },
    });
    const cipher = createCipheriv('aes-256-cbc', aesKey, iv);
    const content = Buffer.concat([iv, cipher.update(inner, 'utf8'), cipher.final()]).toString('base64');
    const wrappedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      aesKey,
    ).toString('base64');
    const sha = createHash('sha256').update(content, 'utf8').digest('hex');
    const post = (body: unknown) =>
      fetch(`${backend.url}/process`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const accepted = await post({
      client_id: 'phone-1',
      type: 'doc',
      SHA256: sha,
      has_content: true,
      content,
      aes_key: wrappedKey,
    });
    expect(accepted.status).toBe(202);

    let answer: { status: string; result?: string } = { status: 'processing' };
    for (let poll = 0; poll < 150 && answer.status === 'processing'; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const polled = await post({ client_id: 'phone-1', type: 'doc', SHA256: sha, has_content: false });
      answer = (await polled.json()) as typeof answer;
    }
    expect(answer.status).toBe('completed');
    const sealed = Buffer.from(answer.result as string, 'base64');
    const decipher = createDecipheriv('aes-256-cbc', aesKey, sealed.subarray(0, 16));
    const result = JSON.parse(
      Buffer.concat([decipher.update(sealed.subarray(16)), decipher.final()]).toString('utf8'),
    );
    expect(DocumentResult.parse(result).kv['Invoice Number']).toBe('INV-2024-0042');
  });

  it('CLI: submits a document with --url/--token, reports progress on stderr and prints the result as JSON', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const cli = (...args: string[]) =>
      promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['local/cli.ts', ...args], { cwd: root });
    const token = await backend.token('dana');

    const submitted = await cli(
      '--url',
      backend.url,
      '--token',
      token,
      'submit',
      'document',
      'test/fixtures/invoice.png',
    );
    const task = JSON.parse(submitted.stdout) as { taskId: string; status: string; result: unknown };
    expect(task.status).toBe('completed');
    expect(DocumentResult.parse(task.result).kv['Total Amount']).toBe('149.90');
    expect(submitted.stderr).toContain(`task ${task.taskId}: completed`);

    const listed = await cli('--url', backend.url, '--token', token, 'list');
    expect(
      (JSON.parse(listed.stdout) as { items: { taskId: string }[] }).items.map((item) => item.taskId),
    ).toEqual([task.taskId]);
  });
});
