import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../../lambdas/adapters/local-key-wrapper';
import { WEBHOOK_SECRET_PURPOSE } from '../../../lambdas/core/ports';
import { AWS_DESTINATIONS, type HostResolver } from '../../../lambdas/core/webhooks/destination';
import { handler as createWebhook } from '../../../lambdas/handlers/api/create-webhook';
import { handler as deleteWebhook } from '../../../lambdas/handlers/api/delete-webhook';
import { handler as listWebhooks } from '../../../lambdas/handlers/api/list-webhooks';
import {
  useWebhookDependencies,
  type WebhookDependencies,
} from '../../../lambdas/handlers/api/webhook-dependencies';
import { apiEvent } from '../../support/events';
import { ManualClock, MemoryWebhookStore, SequentialIds } from '../../support/memory-ports';

const PUBLIC = '93.184.215.14';
// hooks.example.com is public; rebind.example.com answers with the metadata address.
const resolveHost: HostResolver = async (hostname) => {
  if (hostname === 'hooks.example.com') return [PUBLIC];
  if (hostname === 'rebind.example.com') return ['169.254.169.254'];
  throw new Error('ENOTFOUND');
};

let store: MemoryWebhookStore;
let secrets: LocalKeyWrapper;
beforeEach(() => {
  store = new MemoryWebhookStore();
  secrets = new LocalKeyWrapper(randomBytes(32), WEBHOOK_SECRET_PURPOSE);
  const deps: WebhookDependencies = {
    webhooks: store,
    webhookSecrets: secrets,
    resolveHost,
    destinations: AWS_DESTINATIONS,
    clock: new ManualClock(),
    ids: new SequentialIds('wh-'),
  };
  useWebhookDependencies(deps);
});
afterEach(() => useWebhookDependencies(undefined));

const parse = (result: { statusCode?: number; body?: string }) => ({
  status: result.statusCode,
  body: result.body ? JSON.parse(result.body) : undefined,
});
const create = async (body: unknown, sub = 'user-a') =>
  parse(await createWebhook(apiEvent('POST /v1/webhooks', { sub, body })));
const list = async (sub = 'user-a') => parse(await listWebhooks(apiEvent('GET /v1/webhooks', { sub })));
const remove = async (webhookId: string, sub = 'user-a') =>
  parse(
    await deleteWebhook(apiEvent('DELETE /v1/webhooks/{webhookId}', { sub, pathParameters: { webhookId } })),
  );

describe('POST /v1/webhooks', () => {
  it('registers a webhook and shows its whsec_ secret once; the store keeps it only wrapped', async () => {
    const { status, body } = await create({ url: 'https://hooks.example.com/docusnap' });
    expect(status).toBe(201);
    expect(body).toEqual({
      webhookId: 'wh-000001',
      url: 'https://hooks.example.com/docusnap',
      events: ['task.completed', 'task.failed'],
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const key = Buffer.from(body.secret.slice('whsec_'.length), 'base64');
    expect(key).toHaveLength(32);
    const [stored] = store.webhooks.values();
    expect(JSON.stringify(stored)).not.toContain(key.toString('base64'));
    expect(Buffer.from(await secrets.unwrap(stored?.wrappedSecret ?? ''))).toEqual(key);
    expect((await list()).body).toEqual({
      items: [{ webhookId: 'wh-000001', url: body.url, events: body.events, createdAt: body.createdAt }],
    });
  });

  it('subscribes to the events asked for, each once', async () => {
    const { body } = await create({
      url: 'https://hooks.example.com/a',
      events: ['task.failed', 'task.failed'],
    });
    expect(body.events).toEqual(['task.failed']);
  });

  it.each([
    ['http://hooks.example.com/x', 'must be https'],
    ['https://169.254.169.254/latest/meta-data/', 'the host is not a public address'],
    ['https://rebind.example.com/x', 'the host is not a public address'],
    ['https://10.0.0.8/x', 'the host is not a public address'],
    ['https://[::1]/x', 'the host is not a public address'],
    ['https://127.0.0.1/x', 'the host is not a public address'],
    ['https://[::ffff:127.0.0.1]/x', 'the host is not a public address'],
    ['https://nowhere.invalid/x', 'the host does not resolve'],
    ['not a url', 'not an absolute URL'],
  ])('refuses %s with 400 VALIDATION_ERROR (%s) and stores nothing', async (url, reason) => {
    const { status, body } = await create({ url });
    expect(status).toBe(400);
    expect(body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'The webhook URL is not allowed',
      details: [{ path: 'url', message: reason }],
    });
    expect(store.webhooks.size).toBe(0);
  });

  it('refuses unknown events and unknown fields', async () => {
    const unknownEvent = await create({ url: 'https://hooks.example.com/x', events: ['task.started'] });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error.details[0].path).toBe('events.0');
    const extra = await create({ url: 'https://hooks.example.com/x', secret: 'mine' });
    expect(extra.status).toBe(400);
  });

  it('allows at most 10 webhooks per user; another user is unaffected', async () => {
    for (let n = 0; n < 10; n++)
      expect((await create({ url: `https://hooks.example.com/${n}` })).status).toBe(201);
    const eleventh = await create({ url: 'https://hooks.example.com/11' });
    expect(eleventh.status).toBe(400);
    expect(eleventh.body.error).toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'At most 10 webhooks per user',
    });
    expect((await create({ url: 'https://hooks.example.com/b' }, 'user-b')).status).toBe(201);
  });
});

describe('GET and DELETE /v1/webhooks', () => {
  it('lists only the caller’s webhooks, never a secret', async () => {
    await create({ url: 'https://hooks.example.com/a' });
    await create({ url: 'https://hooks.example.com/b' }, 'user-b');
    const mine = await list();
    expect(mine.body.items.map((item: { url: string }) => item.url)).toEqual(['https://hooks.example.com/a']);
    expect(JSON.stringify(mine.body)).not.toContain('whsec_');
  });

  it('deletes the caller’s webhook (204); another user’s or an unknown one is 404 WEBHOOK_NOT_FOUND', async () => {
    const { body } = await create({ url: 'https://hooks.example.com/a' });
    const foreign = await remove(body.webhookId, 'user-b');
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('WEBHOOK_NOT_FOUND');
    expect((await list()).body.items).toHaveLength(1);
    expect((await remove(body.webhookId)).status).toBe(204);
    expect((await list()).body.items).toEqual([]);
    expect((await remove(body.webhookId)).status).toBe(404);
  });

  it('needs a token', async () => {
    const result = parse(await listWebhooks(apiEvent('GET /v1/webhooks', { sub: null })));
    expect(result.status).toBe(401);
  });
});
