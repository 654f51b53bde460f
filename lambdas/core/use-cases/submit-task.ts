import { inputImageKey, isWellFormedId, requestDetailsKey, uploadKey } from '../blob-keys';
import { ApiError, NotFoundError } from '../errors';
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
  IdempotencyStore,
  IdGenerator,
  PageCounter,
  TaskQueue,
  TaskStore,
} from '../ports';
import type { ImageRef, SubmitFormFillingRequest, SubmitImagesRequest, TaskSummary } from '../schemas/tasks';
import type { ImageInput, Task, TaskRequestDetails } from '../task';
import { toTaskSummary } from '../task-view';

/** Enough of a file for any JPEG/PNG header we accept (EXIF blocks sit before a JPEG's frame header). */
const HEADER_BYTES = 512 * 1024;

export type SubmitTaskInput =
  | { type: 'document' | 'form'; request: SubmitImagesRequest }
  | { type: 'form_filling'; request: SubmitFormFillingRequest };

export interface SubmitTaskDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
  queue: TaskQueue;
  idempotency: IdempotencyStore;
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
  | { source: 'upload'; key: string; size: number; image: InspectedInput };

/** `POST /v1/tasks/{document,form,form-filling}`: validate, store inputs, record the task, queue it. */
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
  // Everything is checked before anything is written, so a refused request leaves no trace.
  let images: CheckedImage[];
  try {
    images =
      input.type === 'form_filling'
        ? []
        : await checkImages(deps.blobs, deps.pageCounter, owner, input.request.images);
  } catch (error) {
    // A replay may name uploads its first task has consumed (deleted) since: it still gets that task.
    if (idempotencyKey !== undefined && error instanceof ApiError) {
      const replay = await claimIdempotencyKey(deps, owner, idempotencyKey, deps.ids.newId(), requestHash);
      if (replay) return { summary: toTaskSummary(replay), created: false, queued: true };
      await deps.idempotency.release(owner, idempotencyKey).catch(() => {});
    }
    throw error;
  }
  const taskId = deps.ids.newId();

  if (idempotencyKey !== undefined) {
    const replay = await claimIdempotencyKey(deps, owner, idempotencyKey, taskId, requestHash);
    if (replay) return { summary: toTaskSummary(replay), created: false, queued: true };
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
  const releaseKey = async () => {
    if (idempotencyKey !== undefined) await deps.idempotency.release(owner, idempotencyKey).catch(() => {});
  };
  // The task is recorded right after the key is claimed, so a concurrent replay finds it.
  await deps.tasks.create(task).catch(async (error: unknown) => {
    await releaseKey();
    throw error;
  });
  try {
    await storeInputs(deps.blobs, task, images, details(input));
  } catch (error) {
    await Promise.allSettled([deps.tasks.delete(taskId), releaseKey()]);
    throw error;
  }
  const queued = await deps.queue.send({ taskId }, task.priority).then(
    () => true,
    () => false,
  );
  return { summary: toTaskSummary(task), created: true, queued };
}

/** The first task of this key and body, or undefined when the key is now ours. 409 for another body. */
async function claimIdempotencyKey(
  deps: SubmitTaskDependencies,
  owner: string,
  key: string,
  taskId: string,
  requestHash: string,
): Promise<Task | undefined> {
  const record = { taskId, requestHash, ttlSeconds: deps.retentionDays * 86_400 };
  // Two rounds: the second only runs after a record pointing to a deleted task was released.
  for (let round = 0; round < 2; round++) {
    const claimed = await deps.idempotency.claim(owner, key, record);
    if (claimed.status === 'new') return undefined;
    if (claimed.requestHash !== requestHash) {
      throw new ApiError(
        'IDEMPOTENCY_CONFLICT',
        'this Idempotency-Key was used with a different request body',
      );
    }
    const first = await deps.tasks.get(claimed.taskId);
    if (first && first.owner === owner) return first;
    await deps.idempotency.release(owner, key);
  }
  throw new ApiError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key is being used by a concurrent request');
}

async function checkImages(
  blobs: BlobStore,
  pageCounter: PageCounter,
  owner: string,
  refs: ImageRef[],
): Promise<CheckedImage[]> {
  const checked: CheckedImage[] = [];
  let pages = 0;
  // One at a time: a request holds up to 20 images and the first bad one ends it.
  for (const [n, ref] of refs.entries()) {
    const label = `images[${n}]`;
    if ('data' in ref) {
      const bytes = decodeBase64Image(ref.data, `images.${n}.data`);
      checked.push({ source: 'inline', bytes, image: await inspectInput(bytes, label, pageCounter) });
    } else {
      checked.push(await checkUpload(blobs, pageCounter, owner, ref.uploadId, label));
    }
    pages += checked[n]?.image.pages ?? 0;
    checkPageCount(pages);
  }
  return checked;
}

/** Uploads are checked again here: the presigned POST's policy is not enforced by every S3 (s3rver). */
async function checkUpload(
  blobs: BlobStore,
  pageCounter: PageCounter,
  owner: string,
  uploadId: string,
  label: string,
): Promise<CheckedImage> {
  const notFound = () => new NotFoundError('UPLOAD_NOT_FOUND', `upload ${uploadId} does not exist`);
  if (!isWellFormedId(uploadId)) throw notFound();
  const key = uploadKey(owner, uploadId);
  const head = await blobs.head(key);
  if (!head) throw notFound();
  checkImageSize(head.size, label);
  const header = await blobs.getPrefix(key, HEADER_BYTES);
  if (!header) throw notFound();
  const whole = async () => {
    const bytes = await blobs.get(key);
    if (!bytes) throw notFound();
    return bytes;
  };
  // A PDF's or TIFF's page list is spread through the file: it is counted from the whole file.
  if (isDocument(detectMediaType(header)) && head.size > header.byteLength) {
    return {
      source: 'upload',
      key,
      size: head.size,
      image: await inspectInput(await whole(), label, pageCounter),
    };
  }
  let image: InspectedInput;
  try {
    image = await inspectInput(header, label, pageCounter, head.size);
  } catch (error) {
    // A JPEG's frame header can sit past the first bytes; read the whole file before calling it invalid.
    if (!(error instanceof ApiError && error.code === 'INVALID_IMAGE' && head.size > header.byteLength))
      throw error;
    image = await inspectInput(await whole(), label, pageCounter, head.size);
  }
  return { source: 'upload', key, size: head.size, image };
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
        uploaded: true,
      };
}

function details(input: SubmitTaskInput): TaskRequestDetails {
  return input.type === 'form_filling'
    ? { library: input.request.library, form: input.request.form }
    : { library: input.request.library };
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
