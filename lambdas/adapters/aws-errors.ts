import { DependencyThrottledError, DependencyUnavailableError } from '../core/errors';

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

const UNAVAILABLE_NAMES = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

/**
 * Rethrows an AWS SDK error as what the API reports: throttling → DependencyThrottledError (429 THROTTLED),
 * a 5xx, timeout or network failure → DependencyUnavailableError (503 UNAVAILABLE); anything else unchanged.
 * The SDK has already retried by the time an error gets here, so this only classifies.
 */
export function rethrowAwsError(dependency: string, error: unknown): never {
  if (typeof error !== 'object' || error === null) throw error;
  const { name, code, $metadata, $retryable } = error as SdkErrorShape;
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : undefined;
  if (
    (typeof name === 'string' && THROTTLING_NAMES.has(name)) ||
    $retryable?.throttling === true ||
    status === 429
  ) {
    throw new DependencyThrottledError(dependency, { cause: error });
  }
  if (
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    (status !== undefined && status >= 500)
  ) {
    throw new DependencyUnavailableError(dependency, { cause: error });
  }
  throw error;
}

/** A DynamoDB conditional write refused; by name, so a second SDK copy in a bundle cannot defeat instanceof. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
