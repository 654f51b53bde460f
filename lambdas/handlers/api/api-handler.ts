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
import {
  ApiError,
  type ApiErrorCode,
  DependencyThrottledError,
  DependencyUnavailableError,
  ValidationError,
} from '../../core/errors';
import { IDEMPOTENCY_KEY_MAX, MAX_REQUEST_BODY_BYTES } from '../../core/shared-facts';
import type * as z from '../../core/zod';
import { logger } from '../powertools';
import { ROUTES } from '../route-table';

/** The HTTP status of each error code of the v1 API (DESIGN §3): the one place they meet. */
export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  INVALID_JSON: 400,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  TASK_NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_IMAGE: 422,
  TOO_MANY_PAGES: 422,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

const UPLOADS = `${ROUTES.createUpload.method} ${ROUTES.createUpload.path}`;

/**
 * What the items of one `GET /v1/tasks` page may take: Lambda's response limit is the same 6 MB for the
 * whole serialised response (body escaped as a JSON string, headers, envelope); 5 MB leaves room for them.
 */
export const MAX_LIST_PAGE_BYTES = 5 * 1000 * 1000;

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
  return async (event: ApiEvent): Promise<ApiResult> => {
    // A logger per request, so keys a route appends never leak into the next request (warm container)
    // or into a concurrent one (the local runtime serves several at once in one process).
    const log = logger.createChild();
    log.setCorrelationId(event.requestContext?.requestId);
    try {
      return toResult(await operation(event, log));
    } catch (error) {
      return toResult(errorResponse(error, log));
    }
  };
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
    return {
      status: API_ERROR_STATUS[error.code],
      body: errorBody(error.code, error.message, error.details),
    };
  }
  if (error instanceof DependencyThrottledError) {
    log.warn('dependency throttled', { dependency: error.dependency });
    return {
      status: API_ERROR_STATUS.THROTTLED,
      body: errorBody('THROTTLED', 'The service is busy; retry with backoff'),
      headers: { 'retry-after': '1' },
    };
  }
  if (error instanceof DependencyUnavailableError) {
    log.error('dependency unavailable', { dependency: error.dependency, error });
    return {
      status: API_ERROR_STATUS.UNAVAILABLE,
      body: errorBody('UNAVAILABLE', 'The service is temporarily unavailable; retry later'),
    };
  }
  log.error('unexpected error', { error });
  return { status: API_ERROR_STATUS.INTERNAL_ERROR, body: errorBody('INTERNAL_ERROR', 'Internal error') };
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
export function jsonBody<S extends z.ZodMiniType>(event: ApiEvent, schema: S): z.infer<S> {
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

/** At most this many failing paths are listed in a VALIDATION_ERROR; the rest are counted. */
export const MAX_VALIDATION_DETAILS = 20;
/** A path or message longer than this is cut (an unknown-keys message would list every key). */
const MAX_DETAIL_CHARS = 200;

const clipped = (text: string) =>
  text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;

/** One failing path of a VALIDATION_ERROR; the last entry may instead count the ones not listed. */
export type ValidationDetail =
  | { path: string; message: string }
  | { path: '(more)'; message: string; count: number };

/**
 * Validates `value`; failures become 400 VALIDATION_ERROR listing the first failing paths with their
 * messages, then how many more there were: the answer stays small whatever the body holds.
 */
export function validate<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  message: string,
  prefix?: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { issues } = result.error;
  const details: ValidationDetail[] = issues.slice(0, MAX_VALIDATION_DETAILS).map((issue) => ({
    path: clipped([...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.') || '(body)'),
    message: clipped(issue.message),
  }));
  const more = issues.length - details.length;
  if (more > 0) details.push({ path: '(more)', message: `${more} more problems not listed`, count: more });
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
