/**
 * A test client that does what the DocuSnap Android app does (JobPollingService + CryptoUtil): a fresh
 * 32-byte AES key per job wrapped with RSA-OAEP(SHA-256, MGF1-SHA-256), content = base64(IV ‖ AES-CBC),
 * SHA256 = hex SHA-256 of the base64 content string, one POST with content then polls without it, and
 * reads `error_detail` from any non-2xx body. It reaches the backend through a transport: the compat
 * handlers called with API Gateway v2 events, or HTTP against a running local runtime.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiEvent } from './events';

export type CompatRoute = '/process' | '/clear' | '/check_status' | '/public-key';

export interface CompatHttpResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

export type CompatTransport = (
  method: 'GET' | 'POST',
  route: CompatRoute,
  body?: string,
) => Promise<CompatHttpResponse>;

type CompatHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** Calls the handlers in-process, the way API Gateway would route the app's requests. */
export function handlerTransport(handlers: Record<CompatRoute, CompatHandler>): CompatTransport {
  return async (method, route, body) => {
    // Compat routes have no authorizer: `sub: null` builds the event without one, as API Gateway does.
    const result = await handlers[route](apiEvent(`${method} ${route}`, { rawBody: body, sub: null }));
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    return { statusCode: result.statusCode ?? 200, body: result.body ?? '', headers };
  };
}

/** Real HTTP like Retrofit: relative routes resolved against a base URL that ends with a slash. */
export function httpTransport(baseUrl: string): CompatTransport {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (method, route, body) => {
    const response = await fetch(new URL(route.slice(1), base), {
      method,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    });
    return {
      statusCode: response.status,
      body: await response.text(),
      headers: Object.fromEntries(response.headers.entries()),
    };
  };
}

export type AppJobType = 'doc' | 'form' | 'fill';

/** What the app keeps in its JobEntity for one job. */
export interface AppJob {
  clientId: string;
  type: AppJobType;
  sha256: string;
  content: string;
  aesKey: string;
  plainAesKey: Buffer;
}

/** The app's view of one answer: JobPollingService's three branches. */
export type AppJobState =
  | { status: 'processing' }
  | { status: 'completed'; result: string }
  | { status: 'error'; errorDetail: string; httpStatus: number };

/** The app's library export: `tags` and `formFields` stay the JSON strings the Room entities hold. */
export interface AppLibraryItem {
  id: string;
  name: string;
  description: string;
  extractedInfo: Record<string, string>;
  tags: string;
  uploadDate: string;
  formFields?: string;
}

export interface AppFileLib {
  docs: AppLibraryItem[];
  forms: AppLibraryItem[];
}

/** The other `file_lib` shape (DESIGN §4), as the original server's own web test page sends it. */
export interface WebPageFileLib {
  doc: Record<string, unknown>[];
  form: Record<string, unknown>[];
}

export function aesCbcEncrypt(key: Uint8Array, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function aesCbcDecrypt(key: Uint8Array, envelope: string): string {
  const bytes = Buffer.from(envelope, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Settings → "Backend Public Key": the app strips the PEM armour and literal `\n`s and decodes the rest. */
export function publicKeyFromSettings(pasted: string) {
  const body = pasted
    .replace('-----BEGIN PUBLIC KEY-----', '')
    .replace('-----END PUBLIC KEY-----', '')
    .replaceAll('\\n', '')
    .replace(/\s+/g, '');
  return createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
}

export interface AndroidClientOptions {
  transport: CompatTransport;
  /** The PEM pasted into Settings. */
  publicKeyPem: string;
  /** The app polls about every 1.5 s; tests shorten it. */
  pollIntervalMs?: number;
  /** Bound on polls per job, so a broken backend fails a test instead of hanging it. */
  maxPolls?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class AndroidClient {
  /** A random UUID per screen instance, not a device id. */
  readonly clientId = randomUUID();
  private readonly transport: CompatTransport;
  private readonly publicKeyPem: string;
  private readonly pollIntervalMs: number;
  private readonly maxPolls: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: AndroidClientOptions) {
    this.transport = options.transport;
    this.publicKeyPem = options.publicKeyPem;
    this.pollIntervalMs = options.pollIntervalMs ?? 1500;
    this.maxPolls = options.maxPolls ?? 400;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** JobPollingService.createJob: inner payload → encrypted job, nothing sent yet. */
  prepareJob(
    type: AppJobType,
    toProcess: unknown,
    fileLib: AppFileLib | WebPageFileLib = { docs: [], forms: [] },
  ): AppJob {
    const inner = JSON.stringify({ to_process: toProcess, file_lib: fileLib });
    const plainAesKey = randomBytes(32);
    const content = aesCbcEncrypt(plainAesKey, inner);
    const wrapped = publicEncrypt(
      {
        key: publicKeyFromSettings(this.publicKeyPem),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      plainAesKey,
    );
    return {
      clientId: this.clientId,
      type,
      sha256: sha256Hex(content),
      content,
      aesKey: wrapped.toString('base64'),
      plainAesKey,
    };
  }

  /** The first POST, with content and the wrapped key. */
  submit(job: AppJob): Promise<AppJobState> {
    return this.post(firstPostBody(job));
  }

  /** A poll: the same job named by its key, without content. */
  poll(job: Pick<AppJob, 'clientId' | 'type' | 'sha256'>): Promise<AppJobState> {
    return this.post({ client_id: job.clientId, type: job.type, SHA256: job.sha256, has_content: false });
  }

  /** Submit, then poll at the app's interval until the job is completed or failed. */
  async run(job: AppJob, onPoll?: (n: number) => Promise<void> | void): Promise<AppJobState> {
    let state = await this.submit(job);
    for (let n = 1; state.status === 'processing'; n += 1) {
      if (n > this.maxPolls) throw new Error(`job still processing after ${this.maxPolls} polls`);
      await this.sleep(this.pollIntervalMs);
      await onPoll?.(n);
      state = await this.poll(job);
    }
    return state;
  }

  /** CryptoUtil.aesDecrypt of `result` with the job's own AES key, then the JSON the screens read. */
  decryptResult(job: AppJob, result: string): unknown {
    return JSON.parse(aesCbcDecrypt(job.plainAesKey, result));
  }

  async post(body: Record<string, unknown>): Promise<AppJobState> {
    const response = await this.transport('POST', '/process', JSON.stringify(body));
    return readProcessResponse(response);
  }
}

/** Retrofit: 2xx bodies are ProcessResponse; anything else is an HttpException whose body may hold error_detail. */
export function readProcessResponse(response: CompatHttpResponse): AppJobState {
  if (response.statusCode < 200 || response.statusCode > 299) {
    let detail = `HTTP ${response.statusCode}`;
    try {
      const parsed = JSON.parse(response.body) as { error_detail?: unknown };
      detail = typeof parsed.error_detail === 'string' ? parsed.error_detail : 'Unknown error';
    } catch {
      // The app falls back to the HTTP status when the body is not JSON.
    }
    return { status: 'error', errorDetail: detail, httpStatus: response.statusCode };
  }
  const parsed = JSON.parse(response.body) as { status: string; result?: string; error_detail?: string };
  if (parsed.status === 'processing') return { status: 'processing' };
  if (parsed.status === 'completed') {
    if (typeof parsed.result !== 'string') throw new Error('completed without a result string');
    return { status: 'completed', result: parsed.result };
  }
  return {
    status: 'error',
    errorDetail: parsed.error_detail ?? 'Unknown error',
    httpStatus: response.statusCode,
  };
}

/** What the document and form screens read from a result. */
export interface AppDocumentView {
  title: string;
  tags: string[];
  description: string;
  kv: Record<string, string>;
  relatedIds: string[];
  fields?: string[];
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new Error(`result.${name} is not a string`);
  return value;
}

function requireArray(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`result.${name} is not an array`);
  return value;
}

/** getString("title"), the tags array, kv values as strings, related[].resource_id (+ fields for forms). */
export function readDocumentResult(result: unknown, withFields: boolean): AppDocumentView {
  if (typeof result !== 'object' || result === null) throw new Error('result is not an object');
  const fields = result as Record<string, unknown>;
  const kvObject = fields.kv;
  if (typeof kvObject !== 'object' || kvObject === null) throw new Error('result.kv is not an object');
  const view: AppDocumentView = {
    title: requireString(fields.title, 'title'),
    tags: requireArray(fields.tags, 'tags').map((tag, i) => requireString(tag, `tags.${i}`)),
    description: requireString(fields.description, 'description'),
    kv: Object.fromEntries(Object.entries(kvObject).map(([key, value]) => [key, String(value)])),
    relatedIds: requireArray(fields.related, 'related').map((item, i) =>
      requireString((item as { resource_id?: unknown }).resource_id, `related.${i}.resource_id`),
    ),
  };
  if (withFields)
    view.fields = requireArray(fields.fields, 'fields').map((f, i) => requireString(f, `fields.${i}`));
  return view;
}

/** The fill screen: for each of its own field names, result[name].value and result[name].source.resource_id. */
export function readFillResult(
  result: unknown,
  fieldNames: readonly string[],
): Record<string, { value: string; sourceId: string }> {
  if (typeof result !== 'object' || result === null) throw new Error('result is not an object');
  const filled: Record<string, { value: string; sourceId: string }> = {};
  for (const name of fieldNames) {
    const entry = (result as Record<string, { value?: unknown; source?: { resource_id?: unknown } }>)[name];
    if (entry === undefined) continue;
    filled[name] = {
      value: requireString(entry.value, `${name}.value`),
      sourceId: requireString(entry.source?.resource_id, `${name}.source.resource_id`),
    };
  }
  return filled;
}

/** The body of the app's first POST /process for a job: content and the wrapped key. */
export function firstPostBody(job: AppJob): Record<string, unknown> {
  return {
    client_id: job.clientId,
    type: job.type,
    SHA256: job.sha256,
    has_content: true,
    content: job.content,
    aes_key: job.aesKey,
  };
}
