import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler } from '../../../lambdas/handlers/api/submit-form';
import { apiEvent, base64, pngImage } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

describe('POST /v1/tasks/form', () => {
  it('records a form task with its priority and library', async () => {
    const result = await handler(
      apiEvent('POST /v1/tasks/form', {
        body: { images: [{ data: base64(pngImage()) }], priority: 'high', library: { docs: [{ id: 7 }] } },
      }),
    );
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ type: 'form', priority: 'high' });
    expect(world.queue.sent[0]?.priority).toBe('high');
  });

  it('answers 400 VALIDATION_ERROR for a library over 256 KiB', async () => {
    const library = { docs: [{ id: 'd', description: 'x'.repeat(300 * 1024) }] };
    const result = await handler(
      apiEvent('POST /v1/tasks/form', { body: { images: [{ data: base64(pngImage()) }], library } }),
    );
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '').error.details[0].path).toBe('library');
  });
});
