import { deleteTask } from '../../core/use-cases/delete-task';
import { annotateTask } from '../powertools';
import { apiHandler, ownerOf, pathParameter } from './api-handler';
import { dependencies } from './dependencies';

/** Route `deleteTask` (handlers/route-table.ts): 204 with no body. */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const taskId = pathParameter(event, 'taskId');
  log.appendKeys({ taskId });
  annotateTask(taskId);
  await deleteTask(dependencies(), owner, taskId);
  log.info('task deleted');
  return { status: 204 };
});
