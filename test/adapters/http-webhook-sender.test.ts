import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpWebhookSender } from '../../lambdas/adapters/http-webhook-sender';
import {
  AWS_DESTINATIONS,
  type HostResolver,
  LOCAL_DESTINATIONS,
} from '../../lambdas/core/webhooks/destination';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback: it records each request and answers with `reply`'s status (none: it hangs). */
let server: Server;
let port: number;
let received: Received[];
let reply: { status?: number; location?: string; body?: string };
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      if (reply.status === undefined) return;
      response.writeHead(reply.status, reply.location ? { location: reply.location } : {});
      response.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  reply = { status: 204 };
});

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({
  type: 'task.completed',
  timestamp: '2026-01-01T00:00:00.000Z',
  data: { taskId: 't1' },
});
const request = (url: string) => ({ url, deliveryId: 'msg_abc', body, secret });

describe('HttpWebhookSender', () => {
  it('posts a delivery the receiver verifies with the standardwebhooks library', async () => {
    const sender = new HttpWebhookSender({ policy: LOCAL_DESTINATIONS });
    expect(await sender.send(request(`http://127.0.0.1:${port}/hook`))).toEqual({ ok: true, status: 204 });
    const [delivery] = received;
    expect(delivery?.body).toBe(body);
    expect(delivery?.headers).toMatchObject({ 'webhook-id': 'msg_abc', 'content-type': 'application/json' });
    const verified = new Webhook(secret).verify(
      delivery?.body ?? '',
      delivery?.headers as Record<string, string>,
    );
    expect(verified).toEqual(JSON.parse(body));
    expect(() =>
      new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(
        delivery?.body ?? '',
        delivery?.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('connects to the address it checked, whatever the name resolves to later (no DNS rebinding)', async () => {
    let lookups = 0;
    // First answer loopback (allowed locally), then the metadata address: only the first is ever used.
    const rebinding: HostResolver = async () => (lookups++ === 0 ? ['127.0.0.1'] : ['169.254.169.254']);
    const sender = new HttpWebhookSender({ policy: LOCAL_DESTINATIONS, resolve: rebinding });
    expect(await sender.send(request(`http://hooks.test:${port}/hook`))).toEqual({ ok: true, status: 204 });
    expect(lookups).toBe(1);
    expect(received[0]?.headers.host).toBe(`hooks.test:${port}`);
    // The next delivery resolves again, gets the metadata address, and is refused before connecting.
    expect(await sender.send(request(`http://hooks.test:${port}/hook`))).toEqual({
      ok: false,
      result: 'refused: the host is not a public address',
    });
    expect(received).toHaveLength(1);
  });

  it('refuses loopback on AWS and a name resolving to the metadata address, sending nothing', async () => {
    const onAws = new HttpWebhookSender({
      policy: AWS_DESTINATIONS,
      resolve: async () => ['169.254.169.254'],
    });
    expect(await onAws.send(request(`https://127.0.0.1:${port}/hook`))).toEqual({
      ok: false,
      result: 'refused: the host is not a public address',
    });
    expect(await onAws.send(request('https://metadata.test/latest'))).toEqual({
      ok: false,
      result: 'refused: the host is not a public address',
    });
    expect(received).toEqual([]);
  });

  it('counts a non-2xx answer as a failure and does not follow a redirect', async () => {
    const sender = new HttpWebhookSender({ policy: LOCAL_DESTINATIONS });
    reply = { status: 500, body: 'x'.repeat(100_000) };
    expect(await sender.send(request(`http://127.0.0.1:${port}/hook`))).toEqual({
      ok: false,
      result: 'HTTP 500',
    });
    reply = { status: 307, location: `http://127.0.0.1:${port}/elsewhere` };
    expect(await sender.send(request(`http://127.0.0.1:${port}/hook`))).toEqual({
      ok: false,
      result: 'HTTP 307',
    });
    expect(received).toHaveLength(2);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const sender = new HttpWebhookSender({ policy: LOCAL_DESTINATIONS, timeoutMs: 200 });
    reply = {};
    expect(await sender.send(request(`http://127.0.0.1:${port}/hook`))).toEqual({
      ok: false,
      result: 'no answer within 0.2 s',
    });
  });

  it('reports a refused connection as a failed attempt', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sender = new HttpWebhookSender({ policy: LOCAL_DESTINATIONS });
    expect(await sender.send(request(`http://127.0.0.1:${closedPort}/hook`))).toEqual({
      ok: false,
      result: 'connection failed: ECONNREFUSED',
    });
  });
});
