/**
 * The HTTP layer every API handler shares: body decoding and limits, JSON and schema validation, the
 * caller's identity, and the one mapping from errors to `{"error":{code,message,details?}}` responses.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type * as z from 'zod';
import {
  ApiError,
  type ApiErrorCode,
  DependencyThrottledError,
  DependencyUnavailableError,
  ValidationError,
} from '../../core/errors';
import { IDEMPOTENCY_KEY_MAX } from '../../core/schemas/tasks';
import { MAX_REQUEST_BODY_BYTES } from '../../core/shared-facts';
import { logger, tracedHandler } from '../powertools';
import { ROUTES } from '../route-table';

const UPLOADS = `${ROUTES.createUpload.method} ${ROUTES.createUpload.path}`;

/** An HTTP API (payload 2.0) event; `authorizer` is absent on routes without the JWT authorizer. */
export type ApiEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }
>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface HttpResponse {
  status: number;
  /** JSON-serialised; omitted for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Wraps a route's operation: every outcome, thrown or returned, becomes an API Gateway response. The
 * operation logs through `log`, correlated by the request id; it appends the task id once it knows one.
 */
export function apiHandler(operation: (event: ApiEvent, log: Logger) => Promise<HttpResponse>) {
  return tracedHandler(async (event: ApiEvent): Promise<ApiResult> => {
    // A logger per request, so keys a route appends never leak into the next request (warm container)
    // or into a concurrent one (the local runtime serves several at once in one process).
    const log = logger.createChild();
    log.setCorrelationId(event.requestContext?.requestId);
    try {
      return toResult(await operation(event, log));
    } catch (error) {
      return toResult(errorResponse(error, log));
    }
  });
}

function toResult(response: HttpResponse): ApiResult {
  if (response.body === undefined) return { statusCode: response.status, headers: { ...response.headers } };
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json', ...response.headers },
    body: JSON.stringify(response.body),
  };
}

const errorBody = (code: ApiErrorCode, message: string, details?: unknown) => ({
  error: { code, message, ...(details !== undefined && { details }) },
});

/** The only place an exception turns into a status code. Unknown errors are logged, never returned. */
export function errorResponse(error: unknown, log: Logger = logger): HttpResponse {
  if (error instanceof ApiError) {
    return { status: error.status, body: errorBody(error.code, error.message, error.details) };
  }
  if (error instanceof DependencyThrottledError) {
    log.warn('dependency throttled', { dependency: error.dependency });
    return {
      status: 429,
      body: errorBody('THROTTLED', 'The service is busy; retry with backoff'),
      headers: { 'retry-after': '1' },
    };
  }
  if (error instanceof DependencyUnavailableError) {
    log.error('dependency unavailable', { dependency: error.dependency, error });
    return {
      status: 503,
      body: errorBody('UNAVAILABLE', 'The service is temporarily unavailable; retry later'),
    };
  }
  log.error('unexpected error', { error });
  return { status: 500, body: errorBody('INTERNAL_ERROR', 'Internal error') };
}

/** The caller: the JWT's `sub`, as the HTTP API's authorizer passed it. */
export function ownerOf(event: ApiEvent): string {
  const sub = event.requestContext?.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new ApiError('UNAUTHORIZED', 'A valid bearer token is required');
  }
  return sub;
}

/** The request body, decoded, within the size limit, parsed as JSON and validated against `schema`. */
export function jsonBody<S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.byteLength > MAX_REQUEST_BODY_BYTES) {
    throw new ApiError(
      'PAYLOAD_TOO_LARGE',
      `The request body is ${bytes.byteLength} bytes; the limit is ${MAX_REQUEST_BODY_BYTES} (send large images through ${UPLOADS})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ApiError('INVALID_JSON', 'The request body is not valid JSON');
  }
  return validate(schema, parsed, 'The request body is invalid');
}

/** Validates `value`; failures become 400 VALIDATION_ERROR listing each failing path and its message. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  message: string,
  prefix?: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.') || '(body)',
    message: issue.message,
  }));
  throw new ValidationError(message, details);
}

function header(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return found?.[1];
}

/** The optional `Idempotency-Key` header, 1..128 characters. */
export function idempotencyKeyOf(event: ApiEvent): string | undefined {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX) {
    throw new ValidationError('The Idempotency-Key header is invalid', [
      { path: 'headers.Idempotency-Key', message: `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters` },
    ]);
  }
  return key;
}

/** A path parameter; the route guarantees it, so a missing one reads as empty (and matches nothing). */
export function pathParameter(event: ApiEvent, name: string): string {
  return event.pathParameters?.[name] ?? '';
}
