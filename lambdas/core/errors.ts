/**
 * Error codes of the v1 API (DESIGN §3). The core only names them; which HTTP status each one answers
 * is decided where responses are made (handlers/api/api-handler.ts).
 */
export const API_ERROR_CODES = [
  'INVALID_JSON',
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'TASK_NOT_FOUND',
  'UPLOAD_NOT_FOUND',
  'WEBHOOK_NOT_FOUND',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_IMAGE',
  'TOO_MANY_PAGES',
  'THROTTLED',
  'UNAVAILABLE',
  'INTERNAL_ERROR',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A request refused for a reason the caller may know: `{"error":{"code","message","details"?}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request (body, query, header, cursor) does not have the documented shape; details name the paths. */
export class ValidationError extends ApiError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_ERROR', message, details);
    this.name = 'ValidationError';
  }
}

/** No task of the caller's has this id: another owner's task reads exactly like a missing one. */
export class TaskNotFound extends ApiError {
  constructor(readonly taskId: string) {
    super('TASK_NOT_FOUND', `task ${taskId} does not exist`);
    this.name = 'TaskNotFound';
  }
}

/** No upload of the caller's has this id. */
export class UploadNotFound extends ApiError {
  constructor(readonly uploadId: string) {
    super('UPLOAD_NOT_FOUND', `upload ${uploadId} does not exist`);
    this.name = 'UploadNotFound';
  }
}

/** Something of the caller's (task, upload, webhook) that does not exist, or is another owner's. */
export class NotFoundError extends ApiError {
  constructor(code: 'TASK_NOT_FOUND' | 'UPLOAD_NOT_FOUND' | 'WEBHOOK_NOT_FOUND', message: string) {
    super(code, message);
    this.name = 'NotFoundError';
  }
}

/** An input refused from its bytes or size: too large, of a type not accepted, unreadable, or too many pages. */
export class ImageRejected extends ApiError {
  constructor(
    override readonly code:
      | 'PAYLOAD_TOO_LARGE'
      | 'UNSUPPORTED_MEDIA_TYPE'
      | 'INVALID_IMAGE'
      | 'TOO_MANY_PAGES',
    message: string,
  ) {
    super(code, message);
    this.name = 'ImageRejected';
  }
}

/** An Idempotency-Key already used with another body, or still being claimed by a concurrent request. */
export class IdempotencyConflict extends ApiError {
  constructor(message: string) {
    super('IDEMPOTENCY_CONFLICT', message);
    this.name = 'IdempotencyConflict';
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
