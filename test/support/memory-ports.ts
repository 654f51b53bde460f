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
} from '../../lambdas/core/ports';
import { DEFAULT_PRICING } from '../../lambdas/core/pricing';
import { canTransition, type Priority, type Task } from '../../lambdas/core/task';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryTaskStore implements TaskStore {
  readonly tasks = new Map<string, Task>();

  async create(task: Task): Promise<void> {
    if (this.tasks.has(task.taskId)) throw new TaskConflictError(task.taskId, 'task exists');
    this.tasks.set(task.taskId, clone(task));
  }

  async get(taskId: string): Promise<Task | undefined> {
    const task = this.tasks.get(taskId);
    return task && clone(task);
  }

  async listByOwner(owner: string, options: { limit: number; cursor?: string }): Promise<TaskPage> {
    const sortKey = (task: Task) => `${task.createdAt}#${task.taskId}`;
    const mine = [...this.tasks.values()]
      .filter((task) => task.owner === owner)
      .sort((a, b) => sortKey(b).localeCompare(sortKey(a)));
    let start = 0;
    if (options.cursor !== undefined) {
      const [cursorOwner, after] = Buffer.from(options.cursor, 'base64url').toString().split('|');
      if (cursorOwner !== owner || after === undefined) throw new ValidationError('invalid cursor');
      start = mine.findIndex((task) => sortKey(task) < after);
      if (start < 0) start = mine.length;
    }
    const items = mine.slice(start, start + options.limit);
    const last = items.at(-1);
    const more = start + options.limit < mine.length;
    return {
      items: clone(items),
      nextCursor: more && last ? Buffer.from(`${owner}|${sortKey(last)}`).toString('base64url') : undefined,
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
    const { addCacheKeys, ...fields } = clone(patch);
    const next: Task = { ...task, ...fields, ...withCacheKeys(task, addCacheKeys) };
    this.tasks.set(taskId, next);
    return clone(next);
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
    return clone(next);
  }

  async delete(taskId: string): Promise<void> {
    this.tasks.delete(taskId);
  }

  async listStale(status: 'pending' | 'processing', updatedBefore: string, limit: number): Promise<Task[]> {
    return clone(
      [...this.tasks.values()]
        .filter((task) => task.status === status && task.updatedAt < updatedBefore)
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
        .slice(0, limit),
    );
  }
}

function withCacheKeys(task: Task, added: string[] | undefined): Pick<Task, 'cacheKeys'> {
  if (added === undefined || added.length === 0) return {};
  return { cacheKeys: [...new Set([...(task.cacheKeys ?? []), ...added])].sort() };
}

export class MemoryBlobStore implements BlobStore {
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
      expiresAt: new Date(Date.UTC(2030, 0, 1) + options.expiresInSeconds * 1000).toISOString(),
    };
  }
}

export class MemoryQueue implements TaskQueue {
  readonly sent: { message: TaskMessage; priority: Priority }[] = [];

  async send(message: TaskMessage, priority: Priority): Promise<void> {
    this.sent.push({ message: clone(message), priority });
  }
}

export class MemoryCache implements Cache {
  readonly entries = new Map<string, unknown>();

  async get<T>(key: string): Promise<T | undefined> {
    return this.entries.has(key) ? clone(this.entries.get(key) as T) : undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    this.entries.set(key, clone(value));
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, { taskId: string; requestHash: string; claimedAt: string }>();

  async claim(
    owner: string,
    key: string,
    record: { taskId: string; requestHash: string; claimedAt: string },
  ): Promise<IdempotencyOutcome> {
    const id = `${owner}#${key}`;
    const existing = this.records.get(id);
    if (existing) return { status: 'existing', ...existing };
    this.records.set(id, {
      taskId: record.taskId,
      requestHash: record.requestHash,
      claimedAt: record.claimedAt,
    });
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

/**
 * Every in-memory port wired together, with docs/architecture.md's defaults. The object
 * satisfies each use case's dependency interface, so tests pass it (or a spread of it) directly.
 */
export function memoryWorld() {
  const retentionDays = 7;
  const ocr = new FakeOcr();
  const llm = new FakeLlm();
  return {
    tasks: new MemoryTaskStore(),
    blobs: new MemoryBlobStore(),
    queue: new MemoryQueue(),
    cache: new MemoryCache(),
    idempotency: new MemoryIdempotencyStore(),
    uploads: new MemoryUploadClaims(),
    clock: new ManualClock(),
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
