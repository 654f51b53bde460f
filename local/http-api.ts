import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_REQUEST_BODY_BYTES } from '../lambdas/core/shared-facts';
import { type ApiEnvironments, apiOnThisThread } from './api-environments';
import { fromHandlerResult, type HttpResponse, toApiGatewayEvent } from './api-gateway-event';
import { bearerToken, verifyLocalToken } from './auth';
import { matchRoute, type Route } from './routes';

/** API Gateway's integration timeout. */
const API_HANDLER_TIMEOUT_MS = 30_000;

export interface HttpApiOptions {
  routes: readonly Route[];
  tokenSecret: Uint8Array;
  host: string;
  port: number;
  /** Where the handlers run (`startApiThreads`; the caller stops them). @default this thread (`apiOnThisThread`) */
  environments?: ApiEnvironments;
  log?: (message: string) => void;
}

export interface HttpApi {
  url: string;
  stop(): Promise<void>;
}

function errorResponse(statusCode: number, code: string, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ error: { code, message } })),
  };
}

/** The body, or undefined once it passes the limit (the rest is read and dropped so the client sees the 413). */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_REQUEST_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

function writeResponse(response: ServerResponse, result: HttpResponse): void {
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  headers['content-length'] = String(result.body.length);
  response.writeHead(result.statusCode, headers);
  response.end(result.body);
}

/** The local stand-in for API Gateway: HTTP requests in, payload 2.0 events to the same handler modules. */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const log = options.log ?? ((message: string) => console.error(message));
  const environments = options.environments ?? apiOnThisThread(options.routes);

  const respond = async (request: IncomingMessage): Promise<HttpResponse> => {
    const body = await readBody(request);
    if (!body) {
      return errorResponse(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes`);
    }
    const url = request.url ?? '/';
    const method = request.method ?? 'GET';
    const match = matchRoute(options.routes, method, url.split('?')[0] as string);
    if (!match) return errorResponse(404, 'NOT_FOUND', `no route for ${method} ${url.split('?')[0]}`);

    let claims: Record<string, unknown> | undefined;
    if (match.route.authenticated) {
      const token = bearerToken(request.headers.authorization);
      claims = token ? await verifyLocalToken(options.tokenSecret, token) : undefined;
      if (!claims) return errorResponse(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    }

    const event = toApiGatewayEvent(
      { method, url, headers: request.headers, body, sourceIp: request.socket.remoteAddress ?? '127.0.0.1' },
      match,
      claims,
    );
    const functionName = `docusnap-api${match.route.path.replace(/[^\w]+/g, '-')}`;
    const routeIndex = options.routes.indexOf(match.route);
    return fromHandlerResult(
      await environments.invoke(routeIndex, event, functionName, API_HANDLER_TIMEOUT_MS),
    );
  };

  const server: Server = createServer((request, response) => {
    respond(request)
      .catch((error: unknown) => {
        log(`[api] ${request.method} ${request.url} failed: ${error instanceof Error ? error.stack : error}`);
        return errorResponse(500, 'INTERNAL_ERROR', 'internal error');
      })
      .then((result) => writeResponse(response, result));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
