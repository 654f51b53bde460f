import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: NodejsFunction bundles from here with the committed package-lock.json. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every Lambda entry point the stack deploys, by the name its construct uses (docs/architecture.md). */
export const HANDLER_ENTRIES = {
  health: 'lambdas/handlers/api/health.ts',
  createUpload: 'lambdas/handlers/api/create-upload.ts',
  submitDocument: 'lambdas/handlers/api/submit-document.ts',
  submitForm: 'lambdas/handlers/api/submit-form.ts',
  submitFormFilling: 'lambdas/handlers/api/submit-form-filling.ts',
  getTask: 'lambdas/handlers/api/get-task.ts',
  listTasks: 'lambdas/handlers/api/list-tasks.ts',
  deleteTask: 'lambdas/handlers/api/delete-task.ts',
  createWebhook: 'lambdas/handlers/api/create-webhook.ts',
  listWebhooks: 'lambdas/handlers/api/list-webhooks.ts',
  deleteWebhook: 'lambdas/handlers/api/delete-webhook.ts',
  webhookDelivery: 'lambdas/handlers/webhook-delivery.ts',
  worker: 'lambdas/handlers/worker.ts',
  deadLetter: 'lambdas/handlers/dead-letter.ts',
  sweeper: 'lambdas/handlers/sweeper.ts',
  compatProcess: 'lambdas/handlers/compat/process.ts',
  compatClear: 'lambdas/handlers/compat/clear.ts',
  compatCheckStatus: 'lambdas/handlers/compat/check-status.ts',
  compatPublicKey: 'lambdas/handlers/compat/public-key.ts',
  compatGenerateKey: 'lambdas/handlers/compat/generate-key.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Where a handler's source lives; tests may substitute entries that are not written yet. */
export type HandlerEntryResolver = (name: HandlerName) => string;

export const handlerSourcePath: HandlerEntryResolver = (name) =>
  path.join(PROJECT_ROOT, HANDLER_ENTRIES[name]);
