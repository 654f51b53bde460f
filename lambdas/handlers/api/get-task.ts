import { getTask } from '../../core/use-cases/get-task';
import { apiHandler, ownerOf, pathParameter } from './api-handler';
import { dependencies } from './dependencies';

/** `GET /v1/tasks/{taskId}` */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const taskId = pathParameter(event, 'taskId');
  log.appendKeys({ taskId });
  return { status: 200, body: await getTask(dependencies(), owner, taskId) };
});
