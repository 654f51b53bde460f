import { type RouteName, routePath } from '../../lambdas/handlers/route-table';
import type { Library, TaskList, TaskType, TaskView } from './contract';
import type { AcceptedType } from './submission';

/** An error answer of the API (`{"error":{code,message}}`) or a failure to reach it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type ImageRef = { data: string } | { uploadId: string };

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

const SUBMIT_ROUTES: Record<TaskType, RouteName> = {
  document: 'submitDocument',
  form: 'submitForm',
  form_filling: 'submitFormFilling',
};

/** The public v1 API (DESIGN §3), nothing else: the console is a client like any other. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    /** A bearer token; `renew` asks for a fresh one after a 401. */
    private readonly token: (renew: boolean) => Promise<string>,
  ) {}

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    extra?: HeadersInit,
  ): Promise<Answer<T>> {
    const send = async (renew: boolean) => {
      const headers = new Headers(extra);
      headers.set('authorization', `Bearer ${await this.token(renew)}`);
      if (body !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    };
    let response: Response;
    try {
      response = await send(false);
      if (response.status === 401) response = await send(true);
    } catch {
      throw new ApiError(0, 'NETWORK', 'The API could not be reached.');
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `The API answered ${response.status}.`,
      );
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A presigned POST for one file, then the file itself; the upload id goes in the task instead of bytes. */
  async upload(file: Blob, contentType: AcceptedType): Promise<ImageRef> {
    const { body } = await this.call<{ uploadId: string; url: string; fields: Record<string, string> }>(
      'POST',
      routePath('createUpload'),
      { contentType, contentLength: file.size },
    );
    const form = new FormData();
    for (const [name, value] of Object.entries(body.fields)) form.append(name, value);
    form.append('file', file);
    let response: Response;
    try {
      response = await fetch(body.url, { method: 'POST', body: form });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The upload could not be sent.');
    }
    if (!response.ok)
      throw new ApiError(response.status, 'UPLOAD_FAILED', `The upload failed (${response.status}).`);
    return { uploadId: body.uploadId };
  }

  async submitImages(
    type: 'document' | 'form',
    images: ImageRef[],
    idempotencyKey: string,
  ): Promise<TaskView> {
    const answer = await this.call<TaskView>(
      'POST',
      routePath(SUBMIT_ROUTES[type]),
      { images },
      {
        'idempotency-key': idempotencyKey,
      },
    );
    return answer.body;
  }

  async submitFormFilling(fields: string[], library: Library, idempotencyKey: string): Promise<TaskView> {
    const answer = await this.call<TaskView>(
      'POST',
      routePath(SUBMIT_ROUTES.form_filling),
      { form: { fields }, library },
      {
        'idempotency-key': idempotencyKey,
      },
    );
    return answer.body;
  }

  /**
   * The task, and how long the API suggests waiting before asking again (`Retry-After`). With
   * `waitSeconds` the API holds the answer until the task ends or that time has passed (long poll).
   */
  async task(taskId: string, waitSeconds?: number): Promise<{ task: TaskView; retryAfterSeconds?: number }> {
    const query = waitSeconds ? `?waitSeconds=${waitSeconds}` : '';
    const answer = await this.call<TaskView>('GET', `${routePath('getTask', { taskId })}${query}`);
    const retryAfter = Number(answer.headers.get('retry-after') ?? Number.NaN);
    return { task: answer.body, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined };
  }

  async tasks(cursor?: string): Promise<TaskList> {
    const query = new URLSearchParams({ limit: '20' });
    if (cursor) query.set('cursor', cursor);
    return (await this.call<TaskList>('GET', `${routePath('listTasks')}?${query}`)).body;
  }

  async deleteTask(taskId: string): Promise<void> {
    await this.call('DELETE', routePath('deleteTask', { taskId }));
  }

  /** The Android app's public key (`GET /public-key`, unauthenticated); undefined where compat routes are off. */
  async publicKey(): Promise<string | undefined> {
    try {
      const response = await fetch(`${this.baseUrl}${routePath('compatPublicKey')}`);
      return response.ok ? (await response.text()).trim() : undefined;
    } catch {
      return undefined;
    }
  }
}
