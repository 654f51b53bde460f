import { inputImageKey, isWellFormedId, requestDetailsKey, uploadKey } from '../blob-keys';
import { ApiError, IdempotencyConflict, ImageRejected, UploadNotFound } from '../errors';
import { canonicalJson, sha256Hex } from '../hashing';
import {
  checkImageSize,
  checkPageCount,
  decodeBase64Image,
  detectMediaType,
  type InspectedInput,
  inspectInput,
  isDocument,
} from '../images';
import type {
  BlobStore,
  Clock,
  IdempotencyOutcome,
  IdempotencyStore,
  IdGenerator,
  PageCounter,
  TaskQueue,
  TaskStore,
  UploadClaims,
} from '../ports';
import type { ImageRef, SubmitFormFillingRequest, SubmitImagesRequest, TaskSummary } from '../schemas/tasks';
import type { ImageInput, Task, TaskRequestDetails } from '../task';
import { toTaskSummary } from '../task-view';

/** Enough of a file for any JPEG/PNG header we accept (EXIF blocks sit before a JPEG's frame header). */
const HEADER_BYTES = 512 * 1024;

/**
 * How long an Idempotency-Key record may point to a task not recorded yet and still count as its first
 * request at work: longer than any API invocation lives (API Gateway's 30 s integration timeout). Within
 * it a second request answers 409; after it the record is taken for abandoned and released.
 */
export const IDEMPOTENCY_SETTLE_SECONDS = 30;

export type SubmitTaskInput =
  | { type: 'document' | 'form'; request: SubmitImagesRequest }
  | { type: 'form_filling'; request: SubmitFormFillingRequest };

export interface SubmitTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  queue: TaskQueue;
  idempotency: IdempotencyStore;
  /** An upload id serves one task. */
  uploads: UploadClaims;
  clock: Clock;
  ids: IdGenerator;
  /** Counts the pages of PDF and TIFF inputs (DESIGN §3.1). */
  pageCounter: PageCounter;
  retentionDays: number;
}

export interface SubmitTaskOutcome {
  summary: TaskSummary;
  /** False when an Idempotency-Key replay returned the first task. */
  created: boolean;
  /** False when the message could not be sent; the sweeper re-sends it after the pending timeout. */
  queued: boolean;
}

type CheckedImage =
  | { source: 'inline'; bytes: Uint8Array; image: InspectedInput }
  /** `key` is the task's own copy of the upload: what was checked is what the worker reads. */
  | { source: 'upload'; uploadId: string; key: string; size: number; image: InspectedInput };

/** What checking a request's uploads wrote: undone when the request is refused. */
interface UploadTrail {
  claimed: string[];
  copies: string[];
}

/** The three submission routes (`submitDocument`, `submitForm`, `submitFormFilling`): validate, store inputs, record the task, queue it. */
export async function submitTask(
  deps: SubmitTaskDependencies,
  owner: string,
  input: SubmitTaskInput,
  idempotencyKey?: string,
): Promise<SubmitTaskOutcome> {
  const requestHash =
    idempotencyKey === undefined
      ? ''
      : sha256Hex(canonicalJson({ type: input.type, request: input.request }));
  const taskId = deps.ids.newId();
  const trail: UploadTrail = { claimed: [], copies: [] };
  // Everything is checked before the task is recorded, and a refused request takes back what checking
  // its uploads wrote, so it leaves no trace.
  let images: CheckedImage[];
  try {
    images =
      input.type === 'form_filling'
        ? []
        : await checkImages(deps, owner, taskId, input.request.images, trail);
  } catch (error) {
    await undoUploads(deps, owner, taskId, trail);
    // A replay may name uploads its first task has consumed since: it still gets that task.
    if (idempotencyKey !== undefined && error instanceof ApiError) {
      const replay = await claimIdempotencyKey(deps, owner, idempotencyKey, taskId, requestHash);
      if (replay) return { summary: toTaskSummary(replay), created: false, queued: true };
      await deps.idempotency.release(owner, idempotencyKey, taskId).catch(() => {});
    }
    throw error;
  }

  if (idempotencyKey !== undefined) {
    const replay = await claimIdempotencyKey(deps, owner, idempotencyKey, taskId, requestHash).catch(
      async (error: unknown) => {
        await undoUploads(deps, owner, taskId, trail);
        throw error;
      },
    );
    if (replay) {
      await undoUploads(deps, owner, taskId, trail);
      return { summary: toTaskSummary(replay), created: false, queued: true };
    }
  }

  const now = deps.clock.now();
  const task: Task = {
    taskId,
    owner,
    type: input.type,
    status: 'pending',
    priority: input.request.priority,
    source: 'v1',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    images: images.map((checked, n) => toImageInput(owner, taskId, n, checked)),
    requestKey: requestDetailsKey(owner, taskId),
    attempts: 0,
    expiresAt: Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400,
  };
  const giveBack = async () => {
    await Promise.allSettled([
      undoUploads(deps, owner, taskId, trail),
      idempotencyKey === undefined ? undefined : deps.idempotency.release(owner, idempotencyKey, taskId),
    ]);
  };
  // The task is recorded right after the key is claimed, so a concurrent replay finds it; its inputs are
  // stored beside it, as nothing reads them before the message is sent.
  const writes = await Promise.allSettled([
    deps.tasks.create(task),
    storeInputs(deps.blobs, task, images, details(input)),
  ]);
  const failure = writes.find((write) => write.status === 'rejected');
  if (failure) {
    await Promise.allSettled([
      deps.tasks.delete(taskId),
      deps.blobs.delete(inlineInputKeys(task, images)),
      giveBack(),
    ]);
    throw failure.reason;
  }
  const queued = await deps.queue.send({ taskId }, task.priority).then(
    () => true,
    () => false,
  );
  // The task has its copies; the uploads themselves are done with (their claims keep the ids used up).
  const uploaded = images.flatMap((checked) =>
    checked.source === 'upload' ? [uploadKey(owner, checked.uploadId)] : [],
  );
  if (uploaded.length > 0) await deps.blobs.delete(uploaded).catch(() => {});
  return { summary: toTaskSummary(task), created: true, queued };
}

/**
 * The first task of this key and body, or undefined when the key is now ours. IdempotencyConflict for another body, and
 * while the record's own request has not recorded its task yet (it may be on its way).
 */
async function claimIdempotencyKey(
  deps: SubmitTaskDependencies,
  owner: string,
  key: string,
  taskId: string,
  requestHash: string,
): Promise<Task | undefined> {
  const now = deps.clock.now();
  const record = {
    taskId,
    requestHash,
    ttlSeconds: deps.retentionDays * 86_400,
    claimedAt: now.toISOString(),
  };
  // Two rounds: the second only runs after an abandoned record (its task deleted or never made) was released.
  for (let round = 0; round < 2; round++) {
    const claimed = await deps.idempotency.claim(owner, key, record);
    // Our own record (a retried put whose first answer was lost) is ours as much as a new one.
    if (claimed.status === 'new' || claimed.taskId === taskId) return undefined;
    if (claimed.requestHash !== requestHash) {
      throw new IdempotencyConflict('this Idempotency-Key was used with a different request body');
    }
    const first = await deps.tasks.get(claimed.taskId);
    if (first && first.owner === owner) return first;
    if (settling(claimed, now)) {
      throw new IdempotencyConflict(
        'the first request with this Idempotency-Key is still being processed; retry in a few seconds',
      );
    }
    // Only that record: a newer claim of the key by someone else stays.
    await deps.idempotency.release(owner, key, claimed.taskId);
  }
  throw new IdempotencyConflict('this Idempotency-Key is being used by a concurrent request');
}

function settling(claimed: Extract<IdempotencyOutcome, { status: 'existing' }>, now: Date): boolean {
  if (claimed.claimedAt === undefined) return false;
  return now.getTime() - Date.parse(claimed.claimedAt) < IDEMPOTENCY_SETTLE_SECONDS * 1000;
}

async function checkImages(
  deps: SubmitTaskDependencies,
  owner: string,
  taskId: string,
  refs: ImageRef[],
  trail: UploadTrail,
): Promise<CheckedImage[]> {
  const checked: CheckedImage[] = [];
  let pages = 0;
  // One at a time: a request holds up to 20 images and the first bad one ends it.
  for (const [n, ref] of refs.entries()) {
    const label = `images[${n}]`;
    if ('data' in ref) {
      const bytes = decodeBase64Image(ref.data, `images.${n}.data`);
      checked.push({ source: 'inline', bytes, image: await inspectInput(bytes, label, deps.pageCounter) });
    } else {
      checked.push(await checkUpload(deps, owner, taskId, ref.uploadId, n, trail));
    }
    pages += checked[n]?.image.pages ?? 0;
    checkPageCount(pages);
  }
  return checked;
}

/**
 * An upload becomes the task's own: claimed for this task (an upload id serves one task, however often
 * its presigned POST is used), copied under the task's inputs, and that copy checked (size, type,
 * dimensions; the POST policy is not enforced by every S3, s3rver). A later POST to the upload cannot
 * change what the task reads.
 */
async function checkUpload(
  deps: SubmitTaskDependencies,
  owner: string,
  taskId: string,
  uploadId: string,
  n: number,
  trail: UploadTrail,
): Promise<CheckedImage> {
  const label = `images[${n}]`;
  const notFound = () => new UploadNotFound(uploadId);
  if (!isWellFormedId(uploadId)) throw notFound();
  const source = uploadKey(owner, uploadId);
  const sourceHead = await deps.blobs.head(source);
  if (!sourceHead) throw notFound();
  checkImageSize(sourceHead.size, label);
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + deps.retentionDays * 86_400;
  if (!(await deps.uploads.claim(owner, uploadId, { taskId, expiresAt }))) throw notFound();
  trail.claimed.push(uploadId);
  const key = inputImageKey(owner, taskId, n);
  if (!(await deps.blobs.copy(source, key))) throw notFound();
  trail.copies.push(key);
  const head = await deps.blobs.head(key);
  if (!head) throw notFound();
  checkImageSize(head.size, label);
  const header = await deps.blobs.getPrefix(key, HEADER_BYTES);
  if (!header) throw notFound();
  const whole = async () => {
    const bytes = await deps.blobs.get(key);
    if (!bytes) throw notFound();
    return bytes;
  };
  // A PDF's or TIFF's page list is spread through the file: it is counted from the whole file.
  if (isDocument(detectMediaType(header)) && head.size > header.byteLength) {
    const image = await inspectInput(await whole(), label, deps.pageCounter);
    return { source: 'upload', uploadId, key, size: head.size, image };
  }
  let image: InspectedInput;
  try {
    image = await inspectInput(header, label, deps.pageCounter, head.size);
  } catch (error) {
    // A JPEG's frame header can sit past the first bytes; read the whole file before calling it invalid.
    if (!(error instanceof ImageRejected && error.code === 'INVALID_IMAGE' && head.size > header.byteLength))
      throw error;
    image = await inspectInput(await whole(), label, deps.pageCounter, head.size);
  }
  return { source: 'upload', uploadId, key, size: head.size, image };
}

/** Takes back what checking the uploads wrote (best effort: retention and the lifecycle rule do the rest). */
async function undoUploads(
  deps: SubmitTaskDependencies,
  owner: string,
  taskId: string,
  trail: UploadTrail,
): Promise<void> {
  await Promise.allSettled([
    trail.copies.length > 0 ? deps.blobs.delete(trail.copies) : undefined,
    ...trail.claimed.map((uploadId) => deps.uploads.release(owner, uploadId, taskId)),
  ]);
  trail.claimed.length = 0;
  trail.copies.length = 0;
}

function toImageInput(owner: string, taskId: string, n: number, checked: CheckedImage): ImageInput {
  return checked.source === 'inline'
    ? {
        key: inputImageKey(owner, taskId, n),
        mediaType: checked.image.mediaType,
        bytes: checked.bytes.byteLength,
        pages: checked.image.pages,
      }
    : {
        key: checked.key,
        mediaType: checked.image.mediaType,
        bytes: checked.size,
        pages: checked.image.pages,
      };
}

function details(input: SubmitTaskInput): TaskRequestDetails {
  return input.type === 'form_filling'
    ? { library: input.request.library, form: input.request.form }
    : { library: input.request.library };
}

/** The inputs a submission writes itself: inline images and the request details (upload copies are undone apart). */
function inlineInputKeys(task: Task, images: CheckedImage[]): string[] {
  const inline = images.flatMap((checked, n) =>
    checked.source === 'inline' && task.images[n] ? [task.images[n].key] : [],
  );
  return [...inline, task.requestKey];
}

async function storeInputs(
  blobs: BlobStore,
  task: Task,
  images: CheckedImage[],
  requestDetails: TaskRequestDetails,
): Promise<void> {
  await Promise.all([
    ...images.flatMap((checked, n) => {
      const input = task.images[n];
      return checked.source === 'inline' && input
        ? [blobs.put(input.key, checked.bytes, input.mediaType)]
        : [];
    }),
    blobs.put(task.requestKey, JSON.stringify(requestDetails), 'application/json'),
  ]);
}
