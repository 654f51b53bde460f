/** Error codes of the v1 API (DESIGN §3) and the HTTP status each one maps to: the one place they meet. */
export const API_ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  TASK_NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_IMAGE: 422,
  TOO_MANY_PAGES: 422,
  THROTTLED: 429,
  UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** A failure the API reports to the caller as `{"error":{"code","message","details"?}}`. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERROR_STATUS[code];
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_ERROR', message, details);
  }
}

export class NotFoundError extends ApiError {
  constructor(code: 'TASK_NOT_FOUND' | 'UPLOAD_NOT_FOUND', message: string) {
    super(code, message);
  }
}

/** Error codes a failed task carries in `error.code` (DESIGN §3). */
export const TASK_ERROR_CODES = [
  'INPUT_UNREADABLE',
  'OCR_FAILURE',
  'LLM_FAILURE',
  'INVALID_LLM_OUTPUT',
  'PROCESSING_TIMEOUT',
  'INTERNAL_ERROR',
] as const;

export type TaskErrorCode = (typeof TASK_ERROR_CODES)[number];

/** A permanent failure of a task: the worker records it and the task ends in `error`. */
export class TaskFailure extends Error {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TaskFailure';
  }
}

/**
 * A status change refused because the task is no longer in the expected state (another worker moved it,
 * or it became terminal). Never a silent overwrite.
 */
export class TaskConflictError extends Error {
  constructor(
    readonly taskId: string,
    message: string,
  ) {
    super(message);
    this.name = 'TaskConflictError';
  }
}

/** A dependency (DynamoDB, S3, SQS, Textract, Bedrock) is throttling us; worth retrying later. */
export class DependencyThrottledError extends Error {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is throttling requests`, options);
    this.name = 'DependencyThrottledError';
  }
}

/** A dependency is unavailable or timed out. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
    this.name = 'DependencyUnavailableError';
  }
}
