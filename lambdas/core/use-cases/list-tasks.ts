import pLimit from 'p-limit';
import type { BlobReader, TaskStore } from '../ports';
import type { ListTasksQuery, ListTasksResponse, TaskView } from '../schemas/tasks';
import { viewWithResult } from '../task-view';

/** Large results live in the blob store; read a page's worth of them a few at a time. */
const RESULT_READS_IN_PARALLEL = 8;

export interface ListTasksDependencies {
  tasks: TaskStore;
  blobs: BlobReader;
}

export interface ListTasksOptions {
  /**
   * Most bytes the items of one page may take, measured as the page travels inside a JSON envelope
   * (each item serialised twice: quotes and control characters escaped). A page always holds one item.
   */
  maxPageBytes: number;
}

/** Bytes a view adds to a page once its JSON is itself carried as a JSON string (plus a separating comma). */
function carriedBytes(view: TaskView): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(view))) - 1;
}

/**
 * The caller's tasks (route `listTasks`), newest first, at most `limit` of them and at most
 * `maxPageBytes` of them; a page cut short by size ends with a cursor that resumes at the first item left out.
 */
export async function listTasks(
  deps: ListTasksDependencies,
  owner: string,
  query: ListTasksQuery,
  options: ListTasksOptions,
): Promise<ListTasksResponse> {
  const page = await deps.tasks.listByOwner(owner, { limit: query.limit, cursor: query.cursor });
  const limit = pLimit(RESULT_READS_IN_PARALLEL);
  const views = await Promise.all(page.items.map((task) => limit(() => viewWithResult(deps.blobs, task))));
  const items: TaskView[] = [];
  let bytes = 0;
  for (const view of views) {
    const size = carriedBytes(view);
    // The first item goes in whatever its size, so every page makes progress.
    if (items.length > 0 && bytes + size > options.maxPageBytes) {
      return { items, nextCursor: page.cursorAfter[items.length - 1] };
    }
    items.push(view);
    bytes += size;
  }
  return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
}
