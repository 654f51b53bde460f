/**
 * Facts the CDK app (lib/), the handlers and the local runtime must agree on, each written here once.
 * It imports only zod, so lib/ and local/ read it without pulling in any AWS SDK or Powertools code.
 */
import * as z from 'zod';

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

/** Every key under a prefix, as IAM policies and CDK grants name them: `inputs/*`. */
export const keysUnder = (prefix: BlobPrefix) => `${BLOB_PREFIXES[prefix]}/*`;

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

// ── Queue messages ───────────────────────────────────────────────────────────

/** A task queue message (`{"taskId":"…"}`): ids only, the worker reads everything else from the task store. */
const TaskMessageSchema = z.object({ taskId: z.string().min(1).max(256) });
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
