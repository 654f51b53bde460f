import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { evidenceKey, resultKey } from '../blob-keys';
import { llmCacheKey, ocrCacheKey } from '../cache-keys';
import { type EndTaskDependencies, endTask, type TaskEnding } from '../end-task';
import { TaskConflictError, TaskFailure } from '../errors';
import { type Grounding, groundResult } from '../evidence';
import { canonicalJson, sha256Hex } from '../hashing';
import type { PageLayout } from '../layout';
import { cappedLayoutText } from '../layout-text';
import type {
  BlobStore,
  Cache,
  Clock,
  DocumentReader,
  InputPage,
  LlmClient,
  LlmRequest,
  OcrEngine,
  OcrImage,
  OcrPage,
  StrategyContext,
  TaskStore,
} from '../ports';
import type { PricingTable } from '../pricing';
import { estimateCost } from '../pricing';
import type { Evidence } from '../schemas/evidence';
import { EMPTY_LIBRARY, Library } from '../schemas/library';
import { strategyFor } from '../strategies/registry';
import { runStrategy } from '../strategies/run-strategy';
import { isTerminal, type Task, type TaskRequestDetails, type TaskType, type Usage } from '../task';
import { plannedPages, type TaskBudget, taskBudget } from '../task-budget';

/** A result (with its evidence) larger than this goes to the blob store; DynamoDB items stop at 400 KB. */
export const MAX_INLINE_RESULT_BYTES = 300 * 1000;

/** An OCR layout larger than this is not cached (a cache entry is one DynamoDB item). */
const MAX_CACHED_OCR_BYTES = 300 * 1000;

/** Turns a compat task's result into the only form it may be stored in (encrypted under the client's key). */
export type ResultSealer = (task: Task, result: unknown) => Promise<unknown>;

export interface ProcessTaskDependencies extends EndTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  cache: Cache;
  /** Opens each input into its pages (PDF text layers, rendered scans, TIFF pages, upright photos). */
  documents: DocumentReader;
  ocr: OcrEngine;
  llm: LlmClient;
  clock: Clock;
  pricing: PricingTable;
  /** The worker's own timeout: the lease a claim takes. */
  workerTimeoutSeconds: number;
  /** Images of one task read in parallel. */
  ocrConcurrency: number;
  /** Days the cache entries this task writes live. */
  retentionDays: number;
  /**
   * Drop `kv` values no OCR words support (and filled values their library item does not) instead of
   * keeping them flagged. @default false
   */
  dropUngrounded?: boolean;
  resultSealer?: ResultSealer;
}

export type ProcessOutcome =
  /** `ungroundedValues`: `kv` values no OCR words support, fills no library key supports (possibly invented). */
  | { outcome: 'completed'; type: TaskType; usage: Usage; ungroundedValues: number }
  | { outcome: 'failed'; type: TaskType; code: TaskFailure['code']; usage: Usage }
  /** Missing or already terminal: a duplicate delivery. */
  | { outcome: 'skipped' }
  /** Another worker holds a live lease: retry the message later. */
  | { outcome: 'busy' }
  /** Another worker took the task over and finished it first. */
  | { outcome: 'superseded'; type: TaskType };

/** What a task has consumed so far; a failure still reports it. */
interface Progress {
  pages: number;
  billedPages: number;
  /** Pages read from a PDF's text layer (exact, not billed as OCR). */
  textLayerPages: number;
  /** The page text sent to the model was cut to MAX_MODEL_TEXT_CHARS. */
  textTruncated?: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheHit: boolean;
  /** Cache entries written or read: deleting the task deletes them (they copy its OCR text and result). */
  cacheKeys: Set<string>;
  /** The entries this attempt wrote (each recorded on the task first). */
  writtenKeys: Set<string>;
  /** Time and output tokens for this task's pages (core/task-budget.ts). */
  budget: TaskBudget;
  /** Epoch ms by which the OCR and LLM calls must be over: the start plus the budget's time. */
  deadline: number;
}

/**
 * What the task paid for, kept with the cache entry it paid for: a redelivery after a crash between the
 * paid call and the end finds its own entry and still reports the spend, not a cache hit.
 */
interface PaidBy {
  paidBy?: string;
}
type OcrEntry = OcrPage & PaidBy;
interface LlmEntry extends PaidBy {
  result: unknown;
  inputTokens?: number;
  outputTokens?: number;
}

/** The worker's use case (docs/architecture.md "Task processing"). Other exceptions propagate: the message is retried. */
export async function processTask(deps: ProcessTaskDependencies, taskId: string): Promise<ProcessOutcome> {
  const startedAt = deps.clock.now().getTime();
  const claimed = await claimTask(deps, taskId);
  if (!('taskId' in claimed)) return claimed;

  const budget = taskBudget(plannedPages(claimed), strategyFor(claimed.type), {
    workerTimeoutSeconds: deps.workerTimeoutSeconds,
    maxOutputTokens: deps.llm.maxOutputTokens,
  });
  const progress: Progress = {
    pages: 0,
    billedPages: 0,
    textLayerPages: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheHit: false,
    cacheKeys: new Set(),
    writtenKeys: new Set(),
    budget,
    deadline: startedAt + budget.deadlineMs,
  };
  let ending: TaskEnding;
  let failure: TaskFailure | undefined;
  let ungroundedValues = 0;
  try {
    const { result, evidence, ungrounded } = await produceResult(deps, claimed, progress);
    // Evidence quotes the page: a compat task keeps nothing in plaintext, and its app reads no evidence.
    const stored = claimed.source === 'compat' ? await sealed(deps, claimed, result) : result;
    const placement = await placeResult(
      deps.blobs,
      claimed,
      stored,
      claimed.source === 'compat' ? undefined : evidence,
    );
    ending = { status: 'completed', usage: usageOf(deps, progress), ...placement };
    ungroundedValues = ungrounded;
  } catch (error) {
    if (!(error instanceof TaskFailure)) throw error;
    failure = error;
    ending = {
      status: 'error',
      usage: usageOf(deps, progress),
      error: { code: error.code, message: error.message },
    };
  }
  const ended = await endTask(deps, {
    task: claimed,
    ending,
    cacheKeys: progress.cacheKeys,
    at: deps.clock.now(),
  });
  if (!ended) {
    await forgetIfDeleted(deps, claimed, progress);
    return { outcome: 'superseded', type: claimed.type };
  }
  return failure
    ? { outcome: 'failed', type: claimed.type, code: failure.code, usage: ending.usage }
    : { outcome: 'completed', type: claimed.type, usage: ending.usage, ungroundedValues };
}

/**
 * The claim is conditional on the task being pending or its lease over, and answers the task: a delivery
 * costs one write, and the read that tells "finished" from "busy" happens only when the claim is refused.
 */
async function claimTask(deps: ProcessTaskDependencies, taskId: string): Promise<Task | ProcessOutcome> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.workerTimeoutSeconds * 1000).toISOString();
  const claimId = randomUUID();
  try {
    return await deps.tasks.claim(taskId, { now: now.toISOString(), leaseUntil, claimId });
  } catch (error) {
    if (!(error instanceof TaskConflictError)) throw error;
    const current = await deps.tasks.get(taskId);
    // Our claim landed but its reply was lost, and the retry found our own lease: the task is ours.
    if (current?.status === 'processing' && current.claimId === claimId) return current;
    // Missing or finished (a duplicate delivery), or another worker's lease is live (busy).
    return !current || isTerminal(current.status) ? { outcome: 'skipped' } : { outcome: 'busy' };
  }
}

/** The strategy's result (from the LLM cache or the model) with its evidence, computed from the pages here. */
async function produceResult(
  deps: ProcessTaskDependencies,
  task: Task,
  progress: Progress,
): Promise<Grounding> {
  const details = await readDetails(deps.blobs, task);
  // Checked before any paid call; the API refuses such a library, so only a stored one can get here.
  const parsedLibrary = Library.safeParse(details.library ?? EMPTY_LIBRARY);
  if (!parsedLibrary.success) {
    throw new TaskFailure(
      'INPUT_UNREADABLE',
      'the library of this task is not valid (too large or too deep)',
    );
  }
  const pages = await readImages(deps, task, progress);
  const modelText = cappedLayoutText(pages);
  if (modelText.cut) progress.textTruncated = true;
  const context: StrategyContext = {
    type: task.type,
    ocrText: modelText.text,
    pages,
    library: parsedLibrary.data,
    ...(details.form && { fields: details.form.fields }),
  };
  const result = await strategyResult(deps, task, progress, context);
  return groundResult(task.type, result, context.pages, context.library, {
    dropUngrounded: deps.dropUngrounded ?? false,
  });
}

async function strategyResult(
  deps: ProcessTaskDependencies,
  task: Task,
  progress: Progress,
  context: StrategyContext,
): Promise<unknown> {
  const strategy = strategyFor(task.type);
  const cacheKey = llmCacheKey(
    task.owner,
    sha256Hex(
      canonicalJson({
        strategy: task.type,
        promptVersion: strategy.promptVersion,
        model: deps.llm.model,
        text: context.ocrText,
        library: context.library,
        fields: context.fields ?? null,
      }),
    ),
  );
  const cacheable = usesCaches(task);
  if (cacheable) {
    const cached = await deps.cache.get<LlmEntry>(cacheKey);
    if (cached) {
      progress.cacheKeys.add(cacheKey);
      if (cached.paidBy === task.taskId) {
        // An earlier attempt of this task paid the model and died before the end: its spend stands.
        progress.inputTokens = cached.inputTokens ?? 0;
        progress.outputTokens = cached.outputTokens ?? 0;
      } else {
        progress.cacheHit = true;
      }
      return cached.result;
    }
  }
  const answer = await runStrategy(
    strategy,
    context,
    llmWithDeadline(deps, progress),
    progress.budget.maxTokens,
  );
  progress.inputTokens = answer.inputTokens;
  progress.outputTokens = answer.outputTokens;
  if (cacheable) {
    await writeCacheEntry(deps, task, progress, cacheKey, {
      result: answer.result,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      paidBy: task.taskId,
    } satisfies LlmEntry);
  }
  return answer.result;
}

/**
 * The key is recorded on the task before the entry is written, conditional on this attempt still
 * processing it: whoever ends the task then records it for DELETE, and an attempt whose task has ended or
 * been taken over writes nothing.
 */
async function writeCacheEntry(
  deps: ProcessTaskDependencies,
  task: Task,
  progress: Progress,
  key: string,
  value: unknown,
): Promise<void> {
  progress.cacheKeys.add(key);
  try {
    await deps.tasks.recordCacheKeys(task.taskId, [key], { attempts: task.attempts });
  } catch (error) {
    if (error instanceof TaskConflictError) return;
    throw error;
  }
  progress.writtenKeys.add(key);
  await deps.cache.put(key, value, ttlSeconds(deps));
}

async function readDetails(blobs: BlobStore, task: Task): Promise<TaskRequestDetails> {
  const stored = await blobs.get(task.requestKey);
  if (!stored) throw new TaskFailure('INPUT_UNREADABLE', 'the request details of this task are missing');
  try {
    return JSON.parse(new TextDecoder().decode(stored)) as TaskRequestDetails;
  } catch (cause) {
    throw new TaskFailure('INPUT_UNREADABLE', 'the request details of this task are not JSON', { cause });
  }
}

/**
 * The layout of every page of every input, in order: each input is opened into its pages (a PDF text layer
 * is read as it is), then the pages that need OCR go through the owner's OCR cache under the concurrency
 * limit. A page whose turn comes after the deadline fails the task; once one page failed, the queued ones
 * are skipped and the task ends only after the calls already running are over, so none of them outlives it.
 */
async function readImages(
  deps: ProcessTaskDependencies,
  task: Task,
  progress: Progress,
): Promise<PageLayout[]> {
  const inputPages: { page: InputPage; key: string }[] = [];
  for (const [n, image] of task.images.entries()) {
    const bytes = await deps.blobs.get(image.key);
    if (!bytes) throw new TaskFailure('INPUT_UNREADABLE', `input ${n + 1} of this task is missing`);
    const pages = await deps.documents.pages({ mediaType: image.mediaType, bytes });
    for (const page of pages) inputPages.push({ page, key: image.key });
  }
  const limit = pLimit(Math.max(1, deps.ocrConcurrency));
  let failed = false;
  const settled = await Promise.allSettled(
    inputPages.map(({ page, key }, n) =>
      limit(async () => {
        if (page.kind === 'text-layer') return { page: { layout: page.layout, pages: 1 }, billed: false };
        if (failed) throw new TaskFailure('OCR_FAILURE', 'skipped: another page of this task failed');
        try {
          const { sourceSize, ...image } = page.image;
          // A form's labels and blanks are scattered over the page, not set in paragraphs.
          const textLayout = task.type === 'form' ? 'sparse' : 'page';
          const read = await readImage(
            deps,
            task,
            progress,
            { ...image, key, textLayout },
            n,
            inputPages.length,
          );
          // A photo scaled down to fit the engine is still the photo as sent: same boxes, its own size.
          if (!sourceSize) return read;
          return { ...read, page: { ...read.page, layout: { ...read.page.layout, ...sourceSize } } };
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const pages = settled.map((outcome) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    throw outcome.reason;
  });
  for (const [n, { page, billed }] of pages.entries()) {
    progress.pages += page.pages;
    if (billed) progress.billedPages += page.pages;
    if (inputPages[n]?.page.kind === 'text-layer') progress.textLayerPages += page.pages;
  }
  return pages.map(({ page }) => page.layout);
}

async function readImage(
  deps: ProcessTaskDependencies,
  task: Task,
  progress: Progress,
  image: OcrImage,
  n: number,
  total: number,
): Promise<{ page: OcrPage; billed: boolean }> {
  const key = ocrCacheKey(task.owner, sha256Hex(image.bytes), image.textLayout);
  const cacheable = usesCaches(task);
  const cached = cacheable ? await deps.cache.get<OcrEntry>(key) : undefined;
  // An entry without a layout is of an older shape: read the image again.
  if (cached?.layout) {
    progress.cacheKeys.add(key);
    const { paidBy, ...page } = cached;
    // Billed when an earlier attempt of this task paid for this very entry (it died before the end).
    return { page, billed: paidBy === task.taskId };
  }
  if (deps.clock.now().getTime() >= progress.deadline) {
    throw new TaskFailure(
      'OCR_FAILURE',
      outOfTime(deps, progress, `page ${n + 1} of ${total} could not be read before its deadline`),
    );
  }
  const page = await deps.ocr.recognize(image, { deadline: progress.deadline });
  // A page too dense for one cache item is read again next time rather than failing the task.
  if (cacheable && Buffer.byteLength(JSON.stringify(page)) <= MAX_CACHED_OCR_BYTES)
    await writeCacheEntry(deps, task, progress, key, { ...page, paidBy: task.taskId } satisfies OcrEntry);
  return { page, billed: true };
}

/**
 * Compat tasks keep nothing in plaintext at rest (DESIGN §4): neither their OCR text nor their result enters
 * the caches. Their owner is a per-screen client id anyway, so a cache would almost never hit.
 */
function usesCaches(task: Task): boolean {
  return task.source !== 'compat';
}

/** The LLM with the task deadline: every call (a repair included) gets it, and none starts once it passed. */
function llmWithDeadline(deps: ProcessTaskDependencies, progress: Progress): LlmClient {
  const { deadline } = progress;
  return {
    model: deps.llm.model,
    complete: async (request: LlmRequest) => {
      if (deps.clock.now().getTime() >= deadline) {
        throw new TaskFailure(
          'LLM_FAILURE',
          outOfTime(deps, progress, 'no time was left for the model call'),
        );
      }
      return deps.llm.complete(request, { deadline });
    },
  };
}

function outOfTime(deps: ProcessTaskDependencies, progress: Progress, what: string): string {
  const { pages, deadlineMs } = progress.budget;
  const seconds = Math.round(deadlineMs / 1000);
  return `the task ran out of time: ${what} (a task of ${pages} page${pages === 1 ? '' : 's'} has ${seconds} s of the ${deps.workerTimeoutSeconds} s worker timeout)`;
}

async function sealed(deps: ProcessTaskDependencies, task: Task, result: unknown): Promise<unknown> {
  if (!deps.resultSealer) {
    throw new TaskFailure('INTERNAL_ERROR', 'this worker cannot encrypt results for compat clients');
  }
  return deps.resultSealer(task, result);
}

/** Result and evidence in the task record, or both in the blob store when together they are too large. */
async function placeResult(
  blobs: BlobStore,
  task: Task,
  result: unknown,
  evidence: Evidence | undefined,
): Promise<{ result: unknown; evidence?: Evidence } | { resultKey: string; evidenceKey?: string }> {
  const json = JSON.stringify(result);
  const evidenceJson = evidence === undefined ? '' : JSON.stringify(evidence);
  if (Buffer.byteLength(json) + Buffer.byteLength(evidenceJson) <= MAX_INLINE_RESULT_BYTES) {
    return evidence === undefined ? { result } : { result, evidence };
  }
  const key = resultKey(task.owner, task.taskId);
  await blobs.put(key, json, 'application/json');
  if (evidence === undefined) return { resultKey: key };
  const evidenceAt = evidenceKey(task.owner, task.taskId);
  await blobs.put(evidenceAt, evidenceJson, 'application/json');
  return { resultKey: key, evidenceKey: evidenceAt };
}

/**
 * The task was deleted while we worked on it (DELETE allows that): an entry written after DELETE read the
 * task's keys is named nowhere, so the entries this attempt wrote go now. A task another worker took over
 * records them already.
 * Best effort: retention expires whatever a failure here leaves.
 */
async function forgetIfDeleted(deps: ProcessTaskDependencies, task: Task, progress: Progress): Promise<void> {
  if (progress.writtenKeys.size === 0) return;
  try {
    if (await deps.tasks.get(task.taskId)) return;
    await deps.cache.delete([...progress.writtenKeys]);
  } catch {
    // Left to retention.
  }
}

/** What read the pages: the OCR engine, a PDF text layer, or both (`textract+pdf-text`). */
function readBy(deps: ProcessTaskDependencies, progress: Progress): string {
  if (progress.textLayerPages === 0) return deps.ocr.name;
  if (progress.textLayerPages === progress.pages) return deps.documents.textLayerName;
  return `${deps.ocr.name}+${deps.documents.textLayerName}`;
}

function usageOf(deps: ProcessTaskDependencies, progress: Progress): Usage {
  return {
    pages: progress.pages,
    ocrEngine: readBy(deps, progress),
    llmModel: deps.llm.model,
    inputTokens: progress.inputTokens,
    outputTokens: progress.outputTokens,
    estimatedCostUsd: estimateCost(
      {
        ocrEngine: deps.ocr.name,
        billedPages: progress.billedPages,
        llmModel: deps.llm.model,
        inputTokens: progress.inputTokens,
        outputTokens: progress.outputTokens,
      },
      deps.pricing,
    ),
    cacheHit: progress.cacheHit,
    ...(progress.textTruncated && { textTruncated: true }),
  };
}

const ttlSeconds = (deps: ProcessTaskDependencies) => deps.retentionDays * 86_400;
