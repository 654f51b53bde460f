import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbWebhookStore } from '../../lambdas/adapters/dynamodb-webhook-store';
import { ApiCallError, DocuSnapClient, type TaskView } from '../../local/api-client';
import { type LocalBackend, startLocalBackend } from '../../local/backend';
import { createDocumentClient } from '../support/emulators';
import { fixtureBase64, submit } from './support';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A developer's receiver on loopback: `answers[path]` lists the statuses it gives, one per request, then 204. */
async function startReceiver(answers: Record<string, number[]>) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body });
      response.writeHead(answers[path]?.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received: (path: string) => received.filter((request) => request.path === path),
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits (bounded) until `check` holds; the deliveries arrive asynchronously after the task ends. */
async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 25_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhooks and long polling in the local runtime', () => {
  let home: string;
  let backend: LocalBackend;
  let alice: DocuSnapClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-webhooks-'));
    receiver = await startReceiver({ '/flaky': [500], '/down': [500, 500, 500, 500] });
    backend = await startLocalBackend({
      home,
      port: 0,
      env: {
        DOCUSNAP_WORKER_CONCURRENCY: '2',
        // This suite checks deliveries, not reading: a fixed page of text, no tesseract start-up.
        DOCUSNAP_OCR: 'simulated',
        DOCUSNAP_LLM: 'rules',
        DOCUSNAP_FAULTS: '',
        // Three attempts, a second apart, instead of seven over hours.
        DOCUSNAP_WEBHOOK_RETRY_DELAYS_S: '1,1',
      },
      log: () => {},
    });
    alice = new DocuSnapClient(backend.url, await backend.token('alice'));
  });
  afterAll(async () => {
    await backend?.stop();
    await receiver?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const register = (url: string) =>
    alice.call<{ webhookId: string; secret: string; events: string[] }>('POST', '/v1/webhooks', { url });
  /** The recorded end of the task's delivery to the webhook, once there is one. */
  const recorded = (webhookId: string, taskId: string) => {
    const store = new DynamoDbWebhookStore(createDocumentClient(), backend.env.DOCUSNAP_TABLE as string, 7);
    return eventually(async () => {
      const records = (await store.listDeliveries('alice', webhookId, 5)).filter(
        (record) => record.taskId === taskId,
      );
      return records.length > 0 ? records : undefined;
    });
  };
  const submitDocument = () =>
    submit(alice, '/v1/tasks/document', { images: [{ data: fixtureBase64('invoice.png') }] });

  it('delivers a signed task.completed, and the same event again after the receiver answered 500', async () => {
    const { webhookId, secret, events } = await register(receiver.url('/flaky'));
    expect(events).toEqual(['task.completed', 'task.failed']);
    const { taskId } = await submitDocument();
    // One long poll answers once the task is done (the CLI waits the same way).
    let view = await alice.call<TaskView>('GET', `/v1/tasks/${taskId}?waitSeconds=20`);
    while (view.status !== 'completed' && view.status !== 'error') {
      view = await alice.call<TaskView>('GET', `/v1/tasks/${taskId}?waitSeconds=20`);
    }
    expect(view.status).toBe('completed');

    const [first, second] = await eventually(() => {
      const requests = receiver.received('/flaky');
      return requests.length >= 2 ? requests : undefined;
    });
    const verifier = new Webhook(secret);
    for (const delivery of [first, second]) {
      const payload = verifier.verify(delivery?.body ?? '', delivery?.headers as Record<string, string>);
      expect(payload).toEqual({ type: 'task.completed', timestamp: view.completedAt, data: view });
    }
    expect(first?.headers['webhook-id']).toMatch(/^msg_/);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(await recorded(webhookId, taskId)).toEqual([
      expect.objectContaining({ taskId, outcome: 'delivered', attempts: 2, lastResult: 'HTTP 204' }),
    ]);
  });

  it('gives a delivery up after the last attempt and records it', async () => {
    const { webhookId } = await register(receiver.url('/down'));
    const { taskId } = await submitDocument();
    expect(await recorded(webhookId, taskId)).toEqual([
      expect.objectContaining({ taskId, outcome: 'given_up', attempts: 3, lastResult: 'HTTP 500' }),
    ]);
    const attempts = receiver.received('/down').filter((request) => request.body.includes(taskId));
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('refuses internal addresses at registration, over the API', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/hook',
      'http://[::ffff:a9fe:a9fe]/',
    ]) {
      const refused = await register(url).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiCallError);
      expect((refused as ApiCallError).status).toBe(400);
      expect((refused as ApiCallError).body).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
    }
  });
});
