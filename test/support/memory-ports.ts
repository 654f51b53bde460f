import { DocumentPageCounter } from '../../lambdas/adapters/document-page-counter';
import { MupdfDocumentReader } from '../../lambdas/adapters/mupdf-document-reader';
/**
 * In-memory ports with the same contracts as the adapters (conditional writes, leases, owner-scoped
 * cursors), plus a fake OCR engine and LLM that count their calls. Core tests and handler tests use them.
 */
import { DependencyThrottledError, TaskConflictError, ValidationError } from '../../lambdas/core/errors';
import { typesetLayout } from '../../lambdas/core/layout';
import type {
  BlobHead,
  BlobStore,
  Cache,
  CallOptions,
  Clock,
  DeliveryQueue,
  EventBus,
  IdempotencyOutcome,
  IdempotencyStore,
  IdGenerator,
  LlmClient,
  LlmRequest,
  LlmResponse,
  OcrEngine,
  OcrImage,
  OcrPage,
  PresignedPost,
  TaskMessage,
  TaskPage,
  TaskPatch,
  TaskQueue,
  TaskStore,
  TransitionCondition,
  UploadClaims,
  UploadSigner,
  WebhookStore,
} from '../../lambdas/core/ports';
import { DEFAULT_PRICING } from '../../lambdas/core/pricing';
import { canTransition, type Priority, type Task } from '../../lambdas/core/task';
import type { DeliveryRecord, Webhook, WebhookDelivery } from '../../lambdas/core/webhooks/webhook';

const clone = <T>(value: T): T => structuredClone(value);
/** What the DynamoDB adapters keep of a value: its JSON (undefined members gone, dates as text). */
const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;
const systemClock: Clock = { now: () => new Date() };
const epochSeconds = (clock: Clock) => Math.floor(clock.now().getTime() / 1000);

export class MemoryTaskStore implements TaskStore {
  readonly tasks = new Map<string, Task>();

  async create(task: Task): Promise<void> {
    const existing = this.tasks.get(task.taskId);
    if (existing && existing.owner === task.owner && existing.createdAt === task.createdAt) return;
    if (existing) throw new TaskConflictError(task.taskId, 'task exists');
    this.tasks.set(task.taskId, jsonCopy(task));
  }

  async get(taskId: string): Promise<Task | undefined> {
    const task = this.tasks.get(taskId);
    return task && jsonCopy(task);
  }

  /**
   * Newest first by `<createdAt>#<taskId>` compared as strings (DynamoDB's sort key order); the cursor
   * names the owner and the last item, and is refused as the adapter refuses it (contract tests check).
   */
  async listByOwner(owner: string, options: { limit: number; cursor?: string }): Promise<TaskPage> {
    const sortKey = (task: Task) => `${task.createdAt}#${task.taskId}`;
    const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const mine = [...this.tasks.values()]
      .filter((task) => task.owner === owner)
      .sort((a, b) => byCodeUnit(sortKey(b), sortKey(a)));
    let start = 0;
    if (options.cursor !== undefined) {
      const after = decodeMemoryCursor(options.cursor, owner);
      start = mine.findIndex((task) => sortKey(task) < after);
      if (start < 0) start = mine.length;
    }
    const items = mine.slice(start, start + options.limit);
    const cursorAfter = items.map((task) => encodeMemoryCursor(owner, sortKey(task)));
    return {
      items: jsonCopy(items),
      nextCursor: start + options.limit < mine.length ? cursorAfter.at(-1) : undefined,
      cursorAfter,
    };
  }

  async transition(taskId: string, condition: TransitionCondition, patch: TaskPatch): Promise<Task> {
    const task = this.tasks.get(taskId);
    if (
      !task ||
      !condition.from.includes(task.status) ||
      (condition.attempts !== undefined && task.attempts !== condition.attempts) ||
      !canTransition(task.status, patch.status)
    ) {
      throw new TaskConflictError(taskId, `task ${taskId} is not in ${condition.from.join('|')}`);
    }
    const { addCacheKeys, ...fields } = jsonCopy(patch);
    const next: Task = { ...task, ...fields, ...withCacheKeys(task, addCacheKeys) };
    this.tasks.set(taskId, next);
    return jsonCopy(next);
  }

  async recordCacheKeys(
    taskId: string,
    keys: readonly string[],
    condition: { attempts: number },
  ): Promise<void> {
    const task = this.tasks.get(taskId);
    if (task?.status !== 'processing' || task.attempts !== condition.attempts) {
      throw new TaskConflictError(
        taskId,
        `task ${taskId} is not processing under attempt ${condition.attempts}`,
      );
    }
    this.tasks.set(taskId, { ...task, ...withCacheKeys(task, [...keys]) });
  }

  async claim(taskId: string, options: { now: string; leaseUntil: string }): Promise<Task> {
    const task = this.tasks.get(taskId);
    const leaseOver = task?.status === 'processing' && (task.leaseUntil ?? '') <= options.now;
    if (!task || !(task.status === 'pending' || leaseOver)) {
      throw new TaskConflictError(taskId, `task ${taskId} cannot be claimed`);
    }
    const next: Task = {
      ...task,
      status: 'processing',
      attempts: task.attempts + 1,
      leaseUntil: options.leaseUntil,
      updatedAt: options.now,
    };
    this.tasks.set(taskId, next);
    return jsonCopy(next);
  }

  async delete(taskId: string): Promise<void> {
    this.tasks.delete(taskId);
  }

  /** Oldest first by `<updatedAt>#<taskId>`, as the adapter's status index sorts. */
  async listStale(status: 'pending' | 'processing', updatedBefore: string, limit: number): Promise<Task[]> {
    const sortKey = (task: Task) => `${task.updatedAt}#${task.taskId}`;
    return jsonCopy(
      [...this.tasks.values()]
        .filter((task) => task.status === status && sortKey(task) < updatedBefore)
        .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0))
        .slice(0, limit),
    );
  }
}

function encodeMemoryCursor(owner: string, sortKey: string): string {
  return Buffer.from(JSON.stringify({ owner, after: sortKey })).toString('base64url');
}

function decodeMemoryCursor(cursor: string, owner: string): string {
  const invalid = (message: string) =>
    new ValidationError('the cursor is not valid for this list', [{ path: 'cursor', message }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('must be a nextCursor returned by this list');
  }
  const { owner: cursorOwner, after } = (key ?? {}) as { owner?: unknown; after?: unknown };
  if (typeof cursorOwner !== 'string' || typeof after !== 'string') {
    throw invalid('must be a nextCursor returned by this list');
  }
  if (cursorOwner !== owner) throw invalid('belongs to another list');
  return after;
}

function withCacheKeys(task: Task, added: string[] | undefined): Pick<Task, 'cacheKeys'> {
  if (added === undefined || added.length === 0) return {};
  return { cacheKeys: [...new Set([...(task.cacheKeys ?? []), ...added])].sort() };
}

export class MemoryBlobStore implements BlobStore, UploadSigner {
  readonly blobs = new Map<string, { body: Uint8Array; contentType: string }>();

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
    this.blobs.set(key, { body: bytes, contentType });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const blob = this.blobs.get(key);
    return blob && new Uint8Array(blob.body);
  }

  async getPrefix(key: string, length: number): Promise<Uint8Array | undefined> {
    return (await this.get(key))?.slice(0, length);
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const blob = this.blobs.get(key);
    return blob && { size: blob.body.byteLength, contentType: blob.contentType };
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.blobs.delete(key);
  }

  async copy(fromKey: string, toKey: string): Promise<boolean> {
    const blob = this.blobs.get(fromKey);
    if (!blob) return false;
    this.blobs.set(toKey, { body: new Uint8Array(blob.body), contentType: blob.contentType });
    return true;
  }

  async presignPost(
    key: string,
    options: { contentType: string; minBytes: number; maxBytes: number; expiresInSeconds: number },
  ): Promise<PresignedPost> {
    return {
      url: 'http://127.0.0.1:1/bucket',
      fields: {
        key,
        'Content-Type': options.contentType,
        'x-test-length-range': `${options.minBytes}-${options.maxBytes}`,
      },
      expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000).toISOString(),
    };
  }
}

export class MemoryQueue implements TaskQueue {
  readonly sent: { message: TaskMessage; priority: Priority }[] = [];

  /** Only the id travels, as in the SQS adapter, whatever else a caller passes. */
  async send(message: TaskMessage, priority: Priority): Promise<void> {
    this.sent.push({ message: { taskId: message.taskId }, priority });
  }
}

/** Entries expire by `clock`, like the adapter's (TTL deletes late there, so it checks the expiry itself). */
export class MemoryCache implements Cache {
  readonly entries = new Map<string, unknown>();
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.entries.has(key) || (this.expiries.get(key) ?? 0) <= epochSeconds(this.clock)) return undefined;
    return jsonCopy(this.entries.get(key) as T);
  }

  async put(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.set(key, jsonCopy(value));
    this.expiries.set(key, epochSeconds(this.clock) + ttlSeconds);
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      this.entries.delete(key);
      this.expiries.delete(key);
    }
  }
}

/** Records expire by `clock` after their ttl, like the adapter's. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, { taskId: string; requestHash: string; claimedAt: string }>();
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock = systemClock) {}

  async claim(
    owner: string,
    key: string,
    record: { taskId: string; requestHash: string; ttlSeconds: number; claimedAt: string },
  ): Promise<IdempotencyOutcome> {
    const id = `${owner}#${key}`;
    const existing = this.records.get(id);
    const now = epochSeconds(this.clock);
    if (existing && (this.expiries.get(id) ?? 0) > now) return { status: 'existing', ...existing };
    this.records.set(id, {
      taskId: record.taskId,
      requestHash: record.requestHash,
      claimedAt: record.claimedAt,
    });
    this.expiries.set(id, now + record.ttlSeconds);
    return { status: 'new' };
  }

  async release(owner: string, key: string, taskId: string): Promise<void> {
    const id = `${owner}#${key}`;
    if (this.records.get(id)?.taskId === taskId) this.records.delete(id);
  }
}

export class MemoryUploadClaims implements UploadClaims {
  /** `<owner>#<uploadId>` → the task it served. */
  readonly claims = new Map<string, string>();

  async claim(owner: string, uploadId: string, claim: { taskId: string }): Promise<boolean> {
    const id = `${owner}#${uploadId}`;
    const holder = this.claims.get(id);
    if (holder !== undefined && holder !== claim.taskId) return false;
    this.claims.set(id, claim.taskId);
    return true;
  }

  async release(owner: string, uploadId: string, taskId: string): Promise<void> {
    const id = `${owner}#${uploadId}`;
    if (this.claims.get(id) === taskId) this.claims.delete(id);
  }
}

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start = '2026-01-01T00:00:00.000Z') {
    this.current = Date.parse(start);
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current += seconds * 1000;
  }
}

export class SequentialIds implements IdGenerator {
  private next = 0;
  constructor(private readonly prefix = 'id') {}
  newId(): string {
    this.next += 1;
    return `${this.prefix}${String(this.next).padStart(6, '0')}`;
  }
}

/** OCR that "reads" an image as the text registered for its bytes (or a fixed text), counting calls. */
export class FakeOcr implements OcrEngine {
  readonly name = 'textract';
  readonly calls: OcrImage[] = [];
  /** The options of each call, in the order of `calls` (the task deadline). */
  readonly options: (CallOptions | undefined)[] = [];
  failure?: Error;

  constructor(
    private readonly textOf: (bytes: Uint8Array) => string = () => 'ACME INVOICE\nTotal: 42.00 EUR',
  ) {}

  async recognize(image: OcrImage, options?: CallOptions): Promise<OcrPage> {
    this.calls.push(image);
    this.options.push(options);
    if (this.failure) throw this.failure;
    return { layout: typesetLayout(this.textOf(image.bytes)), pages: 1 };
  }
}

/** A valid answer for each task type, shaped as the result contracts of DESIGN §5. */
export function validAnswer(request: LlmRequest): unknown {
  const base = {
    title: 'Acme Invoice March 2026',
    tags: ['invoice'],
    description: 'An invoice from Acme.',
    kv: { Total: '42.00 EUR' },
    related: [],
  };
  switch (request.strategy) {
    case 'document':
      return base;
    case 'form':
      return { ...base, kv: { ...base.kv, 'Form Type': 'Invoice' }, fields: ['Signature'] };
    case 'form_filling': {
      const firstField = request.context.fields?.[0] ?? 'Name';
      const firstDoc = request.context.library.docs[0];
      return firstDoc
        ? { [firstField]: { value: 'Jane Doe', source: { type: 'doc', resource_id: String(firstDoc.id) } } }
        : {};
    }
  }
}

/** An LLM that answers through `answer` (valid by default), counting calls and tokens. */
export class FakeLlm implements LlmClient {
  readonly model: string;
  /** As a Bedrock model's card gives it; unset, as for an offline model. */
  maxOutputTokens?: number;
  readonly calls: LlmRequest[] = [];
  /** The options of each call, in the order of `calls` (the task deadline). */
  readonly options: (CallOptions | undefined)[] = [];
  /** May be async: the model's answer can wait on something else happening meanwhile. */
  answer: (request: LlmRequest) => unknown = validAnswer;

  constructor(model = 'us.amazon.nova-lite-v1:0') {
    this.model = model;
  }

  async complete(request: LlmRequest, options?: CallOptions): Promise<LlmResponse> {
    this.calls.push(request);
    this.options.push(options);
    return { output: await this.answer(request), inputTokens: 1000, outputTokens: 200 };
  }
}

/** Wraps a port so every call of the named methods throws `error` (e.g. DependencyThrottledError). */
export function failing<T extends object>(
  port: T,
  error: Error = new DependencyThrottledError('dynamodb'),
): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? async () => {
            throw error;
          }
        : value;
    },
  });
}

/** Long-poll pauses that take no time: each moves the clock instead, is recorded, and may run a step. */
export class ManualPauses {
  readonly calls: number[] = [];
  /** Runs during each pause (e.g. the worker finishing the task meanwhile). */
  during?: (pause: number) => void | Promise<void>;
  constructor(private readonly clock: ManualClock) {}
  readonly pause = async (ms: number): Promise<void> => {
    this.calls.push(ms);
    this.clock.advance(ms / 1000);
    await this.during?.(this.calls.length);
  };
}

export class MemoryWebhookStore implements WebhookStore {
  readonly webhooks = new Map<string, Webhook>();
  readonly deliveries: DeliveryRecord[] = [];

  async create(webhook: Webhook, limit: number): Promise<'created' | 'limit'> {
    if ((await this.listByOwner(webhook.owner)).length >= limit) return 'limit';
    this.webhooks.set(`${webhook.owner}\n${webhook.webhookId}`, clone(webhook));
    return 'created';
  }
  async listByOwner(owner: string): Promise<Webhook[]> {
    return clone([...this.webhooks.values()].filter((webhook) => webhook.owner === owner));
  }
  async get(owner: string, webhookId: string): Promise<Webhook | undefined> {
    const webhook = this.webhooks.get(`${owner}\n${webhookId}`);
    return webhook && clone(webhook);
  }
  async delete(owner: string, webhookId: string): Promise<boolean> {
    return this.webhooks.delete(`${owner}\n${webhookId}`);
  }
  async recordDelivery(record: DeliveryRecord): Promise<void> {
    this.deliveries.push(clone(record));
  }
  async listDeliveries(owner: string, webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return clone(
      this.deliveries
        .filter((record) => record.owner === owner && record.webhookId === webhookId)
        .reverse()
        .slice(0, limit),
    );
  }
}

export class MemoryDeliveryQueue implements DeliveryQueue {
  readonly sent: WebhookDelivery[] = [];
  async send(deliveries: readonly WebhookDelivery[]): Promise<void> {
    this.sent.push(...clone(deliveries));
  }
}

export class MemoryEventBus implements EventBus {
  readonly events: { detailType: string; detail: unknown }[] = [];
  async publish(event: { detailType: string; detail: unknown }): Promise<void> {
    this.events.push(clone(event));
  }
}

/**
 * Every in-memory port wired together, with docs/architecture.md's defaults. The object
 * satisfies each use case's dependency interface, so tests pass it (or a spread of it) directly.
 */
export function memoryWorld() {
  const retentionDays = 7;
  const clock = new ManualClock();
  const pauses = new ManualPauses(clock);
  const ocr = new FakeOcr();
  const llm = new FakeLlm();
  const blobs = new MemoryBlobStore();
  return {
    pauses,
    pause: pauses.pause,
    tasks: new MemoryTaskStore(),
    blobs,
    uploadSigner: blobs,
    queue: new MemoryQueue(),
    cache: new MemoryCache(clock),
    idempotency: new MemoryIdempotencyStore(clock),
    uploads: new MemoryUploadClaims(),
    clock,
    ids: new SequentialIds('task-'),
    pageCounter: new DocumentPageCounter(),
    documents: new MupdfDocumentReader(),
    ocr,
    llm,
    /** The names the dead-letter handler and sweeper are configured with: those of `ocr` and `llm`. */
    providers: { ocrEngine: ocr.name, llmModel: llm.model },
    pricing: DEFAULT_PRICING,
    retentionDays,
    keepInputs: false,
    pendingTimeoutSeconds: 300,
    processingTimeoutSeconds: 600,
    workerTimeoutSeconds: 90,
    ocrConcurrency: 4,
  };
}

export type MemoryWorld = ReturnType<typeof memoryWorld>;
