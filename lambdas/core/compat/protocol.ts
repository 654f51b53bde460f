import type { TaskErrorCode } from '../errors';
import { COMPAT_OWNER_PREFIX } from '../shared-facts';
import type { TaskType } from '../task';

/** The app's job types and the task types they run as (DESIGN §4). */
export const COMPAT_TYPES = ['doc', 'form', 'fill'] as const;
export type CompatType = (typeof COMPAT_TYPES)[number];

export const TASK_TYPE_OF: Record<CompatType, TaskType> = {
  doc: 'document',
  form: 'form',
  fill: 'form_filling',
};

export function isCompatType(value: unknown): value is CompatType {
  return typeof value === 'string' && (COMPAT_TYPES as readonly string[]).includes(value);
}

/** Every `error_detail` the routes answer; the app shows it to the user. */
export type CompatErrorCode =
  | 'MISSING_REQUIRED_FIELD'
  | 'INVALID_TYPE'
  | 'MISSING_CONTENT'
  | 'TASK_NOT_FOUND'
  | 'SHA256_MISMATCH'
  | 'RSA_DECRYPTION_FAILED'
  | 'AES_DECRYPTION_FAILED'
  | 'INVALID_JSON'
  | 'OCR_FAILURE'
  | 'LLM_FAILURE'
  | 'PROCESSING_ERROR'
  | 'PROCESSING_TIMEOUT';

/** What `/process` answers: the app switches on `status` only. */
export type CompatAnswer =
  | { status: 'processing' }
  | { status: 'completed'; result: string }
  | { status: 'error'; error_detail: CompatErrorCode };

export const PROCESSING: CompatAnswer = { status: 'processing' };

export function failed(code: CompatErrorCode): CompatAnswer {
  return { status: 'error', error_detail: code };
}

/** A task's error code as the app knows it (it predates the v1 codes). */
export function compatErrorOf(code: TaskErrorCode | undefined): CompatErrorCode {
  switch (code) {
    case 'OCR_FAILURE':
      return 'OCR_FAILURE';
    case 'LLM_FAILURE':
    case 'INVALID_LLM_OUTPUT':
      return 'LLM_FAILURE';
    case 'PROCESSING_TIMEOUT':
      return 'PROCESSING_TIMEOUT';
    default:
      return 'PROCESSING_ERROR';
  }
}

/** One job of one app screen: the app names it by (client_id, type, SHA256) and nothing else. */
export interface CompatJobKey {
  clientId: string;
  type: CompatType;
  sha256: string;
}

/** Owner of a compat task in the task store; never a JWT subject of the v1 API. */
export function compatOwner(clientId: string): string {
  return `${COMPAT_OWNER_PREFIX}${clientId}`;
}

/** Records live 24 h after their last access; a job unfinished 10 min after creation has timed out. */
export const COMPAT_RECORD_TTL_SECONDS = 24 * 60 * 60;
/**
 * A poll refreshes a record (two writes) only when its expiry is this much short of 24 h: the app polls every
 * 1.5 s, and a write per poll doubled the cost of each. A record so lives 24 h after its last access, less a
 * minute at most.
 */
export const COMPAT_RECORD_REFRESH_SECONDS = 60;
export const COMPAT_PROCESSING_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * No padding oracle (DESIGN §4): once this many decryptions under one client key have failed, every later
 * request under it answers AES_DECRYPTION_FAILED without decrypting. The app uses a fresh key per job.
 */
export const MAX_AES_FAILURES_PER_KEY = 3;
/** How long a key's failure count is kept after its last attempt (a captured request stays worth attacking). */
export const AES_FAILURE_TTL_SECONDS = 30 * 24 * 60 * 60;
