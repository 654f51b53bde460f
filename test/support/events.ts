/**
 * Builders of the events Lambda hands our handlers: API Gateway HTTP API (payload 2.0, JWT authorizer) and
 * SQS batches; plus image bytes for requests (real PNGs from pngjs, and bare headers claiming any size).
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, SQSEvent, SQSRecord } from 'aws-lambda';
import { PNG } from 'pngjs';

export interface ApiEventOptions {
  /** JWT `sub`; `null` builds a request that reached the handler without an authorizer. */
  sub?: string | null;
  body?: unknown;
  /** A raw body string, sent as is (e.g. malformed JSON). */
  rawBody?: string;
  base64Body?: boolean;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}

/** `routeKey` like `POST /v1/tasks/document`; the path is the route with path parameters filled in. */
export function apiEvent(
  routeKey: string,
  options: ApiEventOptions = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', route = '/'] = routeKey.split(' ');
  const path = route.replace(/\{(\w+)\}/g, (_match, name: string) => options.pathParameters?.[name] ?? name);
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  let body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && options.base64Body) body = Buffer.from(body).toString('base64');
  const sub = options.sub === undefined ? 'user-a' : options.sub;
  const now = Date.UTC(2026, 0, 1);
  const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString,
    headers: {
      'content-type': 'application/json',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      ...(sub !== null && { authorization: 'Bearer eyJ.test.token' }),
      ...lowerCaseKeys(options.headers ?? {}),
    },
    ...(options.query && { queryStringParameters: options.query }),
    ...(options.pathParameters && { pathParameters: options.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: sub === null ? {} : { sub, iss: 'https://cognito-idp.example', token_use: 'access' },
          scopes: null,
        },
      },
    },
    ...(body !== undefined && { body }),
    isBase64Encoded: Boolean(options.base64Body),
  };
  if (sub === null) {
    // Routes without an authorizer carry no `authorizer` at all.
    delete (event.requestContext as { authorizer?: unknown }).authorizer;
  }
  return event;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  // HTTP APIs lower-case header names in payload 2.0.
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

let messageCounter = 0;

export function sqsRecord(body: string, queue = 'docusnap-normal', receiveCount = 1): SQSRecord {
  messageCounter += 1;
  const messageId = `00000000-0000-4000-8000-${String(messageCounter).padStart(12, '0')}`;
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1767225600000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1767225600001',
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** A real PNG of the given size, each pixel a shade of `seed` (different seeds, different bytes). */
export function pngImage(width = 8, height = 8, seed = 0): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = seed % 256;
    png.data[i + 1] = (i / 4) % 256;
    png.data[i + 2] = 128;
    png.data[i + 3] = 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** Signature and IHDR chunk only: enough for any header reader, claiming whatever size we like. */
export function pngHeader(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'ascii');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.set([8, 6, 0, 0, 0], 24);
  return new Uint8Array(bytes);
}

export const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
