import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LIBRARY_DEPTH } from '../../../lambdas/core/nesting';
import { MAX_LIBRARY_BYTES } from '../../../lambdas/core/schemas/library';
import { MAX_VALIDATION_DETAILS } from '../../../lambdas/handlers/api/api-handler';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as submitDocument } from '../../../lambdas/handlers/api/submit-document';
import { handler as submitFormFilling } from '../../../lambdas/handlers/api/submit-form-filling';
import { apiEvent, base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

const image = () => ({ data: base64(pngImage()) });

async function submitRaw(rawBody: string, route = 'POST /v1/tasks/document') {
  const run = route.endsWith('form-filling') ? submitFormFilling : submitDocument;
  const result = await run(apiEvent(route, { rawBody }));
  const text = result.body ?? '';
  return {
    status: result.statusCode,
    bytes: Buffer.byteLength(text),
    body: text ? JSON.parse(text) : undefined,
  };
}

/**
 * A body whose library nests `depth` levels: library {1}, docs [2], item {3}, extractedInfo {4}, then
 * arrays. Written as text: JSON.stringify itself overflows the stack on such values.
 */
function bodyWithLibraryDepth(depth: number, route: 'document' | 'form-filling' = 'document'): string {
  const arrays = depth - 4;
  const library = `{"docs":[{"id":"d1","extractedInfo":{"deep":${'['.repeat(arrays)}${']'.repeat(arrays)}}}]}`;
  return route === 'document'
    ? `{"images":[${JSON.stringify(image())}],"library":${library}}`
    : `{"form":{"fields":["Name"]},"library":${library}}`;
}

type Detail = { path: string; message: string; count?: number };

describe('VALIDATION_ERROR answers are bounded, whatever the body', () => {
  it('stops checking a library with 100,000 bad items at the 20th and says so', async () => {
    const docs = Array.from({ length: 100_000 }, () => 1);
    const rawBody = JSON.stringify({ images: [image()], library: { docs } });
    expect(Buffer.byteLength(rawBody)).toBeLessThan(MAX_LIBRARY_BYTES);
    const { status, body, bytes } = await submitRaw(rawBody);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_ERROR');
    const details: Detail[] = body.error.details;
    // Checking stopped at the 20th bad item: its 20 paths, then the note that it stopped, counted.
    expect(details.map((detail) => detail.path)).toEqual([
      ...Array.from({ length: MAX_VALIDATION_DETAILS }, (_, n) => `library.docs.${n}`),
      '(more)',
    ]);
    expect(details.at(-1)?.count).toBe(1);
    expect(bytes).toBeLessThan(8 * 1024);
  });

  it('refuses a 1 MiB library by its size with one problem, before walking its items', async () => {
    const docs = Array.from({ length: 550_000 }, () => 1);
    const rawBody = JSON.stringify({ images: [image()], library: { docs } });
    expect(Buffer.byteLength(rawBody)).toBeGreaterThan(1024 * 1024 - 100);
    const { status, body, bytes } = await submitRaw(rawBody);
    expect(status).toBe(400);
    expect(body.error.details).toEqual([
      { path: 'library', message: `library must be at most ${MAX_LIBRARY_BYTES} bytes` },
    ]);
    expect(bytes).toBeLessThan(1024);
  });

  it('keeps a 1 MiB body of unknown keys to a short answer (the unknown-keys message is cut)', async () => {
    const unknown = Object.fromEntries(Array.from({ length: 60_000 }, (_, n) => [`unknown-${n}`, 1]));
    const rawBody = JSON.stringify({ images: [image()], ...unknown });
    expect(Buffer.byteLength(rawBody)).toBeGreaterThan(1024 * 1024);
    const { status, body, bytes } = await submitRaw(rawBody);
    expect(status).toBe(400);
    expect(body.error.details[0].path).toBe('(body)');
    expect(bytes).toBeLessThan(2 * 1024);
  });
});

describe('VALIDATION_ERROR details', () => {
  it('list at most 20 paths, then count the rest', async () => {
    // 200 empty field names: each is its own problem, past the item-level bound of the library.
    const rawBody = JSON.stringify({ form: { fields: Array.from({ length: 200 }, () => '') }, library: {} });
    const { status, body } = await submitRaw(rawBody, 'POST /v1/tasks/form-filling');
    expect(status).toBe(400);
    const details: Detail[] = body.error.details;
    expect(details).toHaveLength(MAX_VALIDATION_DETAILS + 1);
    expect(details[0]?.path).toBe('form.fields.0');
    expect(details.at(-1)).toEqual({ path: '(more)', message: '180 more problems not listed', count: 180 });
  });
});

describe('libraries nested deeper than 32 levels', () => {
  it('accepts a library nested exactly 32 levels', async () => {
    const { status } = await submitRaw(bodyWithLibraryDepth(MAX_LIBRARY_DEPTH));
    expect(status).toBe(202);
  });

  for (const depth of [MAX_LIBRARY_DEPTH + 1, 5_000, 100_000]) {
    it(`answers 400 VALIDATION_ERROR on library for ${depth} levels, on both routes that take one`, async () => {
      for (const route of ['document', 'form-filling'] as const) {
        const { status, body } = await submitRaw(
          bodyWithLibraryDepth(depth, route),
          `POST /v1/tasks/${route}`,
        );
        expect(status).toBe(400);
        expect(body.error).toMatchObject({
          code: 'VALIDATION_ERROR',
          details: [
            { path: 'library', message: `library must not nest deeper than ${MAX_LIBRARY_DEPTH} levels` },
          ],
        });
      }
      expect(world.tasks.tasks.size).toBe(0);
    });
  }

  it('also bounds what a JSON-string field of the library holds once parsed (the app sends some as strings)', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const rawBody = JSON.stringify({
      images: [image()],
      library: { docs: [{ id: 'd1', extractedInfo: deep }] },
    });
    const { status, body } = await submitRaw(rawBody);
    expect(status).toBe(400);
    expect(body.error.details[0].path).toBe('library.docs.0.extractedInfo');
  });
});
