/**
 * The web console on the local runtime (DESIGN §3.4): `GET /` and its two files, built from console/ on
 * first request; `config.json` saying "this origin, local sign-in"; and the local-only token route that
 * signs the page in as `dev`. None of this exists in the deployed API: a deployment serves the same
 * page from S3 + CloudFront with a Cognito sign-in (lib/console-site.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { buildConsole, type ConsoleFiles } from '../console/build';
import { CONFIG_FILE, type ConsoleConfig, LOCAL_CONSOLE_USER, LOCAL_TOKEN_PATH } from '../console/src/config';
import type { HttpResponse } from './api-gateway-event';

/** Long enough for a working day; the page asks again after a 401. */
export const CONSOLE_TOKEN_TTL_SECONDS = 12 * 3600;

const LOCAL_CONFIG: ConsoleConfig = { apiUrl: '', auth: { kind: 'local' } };

/**
 * The page may talk to this origin and, for presigned uploads, to the S3 emulator on another local
 * port; it loads nothing from anywhere else.
 */
export const LOCAL_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self' http://127.0.0.1:*",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': LOCAL_CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface ConsoleRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The port the local HTTP API listens on, to tell its own origin from others. */
  port: number;
}

export interface LocalConsole {
  /** The answer for a console path, or undefined when the path is not the console's. */
  respond(request: ConsoleRequest): Promise<HttpResponse | undefined>;
}

const answer = (
  statusCode: number,
  headers: Record<string, string>,
  body: string | Buffer,
): HttpResponse => ({
  statusCode,
  headers,
  cookies: [],
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

const refusal = (statusCode: number, code: string, message: string) =>
  answer(statusCode, { 'content-type': 'application/json' }, JSON.stringify({ error: { code, message } }));

/**
 * A token goes only to the console page of this very runtime: the Host must name this machine's loopback
 * (another name resolving here is DNS rebinding), and a browser's Origin / Sec-Fetch-Site must say the
 * request comes from that same origin, not from another site the developer has open.
 */
export function isOwnOrigin(headers: IncomingHttpHeaders, port: number): boolean {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!own.includes(String(headers.host ?? '').toLowerCase())) return false;
  const origin = headers.origin;
  if (origin !== undefined && !own.map((host) => `http://${host}`).includes(origin.toLowerCase()))
    return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}

export function localConsole(options: {
  issueToken: (user: string, ttlSeconds: number) => Promise<string>;
}): LocalConsole {
  let built: Promise<ConsoleFiles> | undefined;
  const files = () => {
    built ??= buildConsole();
    // A failed build (a syntax error mid-edit) is retried on the next request rather than kept.
    built.catch(() => {
      built = undefined;
    });
    return built;
  };

  return {
    async respond({ method, path, headers, port }) {
      if (path === LOCAL_TOKEN_PATH) {
        if (method !== 'POST') return refusal(405, 'METHOD_NOT_ALLOWED', `use POST ${LOCAL_TOKEN_PATH}`);
        if (!isOwnOrigin(headers, port)) {
          return refusal(403, 'FORBIDDEN', 'console tokens are issued only to this runtime’s own page');
        }
        const expiresAt = new Date(Date.now() + CONSOLE_TOKEN_TTL_SECONDS * 1000).toISOString();
        const token = await options.issueToken(LOCAL_CONSOLE_USER, CONSOLE_TOKEN_TTL_SECONDS);
        return answer(
          200,
          { 'content-type': 'application/json', 'cache-control': 'no-store' },
          JSON.stringify({ token, user: LOCAL_CONSOLE_USER, expiresAt }),
        );
      }
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      if (path === `/${CONFIG_FILE}`) {
        return answer(
          200,
          { 'content-type': 'application/json', 'cache-control': 'no-store' },
          JSON.stringify(LOCAL_CONFIG),
        );
      }
      const name = path === '/' ? 'index.html' : path.slice(1);
      if (!['index.html', 'app.js', 'app.css'].includes(name)) return undefined;
      const file = (await files()).get(name);
      if (!file) return undefined;
      return answer(200, { 'content-type': file.contentType, ...PAGE_HEADERS }, file.body);
    },
  };
}
