import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { RouteMatch } from './routes';

export const LOCAL_ACCOUNT_ID = '000000000000';
const LOCAL_API_ID = 'local';

export interface IncomingApiRequest {
  method: string;
  /** Path and query as received, e.g. a list route's path with `?limit=5`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

/** Payload format 2.0 gives a handler the body as text only for textual media types; anything else is base64. */
function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|javascript))/i.test(
    contentType,
  );
}

/** Headers as API Gateway passes them: names lower-cased, repeated values joined with commas, no cookies. */
function eventHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'cookie') continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return result;
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const result: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    result[name] = name in result ? `${result[name]},${value}` : value;
  }
  return result;
}

/** Claims as the HTTP API JWT authorizer forwards them: strings, numbers and booleans as given. */
function authorizerClaims(
  claims: Record<string, unknown>,
): Record<string, string | number | boolean | string[]> {
  const result: Record<string, string | number | boolean | string[]> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      result[name] = value;
    else if (Array.isArray(value)) result[name] = value.map(String);
    else if (value !== null && value !== undefined) result[name] = JSON.stringify(value);
  }
  return result;
}

/**
 * The API Gateway HTTP API (payload format 2.0) event for a request, with the JWT claims where the
 * authorizer puts them (`requestContext.authorizer.jwt.claims`) when the route is authenticated.
 */
export function toApiGatewayEvent(
  request: IncomingApiRequest,
  match: RouteMatch,
  claims?: Record<string, unknown>,
):
  | APIGatewayProxyEventV2WithJWTAuthorizer
  | APIGatewayProxyEventV2WithRequestContext<APIGatewayEventRequestContextV2> {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);
  const headers = eventHeaders(request.headers);
  const cookieHeader = request.headers.cookie;
  const cookies = cookieHeader ? cookieHeader.split(/;\s*/).filter(Boolean) : undefined;
  const now = new Date();
  const textual = isTextual(headers['content-type']);
  const hasBody = request.body.length > 0;

  const requestContext: APIGatewayEventRequestContextV2 = {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: LOCAL_API_ID,
    domainName: headers.host ?? '127.0.0.1',
    domainPrefix: (headers.host ?? '127').split('.')[0] as string,
    http: {
      method: request.method,
      path: rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: randomUUID(),
    routeKey: match.routeKey,
    stage: '$default',
    time: now.toISOString(),
    timeEpoch: now.getTime(),
  };

  const event = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    cookies,
    headers,
    queryStringParameters: queryParameters(rawQueryString),
    pathParameters: match.pathParameters,
    requestContext,
    body: hasBody ? request.body.toString(textual ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: hasBody && !textual,
  };
  if (!claims) return event;
  return {
    ...event,
    requestContext: {
      ...requestContext,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: authorizerClaims(claims), scopes: null },
      },
    },
  };
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/**
 * What API Gateway sends back for a handler's return value: a structured result as given, anything
 * else (a string, an object) as a 200 JSON body, exactly as payload format 2.0 infers it.
 */
export function fromHandlerResult(result: unknown): HttpResponse {
  const structured = result as APIGatewayProxyStructuredResultV2 | undefined;
  if (structured && typeof structured === 'object' && typeof structured.statusCode === 'number') {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    const body = structured.body ?? '';
    return {
      statusCode: structured.statusCode,
      headers,
      cookies: structured.cookies ?? [],
      body: Buffer.from(body, structured.isBase64Encoded ? 'base64' : 'utf8'),
    };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body),
  };
}
