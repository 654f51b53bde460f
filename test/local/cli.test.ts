import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormFillingResult, FormResult } from '../../lambdas/core/schemas/results';
import { DocuSnapClient, INLINE_IMAGE_LIMIT_BYTES, type TaskView } from '../../local/api-client';
import { type LocalBackend, startLocalBackend } from '../../local/backend';
import { textPdf } from '../support/documents';

const root = path.resolve(import.meta.dirname, '../..');

/** A PNG of random pixels: incompressible, so its file is about width × height × 4 bytes. */
function noisePng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = randomBytes(width * height * 4);
  return PNG.sync.write(png);
}

// The CLI's commands against an in-process backend (simulated OCR: this checks the CLI, not OCR), which
// also runs with DOCUSNAP_COMPAT=off.
describe('CLI and DOCUSNAP_COMPAT=off', () => {
  let home: string;
  let backend: LocalBackend;
  let token: string;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-cli-'));
    backend = await startLocalBackend({
      home,
      port: 0,
      env: {
        DOCUSNAP_WORKER_CONCURRENCY: '2',
        DOCUSNAP_OCR: 'simulated',
        DOCUSNAP_LLM: 'rules',
        DOCUSNAP_FAULTS: '',
        DOCUSNAP_COMPAT: 'off',
      },
      log: () => {},
    });
    token = await backend.token('erin');
  });
  afterAll(async () => {
    await backend?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    promisify(execFile)(
      path.join(root, 'node_modules/.bin/tsx'),
      ['local/cli.ts', '--url', backend.url, '--token', token, ...args],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );

  it('DOCUSNAP_COMPAT=off: the Android routes answer the JSON 404 of an unknown route; v1 still serves', async () => {
    for (const [method, route] of [
      ['POST', '/process'],
      ['POST', '/clear'],
      ['GET', '/check_status'],
      ['GET', '/public-key'],
    ] as const) {
      const response = await fetch(`${backend.url}${route}`, {
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
        body: method === 'POST' ? JSON.stringify({ client_id: 'phone-1' }) : undefined,
      });
      expect(response.status, `${method} ${route}`).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
    expect((await fetch(`${backend.url}/v1/health`)).status).toBe(200);
  });

  it('submit form, then status and list --limit', async () => {
    const submitted = await cli('submit', 'form', 'test/fixtures/form.png', '--priority', 'high');
    const task = JSON.parse(submitted.stdout) as TaskView;
    expect(task).toMatchObject({ type: 'form', status: 'completed', priority: 'high' });
    expect(FormResult.parse(task.result).kv['Form Type']).toBeTruthy();
    expect(submitted.stderr).toContain(`task ${task.taskId}: completed`);

    const status = await cli('status', task.taskId);
    expect(JSON.parse(status.stdout)).toEqual(task);

    await cli('submit', 'document', 'test/fixtures/invoice.png');
    const listed = await cli('list', '--limit', '1');
    const page = JSON.parse(listed.stdout) as { items: TaskView[]; nextCursor?: string };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.type).toBe('document');
    expect(page.nextCursor).toBeTruthy();
  });

  it('submit document letter.pdf: a text PDF too large to inline goes up by presigned POST, read from its text layer', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const letter = await PDFDocument.load(
      await textPdf([['Reference Number: REF-4410'], ['Account Number: AC-7702'], ['Amount Due: 918.00']]),
    );
    // Random bytes do not compress: past the CLI's inline limit, so the CLI uploads the file.
    await letter.attach(randomBytes(INLINE_IMAGE_LIMIT_BYTES + 1024), 'scan.bin', {
      mimeType: 'application/octet-stream',
    });
    const file = path.join(home, 'letter.pdf');
    await writeFile(file, await letter.save());
    const api = new DocuSnapClient(backend.url, token);
    expect((await api.imagesFromFiles([file])).map((image) => Object.keys(image)[0])).toEqual(['uploadId']);

    const task = JSON.parse((await cli('submit', 'document', file)).stdout) as TaskView;
    expect(task).toMatchObject({ status: 'completed', usage: { pages: 3, ocrEngine: 'pdf-text' } });
    expect(JSON.stringify(task.result)).toMatch(/REF-4410.*AC-7702.*918\.00/);
  });

  it('fill --fields --library --form-id: values cited from the library', async () => {
    const library = path.join(home, 'library.json');
    await writeFile(
      library,
      JSON.stringify({
        docs: [{ id: 'passport-1', extractedInfo: { 'Full Name': 'John Smith', Email: 'john@example.com' } }],
        forms: [],
      }),
    );
    const filled = await cli(
      'fill',
      '--fields',
      'Full Name, Email Address',
      '--library',
      library,
      '--form-id',
      'membership',
    );
    const task = JSON.parse(filled.stdout) as TaskView;
    expect(task).toMatchObject({ type: 'form_filling', status: 'completed' });
    expect(FormFillingResult.parse(task.result)['Full Name']).toEqual({
      value: 'John Smith',
      source: { type: 'doc', resource_id: 'passport-1' },
    });

    const refused = await cli('fill', '--fields', 'Full Name').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toContain('fill needs --fields');
  });

  it('submit with photos that fit one by one but not together: the body stays under the limit', async () => {
    // Each under the 4 MiB inline limit, together above it: inlined both, the body (base64) passes 6 MiB.
    const files = ['a.png', 'b.png'].map((name) => path.join(home, name));
    const sizes: number[] = [];
    for (const file of files) {
      const bytes = noisePng(820, 820);
      sizes.push(bytes.length);
      await writeFile(file, bytes);
    }
    expect(Math.max(...sizes)).toBeLessThan(INLINE_IMAGE_LIMIT_BYTES);
    expect(sizes[0] + sizes[1]).toBeGreaterThan(INLINE_IMAGE_LIMIT_BYTES);

    const api = new DocuSnapClient(backend.url, token);
    const images = await api.imagesFromFiles(files);
    expect(images.map((image) => Object.keys(image)[0])).toEqual(['data', 'uploadId']);

    const submitted = await cli('submit', 'document', ...files, '--no-wait');
    const summary = JSON.parse(submitted.stdout) as TaskView;
    expect(summary).toMatchObject({ type: 'document' });
    expect((await api.getTask(summary.taskId)).taskId).toBe(summary.taskId);
  });

  it('webhook add prints the secret once; list shows it without; delete removes it', async () => {
    const added = JSON.parse(
      (await cli('webhook', 'add', 'http://127.0.0.1:9/hook', '--events', 'task.failed')).stdout,
    );
    expect(added).toMatchObject({ url: 'http://127.0.0.1:9/hook', events: ['task.failed'] });
    expect(added.secret).toMatch(/^whsec_/);
    const listed = JSON.parse((await cli('webhook', 'list')).stdout);
    expect(listed.items).toEqual([expect.objectContaining({ webhookId: added.webhookId })]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    await cli('webhook', 'delete', added.webhookId);
    expect(JSON.parse((await cli('webhook', 'list')).stdout).items).toEqual([]);
  });
});
