import type * as z from 'zod';
import type { TaskType } from '../../core/task';
import { type SubmitTaskInput, submitTask } from '../../core/use-cases/submit-task';
import { TASK_METRICS } from '../metric-names';
import { countForType } from '../powertools';
import { routePath } from '../route-table';
import { dependencies } from './dependencies';
import { type ApiEvent, apiHandler, idempotencyKeyOf, jsonBody, ownerOf } from './http';

/** The three submission routes differ only in task type and body schema. */
export function submitHandler(type: TaskType, schema: z.ZodType<SubmitTaskInput['request']>) {
  return apiHandler(async (event: ApiEvent, log) => {
    const owner = ownerOf(event);
    const idempotencyKey = idempotencyKeyOf(event);
    const request = jsonBody(event, schema);
    const { summary, created, queued } = await submitTask(
      dependencies(),
      owner,
      { type, request } as SubmitTaskInput,
      idempotencyKey,
    );
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
