/**
 * What the local runtime's console routes answer (rows `consolePage`… of the route table's LOCAL_ROUTES):
 * the page's files built from console/, `config.json` ("this origin, local sign-in"), and the token that
 * signs the page in as `dev`. None of this is deployed: a deployment serves the same page from
 * S3 + CloudFront and signs in with Cognito (lib/console-site.ts).
 */
import { buildConsole, type ConsoleFiles } from '../../console/build';
import { CONFIG_FILE, type ConsoleConfig, LOCAL_CONSOLE_USER } from '../../console/src/config';

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

/** An API Gateway (payload 2.0) structured result. */
export interface RouteAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const json = (statusCode: number, body: unknown): RouteAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});
const refusal = (statusCode: number, code: string, message: string) =>
  json(statusCode, { error: { code, message } });

let built: Promise<ConsoleFiles> | undefined;
/** Built once per process on first request; a failed build (a file mid-edit) is tried again next time. */
function files(): Promise<ConsoleFiles> {
  built ??= buildConsole();
  built.catch(() => {
    built = undefined;
  });
  return built;
}

/** `GET /`, `/app.js`, `/app.css`, `/config.json`. */
export async function pageAnswer(rawPath: string): Promise<RouteAnswer> {
  if (rawPath === `/${CONFIG_FILE}`) return json(200, LOCAL_CONFIG);
  const file = (await files()).get(rawPath === '/' ? 'index.html' : rawPath.slice(1));
  if (!file) return refusal(404, 'NOT_FOUND', `no console file ${rawPath}`);
  return { statusCode: 200, headers: { 'content-type': file.contentType, ...PAGE_HEADERS }, body: file.body };
}

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

/**
 * A token goes only to the console page of this very runtime: the Host must name this machine's loopback
 * (another name that resolves here is DNS rebinding), and a browser's Origin / Sec-Fetch-Site must say the
 * request comes from that same origin, not from another site the developer has open.
 */
export function isOwnPage(headers: Record<string, string | undefined>): boolean {
  const host = (headers.host ?? '').toLowerCase();
  if (!LOOPBACK_HOST.test(host)) return false;
  if (headers.origin !== undefined && headers.origin.toLowerCase() !== `http://${host}`) return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin';
}

/** `POST /local/console-token`; refused anywhere but the local runtime. */
export async function tokenAnswer(
  headers: Record<string, string | undefined>,
  issueToken: ((user: string, ttlSeconds: number) => Promise<string>) | undefined,
): Promise<RouteAnswer> {
  if (!issueToken) return refusal(404, 'NOT_FOUND', 'console tokens exist only on the local runtime');
  if (!isOwnPage(headers)) {
    return refusal(403, 'FORBIDDEN', 'console tokens are issued only to this runtime’s own page');
  }
  const expiresAt = new Date(Date.now() + CONSOLE_TOKEN_TTL_SECONDS * 1000).toISOString();
  const token = await issueToken(LOCAL_CONSOLE_USER, CONSOLE_TOKEN_TTL_SECONDS);
  return json(200, { token, user: LOCAL_CONSOLE_USER, expiresAt });
}
