import { type CompatErrorCode, type CompatJobKey, isCompatType } from './protocol';

/** The outer body of `POST /process`, checked in the order DESIGN §4 fixes. */
export interface ProcessRequest extends CompatJobKey {
  hasContent: boolean;
  content?: string;
  aesKey?: unknown;
}

const REQUIRED = ['client_id', 'type', 'SHA256', 'has_content'] as const;
const MAX_NAME_CHARS = 256;

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_CHARS;
}

/**
 * Missing key → MISSING_REQUIRED_FIELD, then bad type → INVALID_TYPE, then content → MISSING_CONTENT.
 * A required field of the wrong JSON type counts as missing: there is nothing usable under that key.
 */
export function parseProcessRequest(body: unknown): { request: ProcessRequest } | { error: CompatErrorCode } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'MISSING_REQUIRED_FIELD' };
  const fields = body as Record<string, unknown>;
  if (REQUIRED.some((name) => fields[name] === undefined || fields[name] === null)) {
    return { error: 'MISSING_REQUIRED_FIELD' };
  }
  if (!isName(fields.client_id) || !isName(fields.SHA256) || typeof fields.has_content !== 'boolean') {
    return { error: 'MISSING_REQUIRED_FIELD' };
  }
  if (!isCompatType(fields.type)) return { error: 'INVALID_TYPE' };
  if (fields.has_content && typeof fields.content !== 'string') return { error: 'MISSING_CONTENT' };
  return {
    request: {
      clientId: fields.client_id,
      type: fields.type,
      sha256: fields.SHA256,
      hasContent: fields.has_content,
      content: typeof fields.content === 'string' ? fields.content : undefined,
      aesKey: fields.aes_key,
    },
  };
}
