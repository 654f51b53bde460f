import { deleteTask } from '../../core/use-cases/delete-task';
import { documentClient } from '../aws-clients';
import { blobStore, cacheStore, taskStore } from '../storage-dependencies';
import { apiHandler, ownerOf, pathParameter } from './api-handler';
import { routeDependencies } from './dependencies';

const dependencies = routeDependencies((config) => {
  const doc = documentClient();
  // The cache entries that copy a task's OCR text and result go with it.
  return { tasks: taskStore(config, doc), blobs: blobStore(config), cache: cacheStore(config, doc) };
});

/** Route `deleteTask` (handlers/route-table.ts): 204 with no body. */
export const handler = apiHandler(async (event, log) => {
  const owner = ownerOf(event);
  const taskId = pathParameter(event, 'taskId');
  log.appendKeys({ taskId });
  await deleteTask(dependencies(), owner, taskId);
  log.info('task deleted');
  return { status: 204 };
});
