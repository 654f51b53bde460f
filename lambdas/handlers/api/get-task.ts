import { getTask } from '../../core/use-cases/get-task';
import { annotateTask } from '../powertools';
import { apiHandler, ownerOf, pathParameter } from './api-handler';
import { dependencies } from './dependencies';

/** Route `getTask` (handlers/route-table.ts): one of the caller's tasks, with its result once completed. */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const taskId = pathParameter(event, 'taskId');
  log.appendKeys({ taskId });
  annotateTask(taskId);
  return { status: 200, body: await getTask(dependencies(), owner, taskId) };
});
