import pLimit from 'p-limit';
import type { BlobStore, TaskStore } from '../ports';
import type { ListTasksQuery, ListTasksResponse } from '../schemas/tasks';
import { viewWithResult } from '../task-view';

/** Large results live in the blob store; read a page's worth of them a few at a time. */
const RESULT_READS_IN_PARALLEL = 8;

export interface ListTasksDependencies {
  tasks: TaskStore;
  blobs: BlobStore;
}

/** The caller's tasks, newest first (route `listTasks`). */
export async function listTasks(
  deps: ListTasksDependencies,
  owner: string,
  query: ListTasksQuery,
): Promise<ListTasksResponse> {
  const page = await deps.tasks.listByOwner(owner, { limit: query.limit, cursor: query.cursor });
  const limit = pLimit(RESULT_READS_IN_PARALLEL);
  const items = await Promise.all(page.items.map((task) => limit(() => viewWithResult(deps.blobs, task))));
  return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
}
