/**
 * Builds the OpenAPI 3.1 description of the v1 API from the same zod schemas the handlers validate with,
 * so the document cannot drift from the code (test/scripts/openapi.test.ts fails when docs/openapi.json is stale).
 */

import type { ApiErrorCode } from '../lambdas/core/errors';
import { DocumentResult, FormFillingResult, FormResult } from '../lambdas/core/schemas/results';
import {
  ErrorBody,
  ListTasksResponse,
  MAX_WAIT_SECONDS,
  SubmitFormFillingRequest,
  SubmitImagesRequest,
  TaskSummary,
  TaskView,
} from '../lambdas/core/schemas/tasks';
import {
  CreateUploadRequest,
  CreateUploadResponse,
  UPLOAD_CONTENT_TYPES,
} from '../lambdas/core/schemas/uploads';
import {
  CreatedWebhook,
  CreateWebhookRequest,
  ListWebhooksResponse,
  WebhookView,
} from '../lambdas/core/schemas/webhooks';
import { IDEMPOTENCY_KEY_MAX } from '../lambdas/core/shared-facts';
import * as z from '../lambdas/core/zod';
import { API_ERROR_STATUS } from '../lambdas/handlers/api/api-handler';
import { ROUTES, type RouteName, type RouteRow } from '../lambdas/handlers/route-table';

type JsonSchema = Record<string, unknown>;

function schema(type: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function errorResponses(...codes: ApiErrorCode[]) {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = API_ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      { description: list.join(' | '), content: { 'application/json': { schema: ref('Error') } } },
    ]),
  );
}

const COMMON_ERRORS: ApiErrorCode[] = ['UNAUTHORIZED', 'THROTTLED', 'UNAVAILABLE', 'INTERNAL_ERROR'];
const SUBMIT_ERRORS: ApiErrorCode[] = [
  'INVALID_JSON',
  'VALIDATION_ERROR',
  'UPLOAD_NOT_FOUND',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_IMAGE',
  'TOO_MANY_PAGES',
  ...COMMON_ERRORS,
];

const json = (s: JsonSchema) => ({ 'application/json': { schema: s } });
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Same key and body from the same user returns the first task; another body is 409.',
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX },
};
const taskIdParam = { name: 'taskId', in: 'path', required: true, schema: { type: 'string' } };
const webhookIdParam = { name: 'webhookId', in: 'path', required: true, schema: { type: 'string' } };
const waitSecondsParam = {
  name: 'waitSeconds',
  in: 'query',
  required: false,
  description: 'Long poll: answer as soon as the task is terminal, or after this many seconds.',
  schema: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 },
};
const retryAfter = {
  'Retry-After': {
    schema: { type: 'integer' },
    description: 'On a task that has not ended: seconds to wait before asking again.',
  },
};
const accepted = {
  description: 'Accepted; poll the Location.',
  headers: { Location: { schema: { type: 'string' }, description: ROUTES.getTask.path } },
  content: json(ref('TaskSummary')),
};

function submit(summary: string, body: string): Operation {
  return {
    summary,
    parameters: [idempotencyKey],
    requestBody: { required: true, content: json(ref(body)) },
    responses: { '202': accepted, ...errorResponses(...SUBMIT_ERRORS) },
  };
}

type Operation = { summary: string } & JsonSchema;
type V1RouteName = {
  [Name in RouteName]: (typeof ROUTES)[Name]['api'] extends 'v1' ? Name : never;
}[RouteName];

/** What each `/v1` route of the route table does; its method, path and authorization come from the table. */
const OPERATIONS: Record<V1RouteName, Operation> = {
  health: {
    summary: 'Liveness',
    responses: {
      '200': {
        description: 'OK',
        content: json({ type: 'object', properties: { status: { const: 'ok' } } }),
      },
    },
  },
  createUpload: {
    summary: 'Presigned POST for an image too large to send inline',
    requestBody: { required: true, content: json(ref('CreateUploadRequest')) },
    responses: {
      '201': {
        description: 'POST the file as multipart/form-data: every `fields` entry, then `file`.',
        content: json(ref('CreateUploadResponse')),
      },
      ...errorResponses(
        'INVALID_JSON',
        'VALIDATION_ERROR',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        ...COMMON_ERRORS,
      ),
    },
  },
  submitDocument: submit('Extract a document', 'SubmitImagesRequest'),
  submitForm: submit('Extract a form and its blank fields', 'SubmitImagesRequest'),
  submitFormFilling: submit("Fill a form's fields from the user's library", 'SubmitFormFillingRequest'),
  listTasks: {
    summary: "The caller's tasks, newest first",
    parameters: [
      {
        name: 'limit',
        in: 'query',
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      },
      { name: 'cursor', in: 'query', schema: { type: 'string' } },
    ],
    responses: {
      '200': { description: 'A page', content: json(ref('ListTasksResponse')) },
      ...errorResponses('VALIDATION_ERROR', ...COMMON_ERRORS),
    },
  },
  getTask: {
    summary: 'A task, with its result once completed; optionally waits for it to end',
    parameters: [taskIdParam, waitSecondsParam],
    responses: {
      '200': { description: 'The task', headers: retryAfter, content: json(ref('TaskView')) },
      ...errorResponses('TASK_NOT_FOUND', 'VALIDATION_ERROR', ...COMMON_ERRORS),
    },
  },
  deleteTask: {
    summary: 'Delete a task, its inputs and its result',
    parameters: [taskIdParam],
    responses: {
      '204': { description: 'Deleted' },
      ...errorResponses('TASK_NOT_FOUND', ...COMMON_ERRORS),
    },
  },
  createWebhook: {
    summary: 'Register a webhook for the caller’s tasks (at most 10); the secret is shown only here',
    description:
      'Deliveries are POSTs of {type, timestamp, data: task view} signed in the Standard Webhooks format ' +
      '(webhook-id, webhook-timestamp, webhook-signature), retried with backoff for over 6 hours. ' +
      'URLs must be https to a public address (checked again at every delivery).',
    requestBody: { required: true, content: json(ref('CreateWebhookRequest')) },
    responses: {
      '201': {
        description: 'Registered',
        headers: { Location: { schema: { type: 'string' }, description: ROUTES.deleteWebhook.path } },
        content: json(ref('CreatedWebhook')),
      },
      ...errorResponses('INVALID_JSON', 'VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE', ...COMMON_ERRORS),
    },
  },
  listWebhooks: {
    summary: 'The caller’s webhooks, without their secrets',
    responses: {
      '200': { description: 'The webhooks', content: json(ref('ListWebhooksResponse')) },
      ...errorResponses(...COMMON_ERRORS),
    },
  },
  deleteWebhook: {
    summary: 'Delete a webhook',
    parameters: [webhookIdParam],
    responses: {
      '204': { description: 'Deleted' },
      ...errorResponses('WEBHOOK_NOT_FOUND', ...COMMON_ERRORS),
    },
  },
};

/** The `paths` object: every `/v1` row of the route table with its operation; authorized rows need the bearer token. */
function paths(): Record<string, Record<string, JsonSchema>> {
  const byPath: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, { summary, ...operation }] of Object.entries(OPERATIONS) as [V1RouteName, Operation][]) {
    const row: RouteRow = ROUTES[name];
    byPath[row.path] ??= {};
    byPath[row.path][row.method.toLowerCase()] = {
      summary,
      ...(row.access === 'authorized' ? { security: [{ bearer: [] }] } : {}),
      ...operation,
    };
  }
  return byPath;
}

export function buildOpenApiDocument() {
  const taskView = schema(TaskView, 'output');
  (taskView.properties as JsonSchema).result = {
    description: 'Present when completed; its shape depends on `type`.',
    anyOf: [ref('DocumentResult'), ref('FormResult'), ref('FormFillingResult')],
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'DocuSnap API',
      version: '1.0.0',
      description:
        'Asynchronous document understanding: submit a task, get its id at once, poll for the result. ' +
        `Every /v1 route except ${ROUTES.health.path} needs \`Authorization: Bearer <JWT>\`; ` +
        'a task is visible only to its owner.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: schema(ErrorBody, 'output'),
        CreateUploadRequest: {
          ...schema(CreateUploadRequest, 'input'),
          properties: {
            contentType: { type: 'string', enum: [...UPLOAD_CONTENT_TYPES] },
            contentLength: { type: 'integer', minimum: 1, maximum: 10 * 1024 * 1024 },
          },
        },
        CreateUploadResponse: schema(CreateUploadResponse, 'output'),
        SubmitImagesRequest: schema(SubmitImagesRequest, 'input'),
        SubmitFormFillingRequest: schema(SubmitFormFillingRequest, 'input'),
        TaskSummary: schema(TaskSummary, 'output'),
        TaskView: taskView,
        ListTasksResponse: {
          ...schema(ListTasksResponse, 'output'),
          properties: {
            items: { type: 'array', items: ref('TaskView') },
            nextCursor: { type: 'string' },
          },
        },
        DocumentResult: schema(DocumentResult, 'output'),
        FormResult: schema(FormResult, 'output'),
        FormFillingResult: schema(FormFillingResult, 'output'),
        CreateWebhookRequest: schema(CreateWebhookRequest, 'input'),
        CreatedWebhook: schema(CreatedWebhook, 'output'),
        Webhook: schema(WebhookView, 'output'),
        ListWebhooksResponse: {
          ...schema(ListWebhooksResponse, 'output'),
          properties: { items: { type: 'array', items: ref('Webhook') } },
        },
      },
    },
    paths: paths(),
  };
}

export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
