import { GetTaskQuery } from '../../core/schemas/tasks';
import { isTerminal } from '../../core/task';
import { getTask } from '../../core/use-cases/get-task';
import { blobReader, systemClock, taskStore } from '../storage-dependencies';
import { apiHandler, ownerOf, pathParameter, validate } from './api-handler';
import { pause, routeDependencies } from './dependencies';

const dependencies = routeDependencies((config) => ({
  tasks: taskStore(config),
  // A result too large for the task record is read from the bucket.
  blobs: blobReader(config),
  clock: systemClock,
  pause,
}));

/** What a client that polls should wait before asking again about a task that has not ended. */
export const RETRY_AFTER_SECONDS = 2;

/** `GET /v1/tasks/{taskId}[?waitSeconds=0..20]` */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const taskId = pathParameter(event, 'taskId');
  log.appendKeys({ taskId });
  const query = validate(
    GetTaskQuery,
    event.queryStringParameters ?? {},
    'The query string is invalid',
    'query',
  );
  const view = await getTask(dependencies(), owner, taskId, query);
  const headers: Record<string, string> = isTerminal(view.status)
    ? {}
    : { 'retry-after': String(RETRY_AFTER_SECONDS) };
  return { status: 200, body: view, headers };
});
