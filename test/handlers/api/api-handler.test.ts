import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DependencyThrottledError, DependencyUnavailableError } from '../../../lambdas/core/errors';
import { MAX_REQUEST_BODY_BYTES } from '../../../lambdas/core/shared-facts';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as submitDocument } from '../../../lambdas/handlers/api/submit-document';
import { apiEvent, base64, pngImage } from '../../support/events';
import { failing, type MemoryWorld, memoryWorld } from '../../support/memory-ports';

const ROUTE = 'POST /v1/tasks/document';
const validBody = () => ({ images: [{ data: base64(pngImage()) }] });

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => {
  useApiDependencies(undefined);
  vi.restoreAllMocks();
});

function parsed(result: Awaited<ReturnType<typeof submitDocument>>) {
  return {
    status: result.statusCode,
    body: result.body ? JSON.parse(result.body) : undefined,
    headers: result.headers,
  };
}

describe('the shared HTTP layer (through POST /v1/tasks/document)', () => {
  it('answers 401 UNAUTHORIZED when the request carries no authorizer claims', async () => {
    const { status, body } = parsed(await submitDocument(apiEvent(ROUTE, { sub: null, body: validBody() })));
    expect(status).toBe(401);
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(world.tasks.tasks.size).toBe(0);
  });

  it('answers 400 INVALID_JSON for a body that is not JSON, and for no body at all', async () => {
    for (const event of [apiEvent(ROUTE, { rawBody: '{"images": [' }), apiEvent(ROUTE)]) {
      const { status, body, headers } = parsed(await submitDocument(event));
      expect(status).toBe(400);
      expect(body.error.code).toBe('INVALID_JSON');
      expect(headers?.['content-type']).toBe('application/json');
    }
  });

  it('answers 400 VALIDATION_ERROR with each failing path and its message', async () => {
    const { status, body } = parsed(
      await submitDocument(
        apiEvent(ROUTE, { body: { images: [{ url: 'x' }], priority: 'urgent', extra: 1 } }),
      ),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    const paths = body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['images.0', 'priority', '(body)']));
    for (const detail of body.error.details) expect(detail.message).toEqual(expect.any(String));
  });

  it('reports the path of an image whose data is not base64', async () => {
    const { status, body } = parsed(
      await submitDocument(
        apiEvent(ROUTE, { body: { images: [{ data: base64(pngImage()) }, { data: '***' }] } }),
      ),
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'images.1.data' }] });
  });

  it('decodes a base64-encoded body', async () => {
    const { status } = parsed(await submitDocument(apiEvent(ROUTE, { body: validBody(), base64Body: true })));
    expect(status).toBe(202);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 6 MiB', async () => {
    const rawBody = JSON.stringify({ images: [{ data: 'A'.repeat(MAX_REQUEST_BODY_BYTES) }] });
    const { status, body } = parsed(await submitDocument(apiEvent(ROUTE, { rawBody })));
    expect(status).toBe(413);
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('checks the Idempotency-Key header is 1..128 characters', async () => {
    const long = parsed(
      await submitDocument(
        apiEvent(ROUTE, { body: validBody(), headers: { 'Idempotency-Key': 'k'.repeat(129) } }),
      ),
    );
    expect(long.status).toBe(400);
    expect(long.body.error.details).toEqual([
      { path: 'headers.Idempotency-Key', message: expect.any(String) },
    ]);
    const fine = parsed(
      await submitDocument(
        apiEvent(ROUTE, { body: validBody(), headers: { 'Idempotency-Key': 'k'.repeat(128) } }),
      ),
    );
    expect(fine.status).toBe(202);
  });

  it('answers 429 THROTTLED when a dependency throttles', async () => {
    useApiDependencies({ ...world, tasks: failing(world.tasks, new DependencyThrottledError('DynamoDB')) });
    const { status, body } = parsed(await submitDocument(apiEvent(ROUTE, { body: validBody() })));
    expect(status).toBe(429);
    expect(body.error.code).toBe('THROTTLED');
  });

  it('answers 503 UNAVAILABLE when a dependency is down', async () => {
    useApiDependencies({ ...world, blobs: failing(world.blobs, new DependencyUnavailableError('S3')) });
    const { status, body } = parsed(await submitDocument(apiEvent(ROUTE, { body: validBody() })));
    expect(status).toBe(503);
    expect(body.error.code).toBe('UNAVAILABLE');
  });

  it('answers 500 INTERNAL_ERROR with a generic message, logging the stack but never returning it', async () => {
    // Each request logs through its own child of the shared logger.
    const logged = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    const secret = new Error('connection string postgres://admin:hunter2@db');
    useApiDependencies({ ...world, tasks: failing(world.tasks, secret) });
    const result = await submitDocument(apiEvent(ROUTE, { body: validBody() }));
    const { status, body } = parsed(result);
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
    expect(result.body).not.toMatch(/hunter2|at .*\.ts|stack/);
    expect(logged).toHaveBeenCalledWith('unexpected error', { error: secret });
  });
});
