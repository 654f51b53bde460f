import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_ERROR_STATUS } from '../../lambdas/handlers/api/api-handler';
import { buildOpenApiDocument, renderOpenApiDocument } from '../../scripts/openapi-document';

describe('docs/openapi.json', () => {
  it('is up to date with the zod schemas (run `npm run openapi` after changing them)', () => {
    const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderOpenApiDocument());
  });

  it('describes every v1 route and every API error status', () => {
    const doc = buildOpenApiDocument();
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /v1/health',
        'POST /v1/uploads',
        'POST /v1/tasks/document',
        'POST /v1/tasks/form',
        'POST /v1/tasks/form-filling',
        'GET /v1/tasks',
        'GET /v1/tasks/{taskId}',
        'DELETE /v1/tasks/{taskId}',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'DELETE /v1/webhooks/{webhookId}',
      ].sort(),
    );
    const statuses = new Set(
      Object.values(doc.paths).flatMap((ops) =>
        Object.values(ops).flatMap((op) => Object.keys((op as { responses: object }).responses)),
      ),
    );
    for (const status of Object.values(API_ERROR_STATUS)) expect(statuses).toContain(String(status));
  });

  it('keeps the request schemas strict: an unknown top-level field is not allowed', () => {
    const body = buildOpenApiDocument().components.schemas.SubmitImagesRequest as {
      additionalProperties?: unknown;
    };
    expect(body.additionalProperties).toBe(false);
  });
});
