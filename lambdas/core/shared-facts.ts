/**
 * Facts the CDK app (lib/), the handlers and the local runtime must agree on, each written here once.
 * It imports only zod, so lib/ and local/ read it without pulling in any AWS SDK or Powertools code.
 */
import * as z from './zod';

// ── S3 layout (docs/architecture.md) ─────────────────────────────────────────

/** The bucket's top-level prefixes; every object sits under one, then under its owner. */
export const BLOB_PREFIXES = {
  /** Images clients posted through a presigned POST. */
  uploads: 'uploads',
  /** A task's inline images and request details, deleted once it is terminal. */
  inputs: 'inputs',
  /** Results too large for the task item. */
  results: 'results',
} as const;
export type BlobPrefix = keyof typeof BLOB_PREFIXES;

/**
 * Owners of DocuSnap Android jobs are `compat:<client_id>`. v1 owners are Cognito subjects (UUIDs), so no
 * v1 owner starts with it, and the compat handlers' grants can stop at these owners' keys.
 */
export const COMPAT_OWNER_PREFIX = 'compat:';

/**
 * Every key under a prefix, as IAM policies name them: `inputs/*`; with an owner prefix only those owners'
 * keys, `inputs/compat%3A*` (owners are URI-encoded in keys, lambdas/core/blob-keys.ts).
 */
export const keysUnder = (prefix: BlobPrefix, ownerPrefix = '') =>
  `${BLOB_PREFIXES[prefix]}/${encodeURIComponent(ownerPrefix)}*`;

/**
 * The KMS encryption context of a wrapped client AES key. KMS checks it on Decrypt, and the IAM grants on
 * the key-wrapping key require it, so a role that unwraps client keys cannot decrypt anything else under it.
 */
export const CLIENT_KEY_ENCRYPTION_CONTEXT = { purpose: 'docusnap-compat-client-key' } as const;

// ── Time limits ──────────────────────────────────────────────────────────────

/** The worker's own timeout (DESIGN §8): the task lease, the retry budget and the queues' visibility follow it. */
export const DEFAULT_WORKER_TIMEOUT_SECONDS = 90;
/** The sweeper re-enqueues a task `pending` for longer than this. */
export const DEFAULT_PENDING_TIMEOUT_SECONDS = 300;
/** The sweeper fails a task `processing` for longer than this with PROCESSING_TIMEOUT. */
export const DEFAULT_PROCESSING_TIMEOUT_SECONDS = 600;
/** Lambda's guidance: queue visibility at least six times the consumer's timeout, so retries never overlap. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** A message that fails this many receives goes to the dead-letter queue (DESIGN §8: at least 5). */
export const MAX_RECEIVE_COUNT = 5;
/** Days before tasks, inputs and results expire (DynamoDB TTL, S3 lifecycle). */
export const DEFAULT_RETENTION_DAYS = 7;

// ── Providers and limits ─────────────────────────────────────────────────────

/** Amazon Nova Lite through the US cross-region inference profile: low cost, tool use in Converse. */
export const DEFAULT_BEDROCK_MODEL_ID = 'us.amazon.nova-lite-v1:0';

/** Lambda's synchronous payload limit, so the largest request body API Gateway can hand a handler. */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/** The longest `Idempotency-Key` header a task submission takes (DESIGN §3: 1..128 characters). */
export const IDEMPOTENCY_KEY_MAX = 128;

// ── Queue messages ───────────────────────────────────────────────────────────

/** A task queue message (`{"taskId":"…"}`): ids only, the worker reads everything else from the task store. */
const TaskMessageSchema = z.object({ taskId: z.string().check(z.minLength(1), z.maxLength(256)) });
export type TaskMessage = z.infer<typeof TaskMessageSchema>;

export const encodeTaskMessage = (message: TaskMessage): string => JSON.stringify({ taskId: message.taskId });

/** The message a queue body carries, or undefined when it is not one. */
export function decodeTaskMessage(body: string): TaskMessage | undefined {
  try {
    const parsed = TaskMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What the worker does with a `kv` value no words support: keep it (flagged `grounded: false`) or drop it. */
export const UNGROUNDED_VALUE_POLICIES = ['keep', 'drop'] as const;
export type UngroundedValuePolicy = (typeof UNGROUNDED_VALUE_POLICIES)[number];
