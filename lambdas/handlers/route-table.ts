/**
 * Every Lambda entry point as plain data: the HTTP routes (method, path, handler, who may call it, what it
 * touches), then the functions that queues, schedules and deployments drive. The CDK constructs
 * (lib/api.ts, lib/compat.ts, lib/worker.ts, lib/handler-entries.ts), the local runtime (local/routes.ts)
 * and the OpenAPI script all read it; adding a route is one row here plus its handler, schema and test.
 * It imports types only, so lib/ and local/ read it without any AWS SDK or CDK code.
 */
import type { BlobPrefix } from '../core/shared-facts';
import type { Priority } from '../core/task';

/** What a handler may touch; its IAM grants are derived from this (lib/grants.ts). */
export interface HandlerResources {
  /** The task table (tasks, caches, idempotency and compat records). */
  readonly table?: 'read' | 'readWrite';
  /** Bucket prefixes whose objects it reads, writes and deletes. */
  readonly blobs?: {
    readonly read?: readonly BlobPrefix[];
    readonly write?: readonly BlobPrefix[];
    readonly delete?: readonly BlobPrefix[];
    /** Only these owners' keys under those prefixes: `compat`, the DocuSnap Android clients'. @default every owner's */
    readonly owners?: 'compat';
  };
  /** Task queues it sends messages to. */
  readonly sendsTo?: readonly Priority[];
  /**
   * The DocuSnap Android protocol's keys: `generate` writes the RSA private key into its secret (deploy
   * time); `private` reads that key and wraps clients' AES keys (encrypt only); `public` is handed the public
   * key PEM; `unwrap` unwraps clients' AES keys to seal results.
   */
  readonly compatKey?: 'generate' | 'private' | 'public' | 'unwrap';
  /** Webhook signing secrets: `wrap` new ones at registration (encrypt only), `unwrap` them to sign deliveries. */
  readonly webhookSecrets?: 'wrap' | 'unwrap';
  /**
   * `announce`: the handler ends tasks and tells of it (DESIGN §3.3): it queues webhook deliveries and puts
   * events on the default EventBridge bus.
   */
  readonly taskEvents?: 'announce';
}

export interface RouteRow {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway route path, `{name}` for a path parameter. */
  readonly path: string;
  /** The handler module (exports `handler`), from the repository root. */
  readonly entry: string;
  /** `authorized`: behind the JWT authorizer, the caller is the token's `sub`; `public`: no token by contract. */
  readonly access: 'public' | 'authorized';
  /**
   * `v1`: the task API (DESIGN §3); `compat`: the DocuSnap Android protocol (§4), deployed only with
   * compatRoutes; `local`: the local runtime only (LOCAL_ROUTES), never deployed.
   */
  readonly api: 'v1' | 'compat' | 'local';
  /** @default 256 */
  readonly memoryMb?: number;
  readonly timeoutSeconds: number;
  readonly uses: HandlerResources;
}

/** Inside API Gateway's 30 s integration timeout; a hung dependency fails sooner (handlers/aws-clients.ts). */
const V1_TIMEOUT_SECONDS = 15;
/** GET /v1/tasks/{taskId} may hold a 20 s long poll, plus its reads: inside API Gateway's 29 s. */
export const LONG_POLL_TIMEOUT_SECONDS = 25;
/** The app's OkHttp gives up after 10 s, so a compat answer must come sooner. */
const COMPAT_TIMEOUT_SECONDS = 9;

/** A task submission: inputs stored, the task recorded, a message sent at the chosen priority. */
const submission = (path: string, entry: string): RouteRow & { api: 'v1' } => ({
  method: 'POST',
  path,
  entry,
  access: 'authorized',
  api: 'v1',
  memoryMb: 512,
  timeoutSeconds: V1_TIMEOUT_SECONDS,
  // An upload is copied into the task's inputs and then deleted; a refused request deletes its copies.
  uses: {
    table: 'readWrite',
    blobs: { read: ['uploads'], write: ['inputs'], delete: ['uploads', 'inputs'] },
    sendsTo: ['normal', 'high'],
  },
});

export const ROUTES = {
  health: {
    method: 'GET',
    path: '/v1/health',
    entry: 'lambdas/handlers/api/health.ts',
    access: 'public',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    uses: {},
  },
  createUpload: {
    method: 'POST',
    path: '/v1/uploads',
    entry: 'lambdas/handlers/api/create-upload.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    // Presigning needs the signer to hold what the POST will do: put the object (encrypted with the key).
    uses: { blobs: { write: ['uploads'] } },
  },
  submitDocument: submission('/v1/tasks/document', 'lambdas/handlers/api/submit-document.ts'),
  submitForm: submission('/v1/tasks/form', 'lambdas/handlers/api/submit-form.ts'),
  submitFormFilling: submission('/v1/tasks/form-filling', 'lambdas/handlers/api/submit-form-filling.ts'),
  listTasks: {
    method: 'GET',
    path: '/v1/tasks',
    entry: 'lambdas/handlers/api/list-tasks.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    uses: { table: 'read', blobs: { read: ['results'] } },
  },
  getTask: {
    method: 'GET',
    path: '/v1/tasks/{taskId}',
    entry: 'lambdas/handlers/api/get-task.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: LONG_POLL_TIMEOUT_SECONDS,
    uses: { table: 'read', blobs: { read: ['results'] } },
  },
  deleteTask: {
    method: 'DELETE',
    path: '/v1/tasks/{taskId}',
    entry: 'lambdas/handlers/api/delete-task.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    uses: { table: 'readWrite', blobs: { delete: ['inputs', 'results'] } },
  },
  createWebhook: {
    method: 'POST',
    path: '/v1/webhooks',
    entry: 'lambdas/handlers/api/create-webhook.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    uses: { table: 'readWrite', webhookSecrets: 'wrap' },
  },
  listWebhooks: {
    method: 'GET',
    path: '/v1/webhooks',
    entry: 'lambdas/handlers/api/list-webhooks.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    uses: { table: 'read' },
  },
  deleteWebhook: {
    method: 'DELETE',
    path: '/v1/webhooks/{webhookId}',
    entry: 'lambdas/handlers/api/delete-webhook.ts',
    access: 'authorized',
    api: 'v1',
    timeoutSeconds: V1_TIMEOUT_SECONDS,
    uses: { table: 'readWrite' },
  },
  compatProcess: {
    method: 'POST',
    path: '/process',
    entry: 'lambdas/handlers/compat/process.ts',
    access: 'public',
    api: 'compat',
    memoryMb: 512,
    timeoutSeconds: COMPAT_TIMEOUT_SECONDS,
    // Compat jobs are always queued at normal priority. A job a poll times out ends like every task
    // (endTask): its inputs and any late result go.
    uses: {
      table: 'readWrite',
      blobs: { read: ['results'], write: ['inputs'], delete: ['inputs', 'results'], owners: 'compat' },
      sendsTo: ['normal'],
      compatKey: 'private',
      // It ends a job that outlived the processing timeout (DESIGN §4), and announces it.
      taskEvents: 'announce',
    },
  },
  compatClear: {
    method: 'POST',
    path: '/clear',
    entry: 'lambdas/handlers/compat/clear.ts',
    access: 'public',
    api: 'compat',
    timeoutSeconds: COMPAT_TIMEOUT_SECONDS,
    uses: { table: 'readWrite', blobs: { delete: ['inputs', 'results'], owners: 'compat' } },
  },
  compatCheckStatus: {
    method: 'GET',
    path: '/check_status',
    entry: 'lambdas/handlers/compat/check-status.ts',
    access: 'public',
    api: 'compat',
    timeoutSeconds: 5,
    uses: {},
  },
  compatPublicKey: {
    method: 'GET',
    path: '/public-key',
    entry: 'lambdas/handlers/compat/public-key.ts',
    access: 'public',
    api: 'compat',
    timeoutSeconds: 5,
    uses: { compatKey: 'public' },
  },
} as const satisfies Record<string, RouteRow>;

export type RouteName = keyof typeof ROUTES;

/** A console file: the page's own origin serves it, as CloudFront does when deployed (lib/console-site.ts). */
const consoleFile = (path: string): RouteRow & { api: 'local' } => ({
  method: 'GET',
  path,
  entry: 'local/console/page.ts',
  access: 'public',
  api: 'local',
  timeoutSeconds: 10,
  uses: {},
});

/**
 * Routes of the local runtime only (`npm start`), never deployed: the CDK app reads ROUTES and
 * BACKGROUND_HANDLERS, not these. The web console's page, its config file, and the route that signs the
 * page in as `dev` (docs/console.md); deployed, the page is static files and signs in with Cognito.
 */
export const LOCAL_ROUTES = {
  consolePage: consoleFile('/'),
  consoleScript: consoleFile('/app.js'),
  consoleStyles: consoleFile('/app.css'),
  consoleConfig: consoleFile('/config.json'),
  consoleToken: {
    method: 'POST',
    path: '/local/console-token',
    entry: 'local/console/token.ts',
    access: 'public',
    api: 'local',
    timeoutSeconds: 5,
    uses: {},
  },
} as const satisfies Record<string, RouteRow>;

export interface BackgroundHandlerRow {
  /** The handler module (exports `handler`), from the repository root. */
  readonly entry: string;
  readonly uses: HandlerResources;
}

/** Functions no HTTP route reaches; their constructs (lib/worker.ts, lib/compat.ts) add the triggers. */
export const BACKGROUND_HANDLERS = {
  worker: {
    entry: 'lambdas/handlers/worker.ts',
    // Textract reads the image from S3 with the worker's permissions; a task's images are all under inputs
    // (uploads are copied there at submit). A failed task also loses a late result (endTask).
    uses: {
      table: 'readWrite',
      blobs: { read: ['inputs'], write: ['results'], delete: ['inputs', 'results'] },
      compatKey: 'unwrap',
      taskEvents: 'announce',
    },
  },
  deadLetter: {
    entry: 'lambdas/handlers/dead-letter.ts',
    uses: { table: 'readWrite', blobs: { delete: ['inputs', 'results'] }, taskEvents: 'announce' },
  },
  sweeper: {
    entry: 'lambdas/handlers/sweeper.ts',
    // A task it times out loses its inputs and any late result, as in the dead-letter handler.
    uses: {
      table: 'readWrite',
      blobs: { delete: ['inputs', 'results'] },
      sendsTo: ['normal', 'high'],
      taskEvents: 'announce',
    },
  },
  webhookDelivery: {
    entry: 'lambdas/handlers/webhook-delivery.ts',
    // Reads the webhook and the task (a large result from the bucket), records how the delivery ended.
    uses: { table: 'readWrite', blobs: { read: ['results'] }, webhookSecrets: 'unwrap' },
  },
  compatGenerateKey: {
    entry: 'lambdas/handlers/compat/generate-key.ts',
    uses: { compatKey: 'generate' },
  },
} as const satisfies Record<string, BackgroundHandlerRow>;

export type HandlerName = RouteName | keyof typeof BACKGROUND_HANDLERS;

/** The path of a route with its parameters filled in: `routePath('getTask', { taskId })`. */
export function routePath(name: RouteName, parameters: Record<string, string> = {}): string {
  return ROUTES[name].path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = parameters[key];
    if (value === undefined) throw new Error(`${name} needs the path parameter ${key}`);
    return encodeURIComponent(value);
  });
}
