import { randomUUID } from 'node:crypto';
import { DocumentPageCounter } from '../../adapters/document-page-counter';
import { type SubmitTaskInput, submitTask } from '../../core/use-cases/submit-task';
import { documentClient } from '../aws-clients';
import { TASK_METRICS } from '../metric-names';
import { countForType } from '../metrics';
import { routePath } from '../route-table';
import {
  blobStore,
  idempotencyStore,
  systemClock,
  taskQueue,
  taskStore,
  uploadClaims,
} from '../storage-dependencies';
import { type ApiEvent, apiHandler, idempotencyKeyOf, ownerOf } from './api-handler';
import { routeDependencies } from './dependencies';

/** The submission routes' dependencies: the only API routes that send messages or count pages. */
const dependencies = routeDependencies((config) => {
  const doc = documentClient();
  return {
    tasks: taskStore(config, doc),
    blobs: blobStore(config),
    queue: taskQueue(config),
    idempotency: idempotencyStore(config, doc),
    uploads: uploadClaims(config, doc),
    clock: systemClock,
    ids: { newId: () => randomUUID() },
    pageCounter: new DocumentPageCounter(),
    retentionDays: config.retentionDays,
  };
});

/**
 * The three submission routes differ only in how they read their body: `readSubmission` pairs the task
 * type with its schema, and its return type lets no type take another's body.
 */
export function submitHandler(readSubmission: (event: ApiEvent) => SubmitTaskInput) {
  return apiHandler(async (event: ApiEvent, log) => {
    const owner = ownerOf(event);
    const idempotencyKey = idempotencyKeyOf(event);
    const input = readSubmission(event);
    const { type } = input;
    const { summary, created, queued } = await submitTask(dependencies(), owner, input, idempotencyKey);
    // From here on the request's lines carry the task id, which the worker's lines use as correlation id.
    log.appendKeys({ taskId: summary.taskId });
    if (created) countForType(TASK_METRICS.submitted, type, 1);
    log.info(created ? 'task submitted' : 'task already submitted under this idempotency key', {
      type,
      status: summary.status,
    });
    if (!queued) log.warn('task recorded but not queued; the sweeper will send it');
    return {
      status: 202,
      body: summary,
      headers: { location: routePath('getTask', { taskId: summary.taskId }) },
    };
  });
}
