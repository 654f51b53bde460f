import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler } from '../../../lambdas/handlers/api/submit-form-filling';
import { apiEvent } from '../../support/events';
import { type MemoryWorld, memoryWorld } from '../../support/memory-ports';

let world: MemoryWorld;
beforeEach(() => {
  world = memoryWorld();
  useApiDependencies(world);
});
afterEach(() => useApiDependencies(undefined));

const library = { docs: [{ id: 'd1', extractedInfo: { Name: 'Jane' } }], forms: [] };

describe('POST /v1/tasks/form-filling', () => {
  it('records a form_filling task', async () => {
    const result = await handler(
      apiEvent('POST /v1/tasks/form-filling', { body: { form: { fields: ['Name'] }, library } }),
    );
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ type: 'form_filling', status: 'pending' });
    expect(world.tasks.tasks.size).toBe(1);
  });

  it('answers 400 VALIDATION_ERROR naming the form’s failing fields and the missing library', async () => {
    const result = await handler(
      apiEvent('POST /v1/tasks/form-filling', { body: { form: { fields: ['', 'x'.repeat(201)] } } }),
    );
    expect(result.statusCode).toBe(400);
    const paths = JSON.parse(result.body ?? '').error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['form.fields.0', 'form.fields.1', 'library']));
  });
});
