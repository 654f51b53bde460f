import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../lambdas/core/shared-facts';
import { issueLocalToken, LOCAL_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../local/auth';
import { type HttpApi, startHttpApi } from '../../local/http-api';
import { ensureLocalKeys } from '../../local/keys';
import type { Route } from '../../local/routes';

// Stand-in handler modules: they report the event they got, so the test sees what a real handler would.
const seen: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];
const echo = async (event: APIGatewayProxyEventV2WithJWTAuthorizer) => {
  seen.push(event);
  return {
    statusCode: 202,
    headers: { 'Content-Type': 'application/json', Location: '/v1/tasks/abc' },
    body: JSON.stringify({ ok: true }),
  };
};
const routes: Route[] = [
  {
    method: 'GET',
    path: '/v1/health',
    authenticated: false,
    load: async () => ({ handler: async () => ({ status: 'ok' }) }),
  },
  { method: 'POST', path: '/v1/tasks/document', authenticated: true, load: async () => ({ handler: echo }) },
  { method: 'GET', path: '/v1/tasks/{taskId}', authenticated: true, load: async () => ({ handler: echo }) },
  { method: 'GET', path: '/v1/tasks', authenticated: true, load: async () => ({ handler: echo }) },
  {
    method: 'POST',
    path: '/v1/boom',
    authenticated: false,
    load: async () => ({
      handler: async () => {
        throw new Error('secret internals');
      },
    }),
  },
];

const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('local HTTP API (local API Gateway)', () => {
  let home: string;
  let secret: Uint8Array;
  let door: HttpApi;
  let token: string;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-door-'));
    secret = (await ensureLocalKeys(home)).tokenSecret;
    door = await startHttpApi({ routes, tokenSecret: secret, host: '127.0.0.1', port: 0, log: () => {} });
    token = await issueLocalToken(secret, 'alice');
  });
  afterAll(async () => {
    await door?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const lastEvent = () => seen[seen.length - 1] as APIGatewayProxyEventV2WithJWTAuthorizer;

  it('hands an authenticated request to the handler as an API Gateway v2 event with the JWT claims', async () => {
    const response = await fetch(`${door.url}/v1/tasks/document?limit=5&tag=a&tag=b`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'X-Trace': 'T1' },
      body: JSON.stringify({ images: [] }),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/v1/tasks/abc');
    expect(await response.json()).toEqual({ ok: true });

    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /v1/tasks/document',
      rawPath: '/v1/tasks/document',
      rawQueryString: 'limit=5&tag=a&tag=b',
      queryStringParameters: { limit: '5', tag: 'a,b' },
      isBase64Encoded: false,
      body: '{"images":[]}',
      requestContext: { http: { method: 'POST', path: '/v1/tasks/document' }, stage: '$default' },
    });
    expect(event.headers['x-trace']).toBe('T1');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.requestContext.authorizer.jwt.claims.sub).toBe('alice');
    expect(event.requestContext.authorizer.jwt.claims.iss).toBe(LOCAL_TOKEN_ISSUER);
  });

  it('decodes path parameters and base64-encodes a binary body', async () => {
    await fetch(`${door.url}/v1/tasks/task%201`, { headers: { authorization: `Bearer ${token}` } });
    expect(lastEvent()).toMatchObject({
      routeKey: 'GET /v1/tasks/{taskId}',
      pathParameters: { taskId: 'task 1' },
      rawQueryString: '',
    });
    expect(lastEvent().body).toBeUndefined();

    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    await fetch(`${door.url}/v1/tasks/document`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: bytes,
    });
    expect(lastEvent().isBase64Encoded).toBe(true);
    expect(Buffer.from(lastEvent().body as string, 'base64')).toEqual(bytes);
  });

  it('serves an unauthenticated route and turns a plain object result into a 200 JSON body', async () => {
    const response = await fetch(`${door.url}/v1/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['no token', async () => undefined],
    ['a token signed with another key', async () => issueLocalToken(new Uint8Array(32).fill(7), 'alice')],
    [
      'an unsigned alg:none token',
      async () =>
        new UnsecuredJWT({ sub: 'alice' })
          .setIssuer(LOCAL_TOKEN_ISSUER)
          .setAudience(LOCAL_TOKEN_AUDIENCE)
          .encode(),
    ],
    ['an expired token', async () => issueLocalToken(secret, 'alice', -60)],
    [
      'a token for another audience',
      async () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setIssuer(LOCAL_TOKEN_ISSUER)
          .setAudience('someone-else')
          .setExpirationTime('1h')
          .sign(secret),
    ],
  ])('answers 401 UNAUTHORIZED for %s without calling the handler', async (_, makeToken) => {
    const before = seen.length;
    const badToken = await makeToken();
    const response = await fetch(`${door.url}/v1/tasks`, {
      headers: badToken ? { authorization: `Bearer ${badToken}` } : {},
    });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('UNAUTHORIZED');
    expect(seen.length).toBe(before);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 6 MiB', async () => {
    const before = seen.length;
    const response = await fetch(`${door.url}/v1/tasks/document`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: `"${'a'.repeat(MAX_REQUEST_BODY_BYTES)}"`,
    });
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('PAYLOAD_TOO_LARGE');
    expect(seen.length).toBe(before);
  });

  it('answers a JSON 404 for an unknown route or method', async () => {
    for (const [method, route] of [
      ['GET', '/nope'],
      ['DELETE', '/v1/tasks'],
      ['GET', '/v1/tasks/a/b'],
    ] as const) {
      const response = await fetch(`${door.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(404);
      expect(await errorCode(response)).toBe('NOT_FOUND');
    }
  });

  it('answers 500 INTERNAL_ERROR without internals when a handler throws', async () => {
    const response = await fetch(`${door.url}/v1/boom`, { method: 'POST' });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('INTERNAL_ERROR');
    expect(text).not.toContain('secret internals');
  });
});
