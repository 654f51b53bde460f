import type { KeyObject } from 'node:crypto';
import { type EndTaskDependencies, endTask } from '../end-task';
import { sha256HexMatches } from '../hashing';
import type { BlobStore, Clock, IdGenerator, KeyWrapper, TaskQueue, TaskStore } from '../ports';
import { isTerminal, type Task } from '../task';
import { type ProviderNames, unknownUsage } from '../usage';
import type { CompatRecord, CompatStore } from './compat-store';
import { clientKeyFingerprint, decodeUtf8, openEnvelope, unwrapClientAesKey } from './crypto';
import { type InnerPayload, parseInnerPayload } from './inner-payload';
import {
  type DecodedImage,
  decodeImages,
  jobInputs,
  storeJobInputs,
  UnreadableImageError,
} from './job-inputs';
import { PrivateKeyUnavailableError } from './private-key';
import { type ProcessRequest, parseProcessRequest } from './process-request';
import {
  AES_FAILURE_TTL_SECONDS,
  COMPAT_PROCESSING_TIMEOUT_MS,
  COMPAT_RECORD_REFRESH_SECONDS,
  COMPAT_RECORD_TTL_SECONDS,
  type CompatAnswer,
  type CompatErrorCode,
  compatErrorOf,
  compatOwner,
  failed,
  MAX_AES_FAILURES_PER_KEY,
  PROCESSING,
  TASK_TYPE_OF,
} from './protocol';
import { isSealedResult } from './seal-result';

export interface CompatProcessDependencies extends EndTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  queue: TaskQueue;
  /** Wraps the client's AES key (KMS / local master key) so it is never stored in plaintext. */
  keys: KeyWrapper;
  compat: CompatStore;
  /** The server's RSA private key, parsed once per cold start. */
  privateKey: () => Promise<KeyObject>;
  clock: Clock;
  ids: IdGenerator;
  /** What a job timed out by a poll names in its usage. */
  providers: ProviderNames;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** `POST /process`: submits a new job or answers the state of a known one (DESIGN §4). */
export async function processCompatRequest(
  deps: CompatProcessDependencies,
  body: unknown,
): Promise<CompatAnswer> {
  const parsed = parseProcessRequest(body);
  if ('error' in parsed) return failed(parsed.error);
  const { request } = parsed;

  // The lookup comes before any verification: a poll carries no content, a retry needs no re-check.
  const known = await findLiveRecord(deps, request);
  if (known) return answerKnownJob(deps, known);
  if (!request.hasContent || request.content === undefined) return failed('TASK_NOT_FOUND');
  return submitNewJob(deps, request, request.content);
}

async function findLiveRecord(
  deps: CompatProcessDependencies,
  key: ProcessRequest,
): Promise<CompatRecord | undefined> {
  const record = await deps.compat.get(key);
  // DynamoDB's TTL deletes lazily, so an expired record is treated as gone here.
  if (!record || record.expiresAt <= epochSeconds(deps.clock.now())) return undefined;
  return record;
}

async function submitNewJob(
  deps: CompatProcessDependencies,
  request: ProcessRequest,
  content: string,
): Promise<CompatAnswer> {
  if (!sha256HexMatches(content, request.sha256)) return failed('SHA256_MISMATCH');

  let aesKey: Buffer;
  try {
    if (typeof request.aesKey !== 'string') throw new Error('aes_key is missing');
    aesKey = unwrapClientAesKey(await deps.privateKey(), request.aesKey);
  } catch (error) {
    if (isKeyLoadFailure(error)) throw error;
    return failed('RSA_DECRYPTION_FAILED');
  }

  try {
    const decrypted = await decryptContent(deps, aesKey, content);
    if (decrypted === undefined) return failed('AES_DECRYPTION_FAILED');
    // The slot goes back, and the key is wrapped (a KMS call on AWS), while the payload is read.
    const pending = Promise.allSettled([
      deps.keys.wrap(aesKey),
      deps.compat.releaseDecryption(decrypted.fingerprint),
    ]);
    const read = readPayload(request.type, decrypted.plaintext);
    const [wrapped, released] = await pending;
    if ('error' in read) return failed(read.error);
    if (released.status === 'rejected') throw released.reason;
    if (wrapped.status === 'rejected') throw wrapped.reason;
    const clientKey = wrapped.value;
    return await createJob(deps, request, read.payload, read.images, clientKey);
  } finally {
    aesKey.fill(0);
  }
}

/** The decrypted JSON as the type's payload, its images decoded and checked. */
function readPayload(
  type: ProcessRequest['type'],
  plaintext: string,
): { payload: InnerPayload; images: DecodedImage[] } | { error: CompatErrorCode } {
  let json: unknown;
  try {
    json = JSON.parse(plaintext);
  } catch {
    return { error: 'INVALID_JSON' };
  }
  const payload = parseInnerPayload(type, json);
  if (!payload) return { error: 'INVALID_JSON' };
  try {
    return { payload, images: payload.kind === 'images' ? decodeImages(payload.images) : [] };
  } catch (error) {
    if (error instanceof UnreadableImageError) return { error: 'OCR_FAILURE' };
    throw error;
  }
}

/**
 * Decrypts `content` unless its key has failed too often: a slot is reserved first (atomic across Lambda
 * instances, so parallel probes cannot outrun the count) and given back only when the content decrypts.
 * Undefined when the key is blocked or the content does not decrypt: the two answers are the same. The
 * caller gives the slot back (`releaseDecryption`) once it has the plaintext.
 */
async function decryptContent(
  deps: CompatProcessDependencies,
  aesKey: Buffer,
  content: string,
): Promise<{ plaintext: string; fingerprint: string } | undefined> {
  const fingerprint = clientKeyFingerprint(aesKey);
  const allowed = await deps.compat.reserveDecryption(fingerprint, {
    maxFailures: MAX_AES_FAILURES_PER_KEY,
    expiresAt: epochSeconds(deps.clock.now()) + AES_FAILURE_TTL_SECONDS,
  });
  if (!allowed) return undefined;
  try {
    return { plaintext: decodeUtf8(openEnvelope(aesKey, content)), fingerprint };
  } catch {
    return undefined;
  }
}

/** A private key that cannot be loaded is our fault, not the client's: it must not read as a bad aes_key. */
function isKeyLoadFailure(error: unknown): boolean {
  return error instanceof PrivateKeyUnavailableError;
}

async function createJob(
  deps: CompatProcessDependencies,
  request: ProcessRequest,
  payload: InnerPayload,
  decoded: readonly DecodedImage[],
  clientKey: string,
): Promise<CompatAnswer> {
  const now = deps.clock.now();
  const createdAt = now.toISOString();
  const expiresAt = epochSeconds(now) + COMPAT_RECORD_TTL_SECONDS;
  const taskId = deps.ids.newId();
  const record: CompatRecord = {
    clientId: request.clientId,
    type: request.type,
    sha256: request.sha256,
    taskId,
    createdAt,
    expiresAt,
  };

  // The record is claimed first: of two racing first POSTs only one stores inputs and enqueues.
  const claim = await deps.compat.create(record, epochSeconds(now));
  if (!claim.created) return answerKnownJob(deps, claim.existing);

  const owner = compatOwner(request.clientId);
  const inputs = jobInputs(owner, taskId, payload, decoded);
  const task: Task = {
    taskId,
    owner,
    type: TASK_TYPE_OF[request.type],
    status: 'pending',
    priority: 'normal',
    source: 'compat',
    createdAt,
    updatedAt: createdAt,
    images: inputs.images,
    requestKey: inputs.requestKey,
    attempts: 0,
    expiresAt,
    clientKey,
  };
  // Inputs and task are written side by side: nothing reads either before the message is sent.
  const writes = await Promise.allSettled([storeJobInputs(deps.blobs, inputs), deps.tasks.create(task)]);
  const failure = writes.find((write) => write.status === 'rejected');
  if (failure) {
    // Without its task the record would answer "processing" until the timeout; let a retry start afresh.
    await Promise.allSettled([
      deps.compat.delete(record),
      deps.tasks.delete(taskId),
      deps.blobs.delete([...inputs.images.map((image) => image.key), inputs.requestKey]),
    ]);
    throw failure.reason;
  }
  // A lost message is not fatal: the sweeper re-sends tasks left pending, as for v1 submissions.
  await deps.queue.send({ taskId }, 'normal').catch(() => undefined);
  return PROCESSING;
}

/** A known job: refresh its expiry, time it out if overdue, answer its state. */
export async function answerKnownJob(
  deps: CompatProcessDependencies,
  record: CompatRecord,
): Promise<CompatAnswer> {
  const now = deps.clock.now();
  const expiresAt = epochSeconds(now) + COMPAT_RECORD_TTL_SECONDS;
  const refresh =
    record.expiresAt < expiresAt - COMPAT_RECORD_REFRESH_SECONDS
      ? deps.compat.touch(record, expiresAt)
      : undefined;
  const overdue = now.getTime() - Date.parse(record.createdAt) >= COMPAT_PROCESSING_TIMEOUT_MS;

  // The refresh and the read touch different attributes: side by side.
  let [task] = await Promise.all([deps.tasks.get(record.taskId), refresh]);
  if (!task) return overdue ? failed('PROCESSING_TIMEOUT') : PROCESSING;
  if (!isTerminal(task.status) && overdue) task = await timeOut(deps, task);
  return answerFor(deps, task);
}

/**
 * Ends the task the way every task ends (endTask): conditional on the status and attempt read, so a worker
 * finishing later cannot complete it, and its plaintext images and library leave the bucket.
 */
async function timeOut(deps: CompatProcessDependencies, task: Task): Promise<Task> {
  const ended = await endTask(deps, {
    task,
    ending: {
      status: 'error',
      error: { code: 'PROCESSING_TIMEOUT', message: 'the job did not finish within 10 minutes' },
      usage: unknownUsage(deps.providers),
    },
    at: deps.clock.now(),
  });
  return ended ?? (await deps.tasks.get(task.taskId)) ?? task;
}

async function answerFor(deps: CompatProcessDependencies, task: Task): Promise<CompatAnswer> {
  if (task.status === 'error') return failed(compatErrorOf(task.error?.code));
  if (task.status !== 'completed') return PROCESSING;
  const stored =
    task.resultKey === undefined ? task.result : await readResultBlob(deps.blobs, task.resultKey);
  // Never answer a result that was not sealed under the client's key (a worker without the sealer).
  if (!isSealedResult(stored)) return failed('PROCESSING_ERROR');
  return { status: 'completed', result: stored.encrypted };
}

async function readResultBlob(blobs: BlobStore, key: string): Promise<unknown> {
  const bytes = await blobs.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}
