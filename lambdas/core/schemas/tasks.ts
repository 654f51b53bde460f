import { TASK_ERROR_CODES } from '../errors';
import { PRIORITIES, TASK_STATUSES, TASK_TYPES } from '../task';
import * as z from '../zod';
import { Evidence } from './evidence';
import { Library } from './library';

export const MAX_IMAGES = 20;

/** An image given inline (base64 of the file bytes) or by an upload id from the `createUpload` route. */
export const ImageRef = z.union([
  z.strictObject({ data: z.string().check(z.minLength(1)) }),
  z.strictObject({ uploadId: z.string().check(z.minLength(1), z.maxLength(128)) }),
]);
export type ImageRef = z.infer<typeof ImageRef>;

const Priority = z.enum(PRIORITIES);

/** Body of the `submitDocument` and `submitForm` routes. */
export const SubmitImagesRequest = z.strictObject({
  images: z.array(ImageRef).check(z.minLength(1), z.maxLength(MAX_IMAGES)),
  library: z.optional(Library),
  priority: z._default(Priority, 'normal'),
});
export type SubmitImagesRequest = z.infer<typeof SubmitImagesRequest>;

export const FormSpec = z.strictObject({
  id: z.optional(z.string().check(z.maxLength(256))),
  fields: z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.minLength(1), z.maxLength(200)),
});

/** Body of the `submitFormFilling` route. */
export const SubmitFormFillingRequest = z.strictObject({
  form: FormSpec,
  library: Library,
  priority: z._default(Priority, 'normal'),
});
export type SubmitFormFillingRequest = z.infer<typeof SubmitFormFillingRequest>;

/** The answer to a task submission (its `Location` is the task's `getTask` path). */
export const TaskSummary = z.object({
  taskId: z.string(),
  type: z.enum(TASK_TYPES),
  status: z.enum(TASK_STATUSES),
  priority: Priority,
  createdAt: z.string(),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const UsageView = z.object({
  pages: z.number().check(z.int()),
  ocrEngine: z.string(),
  llmModel: z.string(),
  inputTokens: z.number().check(z.int()),
  outputTokens: z.number().check(z.int()),
  estimatedCostUsd: z.number(),
  cacheHit: z.boolean(),
  /** True when the page text sent to the model was cut to its per-task cap; absent otherwise. */
  textTruncated: z.optional(z.boolean()),
});

/** The answer of the `getTask` route. */
export const TaskView = z.extend(TaskSummary, {
  updatedAt: z.string(),
  completedAt: z.optional(z.string()),
  result: z.optional(z.unknown()),
  /** Where each value of `result` was read (DESIGN §3.2); completed v1 tasks. */
  evidence: z.optional(Evidence),
  error: z.optional(z.object({ code: z.enum(TASK_ERROR_CODES), message: z.string() })),
  usage: z.optional(UsageView),
});
export type TaskView = z.infer<typeof TaskView>;

export const ListTasksQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

/** The longest `GET /v1/tasks/{taskId}?waitSeconds=` may hold a request: well inside API Gateway's 29 s. */
export const MAX_WAIT_SECONDS = 20;

/** Query of `GET /v1/tasks/{taskId}`: `waitSeconds` 0..20 holds the answer until the task ends or it passes. */
export const GetTaskQuery = z.strictObject({
  waitSeconds: z._default(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, `a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`)),
        z.transform(Number),
      ),
      z.number().check(z.maximum(MAX_WAIT_SECONDS, `at most ${MAX_WAIT_SECONDS} seconds`)),
    ),
    0,
  ),
});
export type GetTaskQuery = z.infer<typeof GetTaskQuery>;

export const ListTasksResponse = z.object({
  items: z.array(TaskView),
  nextCursor: z.optional(z.string()),
});
export type ListTasksResponse = z.infer<typeof ListTasksResponse>;

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) }),
});
