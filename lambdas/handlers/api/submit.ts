import type * as z from 'zod';
import type { TaskType } from '../../core/task';
import { type SubmitTaskInput, submitTask } from '../../core/use-cases/submit-task';
import { countForType, logger } from '../powertools';
import { dependencies } from './dependencies';
import { type ApiEvent, apiHandler, idempotencyKeyOf, jsonBody, ownerOf } from './http';

/** The three submission routes differ only in task type and body schema. */
export function submitHandler(type: TaskType, schema: z.ZodType<SubmitTaskInput['request']>) {
  return apiHandler(async (event: ApiEvent) => {
    const owner = ownerOf(event);
    const idempotencyKey = idempotencyKeyOf(event);
    const request = jsonBody(event, schema);
    const { summary, created, queued } = await submitTask(
      dependencies(),
      owner,
      { type, request } as SubmitTaskInput,
      idempotencyKey,
    );
    if (created) countForType('TasksSubmitted', type, 1);
    if (!queued)
      logger.warn('task recorded but not queued; the sweeper will send it', { taskId: summary.taskId });
    return { status: 202, body: summary, headers: { location: `/v1/tasks/${summary.taskId}` } };
  });
}
