import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { routePath } from '../lambdas/handlers/route-table';

/**
 * Inline images of one request together stay within this; the rest go through presigned uploads. Base64
 * grows them by a third (5.33 MiB), which leaves room for the library (≤ 256 KiB) under the 6 MiB body limit.
 */
export const INLINE_IMAGE_LIMIT_BYTES = 4 * 1024 * 1024;

const MEDIA_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** The longest wait one `GET /v1/tasks/{taskId}?waitSeconds=` may ask for (DESIGN §3.3). */
export const MAX_WAIT_SECONDS = 20;

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.name = 'ApiCallError';
  }
}

export type ImageRef = { data: string } | { uploadId: string };

export interface TaskView {
  taskId: string;
  type: string;
  status: 'pending' | 'processing' | 'completed' | 'error';
  [field: string]: unknown;
}

/** A small client of the v1 API, for the CLI and the end-to-end tests; local or deployed alike. */
export class DocuSnapClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T>(
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(new URL(route, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? parseJson(text) : undefined;
    if (!response.ok) throw new ApiCallError(response.status, parsed);
    return parsed as T;
  }

  /**
   * Images from files for one task: inline while the images inlined so far stay within
   * INLINE_IMAGE_LIMIT_BYTES in total (the limit is the request body's, not one image's), through a
   * presigned POST upload once an image would take the body past it.
   */
  async imagesFromFiles(files: readonly string[]): Promise<ImageRef[]> {
    const images: ImageRef[] = [];
    let inlineBytes = 0;
    for (const file of files) {
      const bytes = await readFile(file);
      if (inlineBytes + bytes.length <= INLINE_IMAGE_LIMIT_BYTES) {
        inlineBytes += bytes.length;
        images.push({ data: bytes.toString('base64') });
      } else {
        const contentType = MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
        images.push({ uploadId: await this.upload(bytes, contentType) });
      }
    }
    return images;
  }

  /** Uploads bytes the way the app does: `createUpload`, then the presigned multipart POST. */
  async upload(bytes: Uint8Array, contentType: string): Promise<string> {
    const grant = await this.call<{ uploadId: string; url: string; fields: Record<string, string> }>(
      'POST',
      routePath('createUpload'),
      { contentType, contentLength: bytes.length },
    );
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
    form.append('file', new Blob([bytes], { type: contentType }));
    const response = await fetch(grant.url, { method: 'POST', body: form });
    if (!response.ok) throw new ApiCallError(response.status, await response.text());
    return grant.uploadId;
  }

  getTask(taskId: string): Promise<TaskView> {
    return this.call('GET', routePath('getTask', { taskId }));
  }

  /**
   * Waits for a task with long polls (`?waitSeconds=`, at most 20 s each): each answers as soon as the task
   * ends, so there is no polling interval to pick. `onProgress` sees every answer.
   */
  async waitForTask(
    taskId: string,
    options: {
      timeoutMs: number;
      onProgress?: (task: TaskView, elapsedMs: number) => void;
    },
  ): Promise<TaskView> {
    const started = Date.now();
    for (;;) {
      const remainingMs = options.timeoutMs - (Date.now() - started);
      const waitSeconds = Math.max(0, Math.min(MAX_WAIT_SECONDS, Math.ceil(remainingMs / 1000)));
      const task = await this.call<TaskView>(
        'GET',
        `/v1/tasks/${encodeURIComponent(taskId)}?waitSeconds=${waitSeconds}`,
      );
      options.onProgress?.(task, Date.now() - started);
      if (task.status === 'completed' || task.status === 'error') return task;
      if (waitSeconds === 0 || Date.now() - started >= options.timeoutMs) break;
    }
    throw new Error(`task ${taskId} is not finished after ${Math.round(options.timeoutMs / 1000)} s`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
