import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tokenAnswer } from '../../local/console/routes';
import { type HttpApi, startHttpApi } from '../../local/http-api';
import { ensureLocalKeys } from '../../local/keys';
import { localRoutes, type Route } from '../../local/routes';

const stubTasks: Route[] = [
  {
    method: 'GET',
    path: '/v1/tasks',
    authenticated: true,
    load: async () => ({
      handler: async (event: { requestContext: { authorizer: { jwt: { claims: { sub: string } } } } }) => ({
        statusCode: 200,
        body: JSON.stringify({ owner: event.requestContext.authorizer.jwt.claims.sub }),
      }),
    }),
  },
];

/** A raw request, so the test controls Host, Origin and Sec-Fetch-Site as a browser (or an attacker) would. */
function send(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web console on the local runtime', () => {
  let home: string;
  let door: HttpApi;
  let port: string;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-console-door-'));
    // As the local backend sets it: the token route signs with the keys under this home.
    process.env.DOCUSNAP_HOME = home;
    const secret = (await ensureLocalKeys(home)).tokenSecret;
    const consoleRoutes = localRoutes({ compat: false }).filter((route) => !route.path.startsWith('/v1'));
    door = await startHttpApi({
      routes: [...stubTasks, ...consoleRoutes],
      tokenSecret: secret,
      host: '127.0.0.1',
      port: 0,
      log: () => {},
    });
    port = new URL(door.url).port;
  });
  afterAll(async () => {
    await door?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('serves the page at / with a strict CSP, loading nothing from elsewhere', async () => {
    const page = await send(`${door.url}/`, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>DocuSnap</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Every script, style and image the page names is one of its own files.
    const references = [...page.body.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    expect(references.filter((ref) => /^(https?:)?\/\//.test(ref as string))).toEqual([]);

    const script = await send(`${door.url}/app.js`, 'GET');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain('DocuSnap');
    expect((await send(`${door.url}/app.css`, 'GET')).headers['content-type']).toContain('text/css');
    const config = await send(`${door.url}/config.json`, 'GET');
    expect(JSON.parse(config.body)).toEqual({ apiUrl: '', auth: { kind: 'local' } });
    // Anything else still goes to the API router.
    expect((await send(`${door.url}/nope.js`, 'GET')).status).toBe(404);
  });

  it('signs its own page in as dev with a token the API accepts', async () => {
    const issued = await send(`${door.url}/local/console-token`, 'POST', {
      origin: `http://127.0.0.1:${port}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(issued.status).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    const { token, user, expiresAt } = JSON.parse(issued.body);
    expect(user).toBe('dev');
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const tasks = await send(`${door.url}/v1/tasks`, 'GET', { authorization: `Bearer ${token}` });
    expect(JSON.parse(tasks.body)).toEqual({ owner: 'dev' });
  });

  it('gives no token to another site, a rebound host name or a GET', async () => {
    const tokenUrl = `${door.url}/local/console-token`;
    const refused = [
      await send(tokenUrl, 'POST', { origin: 'https://evil.example' }),
      await send(tokenUrl, 'POST', { 'sec-fetch-site': 'cross-site' }),
      await send(tokenUrl, 'POST', { 'sec-fetch-site': 'same-site' }),
      // DNS rebinding: a name of the attacker's that resolves to 127.0.0.1 reaches this port.
      await send(tokenUrl, 'POST', { host: `evil.example:${port}` }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.body).not.toContain('token"');
      expect(JSON.parse(answer.body).error.code).toBe('FORBIDDEN');
    }
    // Only POST is routed: a GET (an <img> or a link on another page) reaches nothing.
    expect((await send(tokenUrl, 'GET')).status).toBe(404);
  });

  it('refuses to issue tokens anywhere but the local runtime (in Lambda it has no signer)', async () => {
    const answer = await tokenAnswer({ host: '127.0.0.1:3000' }, undefined);
    expect(answer.statusCode).toBe(404);
    vi.resetModules();
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'docusnap-console-token');
    try {
      const { handler } = await import('../../local/console/token');
      const inLambda = await handler({ headers: { host: '127.0.0.1:3000' } } as never);
      expect(inLambda.statusCode).toBe(404);
      expect(inLambda.body).not.toContain('"token"');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
