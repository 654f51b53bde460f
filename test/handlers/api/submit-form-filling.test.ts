import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RulesLlm } from '../../../lambdas/adapters/rules/rules-llm';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { useApiDependencies } from '../../../lambdas/handlers/api/dependencies';
import { handler as getTask } from '../../../lambdas/handlers/api/get-task';
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

  it('fills from a library in the web test page’s doc/form shape (DESIGN §4)', async () => {
    const webPageLibrary = {
      doc: [{ id: 'doc-9', title: 'Passport', tags: ['identity'], kv: { 'Full Name': 'Jane Doe' } }],
      form: [{ id: 'form-3', title: 'Visa application', kv: { Nationality: 'Irish' }, fields: [] }],
    };
    const submitted = await handler(
      apiEvent('POST /v1/tasks/form-filling', {
        body: { form: { fields: ['Full Name', 'Nationality'] }, library: webPageLibrary },
      }),
    );
    expect(submitted.statusCode).toBe(202);
    const { taskId } = JSON.parse(submitted.body ?? '');
    await processTask({ ...world, llm: new RulesLlm() }, taskId);
    const view = await getTask(apiEvent('GET /v1/tasks/{taskId}', { pathParameters: { taskId } }));
    expect(JSON.parse(view.body ?? '')).toMatchObject({
      status: 'completed',
      result: {
        'Full Name': { value: 'Jane Doe', source: { type: 'doc', resource_id: 'doc-9' } },
        Nationality: { value: 'Irish', source: { type: 'form', resource_id: 'form-3' } },
      },
    });
  });
});
