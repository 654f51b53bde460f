import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { handler as deleteTask } from '../../../lambdas/handlers/api/delete-task';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as getTask } from '../../../lambdas/handlers/api/get-task';
import { handler as submitDocument } from '../../../lambdas/handlers/api/submit-document';
import { apiEvent, base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

const remove = (sub: string, taskId: string) =>
  deleteTask(apiEvent('DELETE /v1/tasks/{taskId}', { sub, pathParameters: { taskId } }));

describe('DELETE /v1/tasks/{taskId}', () => {
  it('answers 204 with no body; afterwards the task and its inputs are gone and GET answers 404', async () => {
    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', { body: { images: [{ data: base64(pngImage()) }] } }),
    );
    const { taskId } = JSON.parse(submitted.body ?? '');
    const result = await remove('user-a', taskId);
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(world.blobs.blobs.size).toBe(0);
    const after = await getTask(apiEvent('GET /v1/tasks/{taskId}', { pathParameters: { taskId } }));
    expect(after.statusCode).toBe(404);
    expect((await remove('user-a', taskId)).statusCode).toBe(404);
  });

  it('removes the cache entries that hold the task’s OCR text and result', async () => {
    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', { body: { images: [{ data: base64(pngImage()) }] } }),
    );
    const { taskId } = JSON.parse(submitted.body ?? '');
    await processTask(world, taskId);
    expect(world.cache.entries.size).toBe(2);
    expect((await remove('user-a', taskId)).statusCode).toBe(204);
    expect(world.cache.entries.size).toBe(0);
  });

  it('answers 404 TASK_NOT_FOUND to another user and keeps the task', async () => {
    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', { body: { images: [{ data: base64(pngImage()) }] } }),
    );
    const { taskId } = JSON.parse(submitted.body ?? '');
    const result = await remove('user-b', taskId);
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? '').error.code).toBe('TASK_NOT_FOUND');
    expect(world.tasks.tasks.has(taskId)).toBe(true);
  });
});
