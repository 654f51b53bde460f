import type { Task } from './task';

/** The S3 layout of docs/architecture.md: every key sits under its owner's (URI-encoded) prefix. */
const owned = (owner: string) => encodeURIComponent(owner);

export const uploadKey = (owner: string, uploadId: string) => `uploads/${owned(owner)}/${uploadId}`;
export const inputImageKey = (owner: string, taskId: string, n: number) =>
  `inputs/${owned(owner)}/${taskId}/${n}`;
export const requestDetailsKey = (owner: string, taskId: string) =>
  `inputs/${owned(owner)}/${taskId}/request.json`;
export const resultKey = (owner: string, taskId: string) => `results/${owned(owner)}/${taskId}.json`;

/** Ids we hand out are URL-safe; anything else cannot name one of them (and must not reach a key). */
const ID_FORMAT = /^[A-Za-z0-9._:-]{1,128}$/;
export const isWellFormedId = (id: string) => ID_FORMAT.test(id) && id !== '.' && id !== '..';

/**
 * Every blob a task owns: its inline images, the uploads it consumed (an upload serves one task),
 * its request details and a large result.
 */
export function taskBlobKeys(task: Task, options: { withResult: boolean }): string[] {
  return [
    ...task.images.map((image) => image.key),
    task.requestKey,
    // The conventional key too: a worker may have written it before losing the race to complete.
    ...(options.withResult
      ? [...new Set([resultKey(task.owner, task.taskId), task.resultKey ?? ''])].filter(Boolean)
      : []),
  ];
}
