import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIPv6 } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../core/ports';
import {
  checkDestination,
  type DestinationPolicy,
  DestinationRefused,
  type HostResolver,
  parseDestinationUrl,
} from '../core/webhooks/destination';
import { DELIVERY_TIMEOUT_MS } from '../core/webhooks/webhook';
import { resolveHost } from './dns-host-resolver';

export interface HttpWebhookSenderOptions {
  policy: DestinationPolicy;
  /** @default the system resolver */
  resolve?: HostResolver;
  /** @default 10 s (Standard Webhooks) */
  timeoutMs?: number;
}

/**
 * Posts a delivery signed by the `standardwebhooks` library. The URL's host is resolved and every address
 * checked right before the request, and the connection goes to the address that was checked (the socket's
 * lookup is pinned to it), so a second DNS answer cannot swap in an internal address. Redirects are not
 * followed (a 3xx is a failed attempt); the response body is never read.
 */
export class HttpWebhookSender implements WebhookSender {
  private readonly resolve: HostResolver;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpWebhookSenderOptions) {
    this.resolve = options.resolve ?? resolveHost;
    this.timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    let url: URL;
    let address: string;
    try {
      url = parseDestinationUrl(request.url, this.options.policy);
      [address = ''] = await checkDestination(url, this.options.policy, this.resolve);
    } catch (error) {
      if (error instanceof DestinationRefused) return { ok: false, result: `refused: ${error.reason}` };
      throw error;
    }
    const sentAt = new Date();
    const signature = new Webhook(request.secret).sign(request.deliveryId, sentAt, request.body);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
      'user-agent': 'DocuSnap-Webhooks/1',
      'webhook-id': request.deliveryId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signature,
    };
    return this.post(url, address, headers, request.body);
  }

  private post(
    url: URL,
    address: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<WebhookResponse> {
    const family = isIPv6(address) ? 6 : 4;
    // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily); answer with the checked one.
    const pinned = ((_hostname, options, callback) => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    }) as LookupFunction;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (response: WebhookResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(response);
      };
      const outgoing = client.request(
        url,
        { method: 'POST', headers, lookup: pinned, agent: false },
        (incoming) => {
          const status = incoming.statusCode ?? 0;
          // Only the status matters: drop the connection instead of reading whatever the receiver sends.
          incoming.destroy();
          outgoing.destroy();
          settle(
            status >= 200 && status < 300 ? { ok: true, status } : { ok: false, result: `HTTP ${status}` },
          );
        },
      );
      const timer = setTimeout(() => {
        settle({ ok: false, result: `no answer within ${this.timeoutMs / 1000} s` });
        outgoing.destroy();
      }, this.timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        settle({ ok: false, result: `connection failed: ${error.code ?? error.message}` }),
      );
      outgoing.end(body);
    });
  }
}
