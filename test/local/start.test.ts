import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentResult } from '../../lambdas/core/schemas/results';
import { DocuSnapClient } from '../../local/api-client';
import { fixtureBase64, settle, submit } from './support';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

interface Started {
  child: ChildProcess;
  output: string;
  url: string;
}

/**
 * `npm start` (tsx local/start.ts), waiting for its `listening on` line. Run as one process with tsx's
 * loader, so a SIGKILL really kills the server (the tsx binary would leave its child running).
 */
function startServer(home: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', DOCUSNAP_HOME: home, DOCUSNAP_WORKER_CONCURRENCY: '2', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Started = { child, output: '', url: '' };
  return new Promise((resolve, reject) => {
    // DESIGN §7: the API serves within 30 s of starting.
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within 30 s:\n${started.output}`)),
      30_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      started.output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(started.output)?.[1];
      if (url && !started.url) {
        started.url = url;
        clearTimeout(timer);
        resolve(started);
      }
    });
    // Kept growing after startup, so a failing test can show what the server said.
    child.stderr?.on('data', (chunk: Buffer) => {
      started.output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${started.output}`));
    });
  });
}

function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGINT');
  });
}

describe('npm start', () => {
  let home: string;
  const children: ChildProcess[] = [];
  let latest: Started | undefined;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-start-'));
  });
  afterAll(async () => {
    for (const child of children) await stopServer(child);
    await rm(home, { recursive: true, force: true });
  });

  it('prints the URL, a dev token, a curl example and the state directory; tasks survive a restart', async () => {
    const first = await startServer(home);
    children.push(first.child);
    expect(first.output).toContain(`state:    ${home}`);
    expect(first.output).toContain(`curl -s ${first.url}/v1/health`);
    expect(first.output).not.toContain('NodeVersionSupportWarning');
    // Portable (macOS has no `base64 -w0`).
    expect(first.output).toContain("$(base64 < test/fixtures/invoice.png | tr -d '\\n')");
    expect(first.output).not.toContain('base64 -w0');
    const token = /export TOKEN=(\S+)/.exec(first.output)?.[1] as string;
    expect(token).toBeTruthy();

    const dev = new DocuSnapClient(first.url, token);
    const summary = await submit(dev, '/v1/tasks/document', {
      images: [{ data: fixtureBase64('invoice.png') }],
    });
    const before = await settle(dev, summary.taskId);
    expect(before.status).toBe('completed');
    expect(DocumentResult.parse(before.result).kv['Invoice Number']).toBe('INV-2024-0042');
    expect(await stopServer(first.child)).toBe(0);

    const second = await startServer(home);
    children.push(second.child);
    latest = second;
    const again = new DocuSnapClient(second.url, token);
    expect(await again.getTask(summary.taskId)).toEqual(before);
    const { items } = await again.call<{ items: { taskId: string }[] }>('GET', '/v1/tasks');
    expect(items.map((item) => item.taskId)).toContain(summary.taskId);
  }, 120_000);

  it('`npm run -s token -- <user>` prints a token the running server accepts for that user', async () => {
    const server = latest ?? (await startServer(home));
    children.push(server.child);
    const { stdout } = await promisify(execFile)(tsx, ['local/token.ts', 'carol'], {
      cwd: root,
      env: { ...process.env, DOCUSNAP_HOME: home },
    });
    const carol = new DocuSnapClient(server.url, stdout.trim());
    expect(await carol.call('GET', '/v1/tasks')).toEqual({ items: [] });
  }, 60_000);

  it('tasks still queued at a graceful stop run right after the restart, long before the pending timeout', async () => {
    const queuedHome = await mkdtemp(path.join(tmpdir(), 'docusnap-queued-'));
    try {
      // One slot per queue, each image 3 s: the normal queue's slot holds one batch while the rest wait.
      const first = await startServer(queuedHome, {
        DOCUSNAP_OCR: 'simulated',
        DOCUSNAP_FAULTS: 'ocr.latency=3000',
      });
      children.push(first.child);
      const token = /export TOKEN=(\S+)/.exec(first.output)?.[1] as string;
      const dev = new DocuSnapClient(first.url, token);
      const image = fixtureBase64('invoice.png');
      const taskIds: string[] = [];
      for (let n = 0; n < 14; n++) {
        taskIds.push((await submit(dev, '/v1/tasks/document', { images: [{ data: image }] })).taskId);
      }
      expect(await stopServer(first.child)).toBe(0);

      // The stop drained the batch in hand; the tasks behind it were still queued, in fauxqs's memory only.
      const second = await startServer(queuedHome, { DOCUSNAP_OCR: 'simulated' });
      children.push(second.child);
      expect(second.output).toMatch(/resuming the previous run's tasks: [1-9]\d* pending/);
      const again = new DocuSnapClient(second.url, token);
      // The pending timeout is 300 s and the sweeper's first tick 60 s away: only the startup re-send is this quick.
      for (const taskId of taskIds) expect((await settle(again, taskId, 30_000)).status).toBe('completed');
      await stopServer(second.child);
    } finally {
      await rm(queuedHome, { recursive: true, force: true });
    }
  }, 120_000);

  it('after a hard kill mid-task, the restart hands the task to a new worker once its lease runs out', async () => {
    const leaseHome = await mkdtemp(path.join(tmpdir(), 'docusnap-lease-'));
    try {
      // A 3 s worker timeout is the lease; the OCR call takes a minute, so the kill lands mid-task.
      const first = await startServer(leaseHome, {
        DOCUSNAP_OCR: 'simulated',
        DOCUSNAP_FAULTS: 'ocr.latency=60000',
        DOCUSNAP_WORKER_TIMEOUT_S: '3',
      });
      children.push(first.child);
      const token = /export TOKEN=(\S+)/.exec(first.output)?.[1] as string;
      const dev = new DocuSnapClient(first.url, token);
      const summary = await submit(dev, '/v1/tasks/document', {
        images: [{ data: fixtureBase64('invoice.png') }],
      });
      let atKill = await dev.getTask(summary.taskId);
      for (let poll = 0; poll < 100 && atKill.status === 'pending'; poll++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        atKill = await dev.getTask(summary.taskId);
      }
      expect(atKill.status).toBe('processing');
      first.child.kill('SIGKILL');
      await stopServer(first.child);

      // Default processing timeout (600 s): without the re-send the task would sit in `processing` until then.
      const second = await startServer(leaseHome, { DOCUSNAP_OCR: 'simulated' });
      children.push(second.child);
      const after = await settle(new DocuSnapClient(second.url, token), summary.taskId, 30_000);
      expect(after.status).toBe('completed');
      await stopServer(second.child);
    } finally {
      await rm(leaseHome, { recursive: true, force: true });
    }
  }, 120_000);

  it('after a hard kill mid-task, the restarted sweeper fails the task whose worker and message were lost', async () => {
    const crashHome = await mkdtemp(path.join(tmpdir(), 'docusnap-kill-'));
    try {
      // The OCR call takes a minute, so the kill lands while the worker holds the task, not mid-write.
      const first = await startServer(crashHome, { DOCUSNAP_FAULTS: 'ocr.latency=60000' });
      children.push(first.child);
      const token = /export TOKEN=(\S+)/.exec(first.output)?.[1] as string;
      const dev = new DocuSnapClient(first.url, token);
      const summary = await submit(dev, '/v1/tasks/document', {
        images: [{ data: fixtureBase64('invoice.png') }],
      });
      let atKill = await dev.getTask(summary.taskId);
      for (let poll = 0; poll < 100 && atKill.status === 'pending'; poll++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        atKill = await dev.getTask(summary.taskId);
      }
      expect(atKill.status).toBe('processing');
      first.child.kill('SIGKILL');
      await stopServer(first.child);

      // fauxqs kept the message in memory only. The restart re-sends it once the 90 s lease runs out; the
      // 2 s processing timeout comes first, so the sweeper ends the task.
      const second = await startServer(crashHome, {
        DOCUSNAP_SWEEP_INTERVAL_S: '1',
        DOCUSNAP_PROCESSING_TIMEOUT_S: '2',
      });
      children.push(second.child);
      const after = await settle(new DocuSnapClient(second.url, token), summary.taskId, 30_000);
      expect(after).toMatchObject({ status: 'error', error: { code: 'PROCESSING_TIMEOUT' } });
      await stopServer(second.child);
    } finally {
      await rm(crashHome, { recursive: true, force: true });
    }
  }, 120_000);
});
