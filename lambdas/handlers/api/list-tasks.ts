import { ListTasksQuery } from '../../core/schemas/tasks';
import { listTasks } from '../../core/use-cases/list-tasks';
import { blobReader, taskStore } from '../storage-dependencies';
import { apiHandler, MAX_LIST_PAGE_BYTES, ownerOf, validate } from './api-handler';
import { routeDependencies } from './dependencies';

const dependencies = routeDependencies((config) => ({
  tasks: taskStore(config),
  blobs: blobReader(config),
}));

/** Route `listTasks` (handlers/route-table.ts), `?limit=&cursor=`: the caller's tasks, newest first. */
export const handler = apiHandler(async (event) => {
  const owner = ownerOf(event);
  const query = validate(
    ListTasksQuery,
    event.queryStringParameters ?? {},
    'The query string is invalid',
    'query',
  );
  return {
    status: 200,
    body: await listTasks(dependencies(), owner, query, { maxPageBytes: MAX_LIST_PAGE_BYTES }),
  };
});
