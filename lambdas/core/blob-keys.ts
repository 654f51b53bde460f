import { BLOB_PREFIXES, type BlobPrefix } from './shared-facts';
import type { Task } from './task';

/** The S3 layout of docs/architecture.md: every key sits under a prefix, then its owner's (URI-encoded) one. */
const owned = (prefix: BlobPrefix, owner: string) => `${BLOB_PREFIXES[prefix]}/${encodeURIComponent(owner)}`;

export const uploadKey = (owner: string, uploadId: string) => `${owned('uploads', owner)}/${uploadId}`;
export const inputImageKey = (owner: string, taskId: string, n: number) =>
  `${owned('inputs', owner)}/${taskId}/${n}`;
export const requestDetailsKey = (owner: string, taskId: string) =>
  `${owned('inputs', owner)}/${taskId}/request.json`;
export const resultKey = (owner: string, taskId: string) => `${owned('results', owner)}/${taskId}.json`;
export const evidenceKey = (owner: string, taskId: string) =>
  `${owned('results', owner)}/${taskId}.evidence.json`;

/** Ids we hand out are URL-safe; anything else cannot name one of them (and must not reach a key). */
const ID_FORMAT = /^[A-Za-z0-9._:-]{1,128}$/;
export const isWellFormedId = (id: string) => ID_FORMAT.test(id) && id !== '.' && id !== '..';

/**
 * Every blob a task owns: its images (inline ones and its copies of uploads), its request details and a
 * large result with its evidence.
 */
export function taskBlobKeys(task: Task, options: { withResult: boolean }): string[] {
  return [
    ...task.images.map((image) => image.key),
    task.requestKey,
    // The conventional key too: a worker may have written it before losing the race to complete.
    ...(options.withResult
      ? [
          ...new Set([
            resultKey(task.owner, task.taskId),
            task.resultKey ?? '',
            evidenceKey(task.owner, task.taskId),
            task.evidenceKey ?? '',
          ]),
        ].filter(Boolean)
      : []),
  ];
}
