/**
 * Ports: what the core needs from the outside world. Adapters in `lambdas/adapters/` implement them
 * (one file each); tests use the in-memory ones in `test/support/memory-ports.ts`.
 * Nothing here knows about AWS.
 */
import type { PageLayout } from './layout';
import type { Evidence } from './schemas/evidence';
import type { Library } from './schemas/library';
import type { TaskMessage } from './shared-facts';
import { CLIENT_KEY_ENCRYPTION_CONTEXT } from './shared-facts';
import type { ImageInput, Priority, Task, TaskErrorInfo, TaskStatus, TaskType, Usage } from './task';
import type { DeliveryRecord, Webhook, WebhookDelivery } from './webhooks/webhook';

// ── Task store ───────────────────────────────────────────────────────────────

export interface TaskPage {
  items: Task[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
  /** `cursorAfter[i]` resumes the list right after `items[i]` (a caller may return fewer items than it got). */
  cursorAfter: string[];
}

/** Fields a status change may set alongside the new status. */
export interface TaskPatch {
  status: TaskStatus;
  updatedAt: string;
  completedAt?: string;
  leaseUntil?: string;
  result?: unknown;
  resultKey?: string;
  evidence?: Evidence;
  evidenceKey?: string;
  error?: TaskErrorInfo;
  usage?: Usage;
  /** Cache keys added to those the task records already (`Task.cacheKeys`); none is ever removed. */
  addCacheKeys?: string[];
  expiresAt?: number;
}

export interface TransitionCondition {
  /** The task must currently be in one of these statuses. */
  from: readonly TaskStatus[];
  /** When set, the task's `attempts` must equal this (fences out a stale worker). */
  attempts?: number;
}

export interface TaskStore {
  /**
   * Creates a task; throws TaskConflictError when the id holds another task. Creating the same task
   * again (a write retried after its answer was lost) succeeds and changes nothing.
   */
  create(task: Task): Promise<void>;
  get(taskId: string): Promise<Task | undefined>;
  /** The owner's tasks, newest first. Throws ValidationError on a cursor that is not the owner's. */
  listByOwner(owner: string, options: { limit: number; cursor?: string }): Promise<TaskPage>;
  /** Conditional status change; throws TaskConflictError when the condition does not hold. Returns the new task. */
  transition(taskId: string, condition: TransitionCondition, patch: TaskPatch): Promise<Task>;
  /**
   * Takes a task for processing: `pending` → `processing`, or `processing` whose lease has run out →
   * `processing` again; increments `attempts` and sets the lease. Throws TaskConflictError otherwise.
   */
  claim(taskId: string, options: { now: string; leaseUntil: string; claimId: string }): Promise<Task>;
  /**
   * Adds cache keys to a task while it is processed, before the entries are written, so a task ended by
   * anyone (the dead-letter handler, the sweeper) still names them for DELETE. Conditional on the task
   * being `processing` under the claimed attempt: throws TaskConflictError once it ended or was taken over,
   * and then the entry must not be written.
   */
  recordCacheKeys(taskId: string, keys: readonly string[], condition: { attempts: number }): Promise<void>;
  delete(taskId: string): Promise<void>;
  /** Non-terminal tasks in `status` last updated before `updatedBefore` (ISO), oldest first. */
  listStale(status: 'pending' | 'processing', updatedBefore: string, limit: number): Promise<Task[]>;
}

// ── Blob store ───────────────────────────────────────────────────────────────

export interface BlobHead {
  size: number;
  contentType?: string;
}

export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/** What the routes that only show stored results take of the blob store. */
export interface BlobReader {
  /** Undefined when the key does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface BlobStore extends BlobReader {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** The first `length` bytes (for type detection from magic numbers). */
  getPrefix(key: string, length: number): Promise<Uint8Array | undefined>;
  head(key: string): Promise<BlobHead | undefined>;
  /** Deletes keys; missing keys are fine. */
  delete(keys: readonly string[]): Promise<void>;
  /** Copies an object within the store; false when `fromKey` does not exist. */
  copy(fromKey: string, toKey: string): Promise<boolean>;
}

/** Signs uploads into the blob store; apart from it, so only the uploads route carries a signer. */
export interface UploadSigner {
  /** A presigned POST bound to one key, content type and a byte-length range. */
  presignPost(
    key: string,
    options: { contentType: string; minBytes: number; maxBytes: number; expiresInSeconds: number },
  ): Promise<PresignedPost>;
}

// ── Queue ────────────────────────────────────────────────────────────────────

/** The message schema lives with the other facts lib/ and the handlers share. */
export type { TaskMessage };

export interface TaskQueue {
  send(message: TaskMessage, priority: Priority): Promise<void>;
}

// ── Documents (PDF, TIFF) ────────────────────────────────────────────────────

/** The inputs that may hold many pages (DESIGN §3.1). */
export type DocumentMediaType = 'application/pdf' | 'image/tiff';

/** What counting a document's pages found: its page count, or why it cannot be opened. */
export type PageCount = { status: 'counted'; pages: number } | { status: 'unreadable' | 'encrypted' };

/** Counts pages cheaply at submit (no rendering): the API's only look inside a PDF or TIFF. */
export interface PageCounter {
  count(bytes: Uint8Array, mediaType: DocumentMediaType): Promise<PageCount>;
}

/**
 * One page of an input, in the worker: read exactly from a PDF's text layer, or an image for OCR (a photo
 * as sent or turned upright, a scanned PDF page or TIFF page rendered to PNG).
 */
export type InputPage =
  | { kind: 'text-layer'; layout: PageLayout }
  | {
      kind: 'image';
      image: Omit<OcrImage, 'key'> & {
        /**
         * Pixels of the photo as sent when the image for OCR was scaled down to fit the engine: the page's
         * size in the layout stays the sent photo's (its boxes are fractions, the same on both).
         */
        sourceSize?: { width: number; height: number };
      };
    };

/** Turns each input of a task into its ordered pages; the core never opens a PDF itself. */
export interface DocumentReader {
  /** Named in `usage.ocrEngine` beside the OCR engine when a text layer was read, e.g. `pdf-text`. */
  readonly textLayerName: string;
  /** Throws TaskFailure('INPUT_UNREADABLE') when the input cannot be opened (corrupt, encrypted). */
  pages(input: { mediaType: ImageInput['mediaType']; bytes: Uint8Array }): Promise<InputPage[]>;
}

// ── OCR ──────────────────────────────────────────────────────────────────────

export interface OcrImage {
  /** Blob key of the image (Textract reads it from S3 itself). */
  key: string;
  mediaType: 'image/jpeg' | 'image/png';
  bytes: Uint8Array;
  /**
   * True when `bytes` were made by the worker (a rendered page, a photo turned upright), not the object
   * stored at `key`: an engine must send the bytes, not point at the key.
   */
  rendered?: boolean;
  /**
   * How the text lies on the page: `sparse` for a form, whose labels and blanks are scattered rather than
   * set in paragraphs. An engine that finds scattered text anyway (Textract) reads both alike.
   * @default 'page'
   */
  textLayout?: TextLayout;
}

export type TextLayout = 'page' | 'sparse';

/**
 * What an engine accepts (Textract's synchronous limits): a side of at most `maxSidePx` pixels; a stored
 * image (read from the bucket) of at most `maxBytes`; one the worker made itself (sent in the request) of
 * at most `maxRenderedBytes`. The document reader scales larger ones down to fit.
 */
export interface OcrImageLimits {
  maxSidePx: number;
  maxBytes: number;
  maxRenderedBytes: number;
}

/** What an engine read on one image: its layout (the plain text is `pageText(layout)`). */
export interface OcrPage {
  layout: PageLayout;
  /** Pages billed by the engine for this image (1 for a photo). */
  pages: number;
}

/** Options of one OCR or LLM call. */
export interface CallOptions {
  /**
   * Epoch milliseconds by which the call must be over, retries included: the task's deadline. Adapters
   * that retry cap their time budget here; offline engines may ignore it.
   */
  deadline?: number;
}

export interface OcrEngine {
  /** Reported in `usage.ocrEngine`, e.g. `textract` or `tesseract`. */
  readonly name: string;
  /** What the engine accepts; the document reader scales larger pictures down to fit. @default no limit */
  readonly imageLimits?: OcrImageLimits;
  /** Throws TaskFailure('OCR_FAILURE' | 'INPUT_UNREADABLE') when the image cannot be read. */
  recognize(image: OcrImage, options?: CallOptions): Promise<OcrPage>;
}

// ── LLM ──────────────────────────────────────────────────────────────────────

/** What a strategy asks of the model. Structured extractors (the offline `rules`) read `context`. */
export interface LlmRequest {
  strategy: TaskType;
  system: string;
  /** Conversation so far: the task prompt, and for a repair the previous answer and the problems. */
  messages: { role: 'user' | 'assistant'; text: string }[];
  /** The answer is a call of this tool whose input matches `inputSchema` (JSON Schema of the result). */
  tool: { name: string; description: string; inputSchema: Record<string, unknown> };
  maxTokens: number;
  context: StrategyContext;
}

export interface LlmResponse {
  /** The tool input (or JSON the model wrote); validated by the caller. */
  output: unknown;
  inputTokens: number;
  outputTokens: number;
}

export interface LlmClient {
  /** Reported in `usage.llmModel`. */
  readonly model: string;
  /** The model's output-token limit, when it has one: no task asks for more (core/task-budget.ts). */
  readonly maxOutputTokens?: number;
  /** Throws TaskFailure('LLM_FAILURE') when the model cannot be reached within the retry budget or the deadline. */
  complete(request: LlmRequest, options?: CallOptions): Promise<LlmResponse>;
}

/** The inputs a strategy works on. */
export interface StrategyContext {
  type: TaskType;
  /**
   * The pages as text for a model, rows and column gaps kept, under page markers (`layoutText`; empty for
   * form_filling).
   */
  ocrText: string;
  /** The pages as read, in order (none for form_filling): what evidence points into. */
  pages: PageLayout[];
  library: Library;
  /** Field names of the form to fill (form_filling only). */
  fields?: string[];
}

// ── Caches and idempotency ───────────────────────────────────────────────────

/** A key → JSON value cache with expiry. Keys are already scoped to the owner by the caller. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Deletes entries; missing keys are fine. Throws when some could not be deleted. */
  delete(keys: readonly string[]): Promise<void>;
}

export type IdempotencyOutcome =
  | { status: 'new' }
  /** `claimedAt` (ISO) is when the record was claimed; absent on records written before it was kept. */
  | { status: 'existing'; taskId: string; requestHash: string; claimedAt?: string };

export interface IdempotencyStore {
  /**
   * Records `key` → `taskId` for this owner unless a record exists; returns the existing record
   * when there is one. Race-safe: of two concurrent claims exactly one gets `new`.
   */
  claim(
    owner: string,
    key: string,
    record: { taskId: string; requestHash: string; ttlSeconds: number; claimedAt: string },
  ): Promise<IdempotencyOutcome>;
  /** Deletes the record only while it still points to `taskId`: another request's newer claim stays. */
  release(owner: string, key: string, taskId: string): Promise<void>;
}

/**
 * Which task each upload id served: an upload id is single-use, however often its presigned POST (valid
 * for 15 minutes) is used again.
 */
export interface UploadClaims {
  /** True when the upload is now this task's (or already was); false when another task holds it. */
  claim(owner: string, uploadId: string, claim: { taskId: string; expiresAt: number }): Promise<boolean>;
  /** Gives the upload back when its task was not recorded after all; another task's claim stays. */
  release(owner: string, uploadId: string, taskId: string): Promise<void>;
}

// ── Key wrapping (compat protocol) ───────────────────────────────────────────

/**
 * Purposes a wrapped key is bound to (KMS encryption context, AES-GCM associated data): a key wrapped for one
 * never unwraps as the other, and IAM can grant one purpose only.
 */
export const COMPAT_CLIENT_KEY_PURPOSE = CLIENT_KEY_ENCRYPTION_CONTEXT.purpose;
export const WEBHOOK_SECRET_PURPOSE = 'docusnap-webhook-secret';

/** Wraps a client's AES key so it is never stored in plaintext (KMS on AWS, a local master key offline). */
export interface KeyWrapper {
  wrap(plaintext: Uint8Array): Promise<string>;
  unwrap(wrapped: string): Promise<Uint8Array>;
}

// ── Clock and ids ────────────────────────────────────────────────────────────

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

// ── Webhooks and task events (DESIGN §3.3) ───────────────────────────────────

export interface WebhookStore {
  /** Adds a webhook unless its owner already has `limit`; race-safe. */
  create(webhook: Webhook, limit: number): Promise<'created' | 'limit'>;
  listByOwner(owner: string): Promise<Webhook[]>;
  get(owner: string, webhookId: string): Promise<Webhook | undefined>;
  /** False when the owner has no such webhook. */
  delete(owner: string, webhookId: string): Promise<boolean>;
  recordDelivery(record: DeliveryRecord): Promise<void>;
  /** A webhook's recorded deliveries, newest first (at most `limit`). */
  listDeliveries(owner: string, webhookId: string, limit: number): Promise<DeliveryRecord[]>;
}

/** The queue deliveries wait in; each is attempted as soon as it arrives. */
export interface DeliveryQueue {
  send(deliveries: readonly WebhookDelivery[]): Promise<void>;
}

/** One signed POST of a delivery: the adapter signs, resolves and checks the address, and posts. */
export interface WebhookRequest {
  url: string;
  /** `webhook-id`: the same on every attempt. */
  deliveryId: string;
  body: string;
  /** `whsec_<base64>` */
  secret: string;
}

/** `ok` on a 2xx; otherwise what came back instead (`HTTP 500`, `timeout`, `refused: …`). */
export type WebhookResponse = { ok: true; status: number } | { ok: false; result: string };

export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** An event bus integrators route from (EventBridge on AWS). */
export interface EventBus {
  publish(event: { detailType: string; detail: unknown }): Promise<void>;
}
