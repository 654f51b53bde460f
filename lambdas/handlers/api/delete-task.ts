import { deleteTask } from '../../core/use-cases/delete-task';
import { dependencies } from './dependencies';
import { apiHandler, ownerOf, pathParameter } from './http';

/** `DELETE /v1/tasks/{taskId}`: 204 with no body. */
export const handler = apiHandler(async (event) => {
  const owner = ownerOf(event);
  await deleteTask(dependencies(), owner, pathParameter(event, 'taskId'));
  return { status: 204 };
});
