import { describe, expect, it } from 'vitest';
import { RulesLlm } from '../../../lambdas/adapters/rules/rules-llm';
import type { StrategyContext } from '../../../lambdas/core/ports';
import { Library } from '../../../lambdas/core/schemas/library';
import { SubmitFormFillingRequest, SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { normaliseFormFilling } from '../../../lambdas/core/strategies/form-filling';
import { flattenKeyValues } from '../../../lambdas/core/strategies/normalise';
import { strategyFor } from '../../../lambdas/core/strategies/registry';
import { runStrategy } from '../../../lambdas/core/strategies/run-strategy';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { base64, pngImage } from '../../support/events';
import { memoryWorld } from '../../support/memory-ports';

/** Names of Object.prototype members; each is an ordinary kv key or form field to a user. */
const NAMES = ['constructor', 'toString', '__proto__'] as const;

/** `{"constructor": …, "toString": …, "__proto__": …}` as JSON.parse makes it (own properties, all three). */
const mapOf = (value: (name: string) => unknown) =>
  JSON.parse(JSON.stringify(Object.fromEntries(NAMES.map((name) => [name, value(name)]))));

const ownKeys = (value: unknown) => Object.keys(value as object).sort();

const library = Library.parse({
  docs: [{ id: 'd1', name: 'Notes', extractedInfo: mapOf((name) => `${name} value`) }],
  forms: [],
});

describe('kv keys and fields named like Object.prototype members', () => {
  it('survive flattening, nested or not', () => {
    expect(flattenKeyValues(mapOf((name) => `${name} value`))).toEqual(mapOf((name) => `${name} value`));
    expect(ownKeys(flattenKeyValues({ outer: mapOf(() => 1) }))).toEqual(
      NAMES.map((name) => `outer.${name}`).sort(),
    );
  });

  it('survive the library schema (extractedInfo is kept as given)', () => {
    expect(ownKeys(library.docs[0]?.extractedInfo)).toEqual([...NAMES].sort());
  });

  it('survive form-filling normalisation, and a document answer through validation', async () => {
    const context: StrategyContext = {
      type: 'form_filling',
      ocrText: '',
      pages: [],
      library,
      fields: [...NAMES],
    };
    const filled = normaliseFormFilling(
      mapOf((name) => ({ value: `${name} value`, source: { type: 'doc', resource_id: 'd1' } })),
      context,
    );
    expect(ownKeys(filled)).toEqual([...NAMES].sort());

    const llm = {
      model: 'test',
      complete: async () => ({
        output: {
          title: 'Notes Of Names',
          tags: ['notes'],
          description: 'Names.',
          kv: mapOf(() => 'x'),
          related: [],
        },
        inputTokens: 1,
        outputTokens: 1,
      }),
    };
    const document: StrategyContext = { type: 'document', ocrText: 'text', pages: [], library };
    const outcome = await runStrategy(strategyFor('document'), document, llm);
    expect(ownKeys((outcome.result as { kv: object }).kv)).toEqual([...NAMES].sort());
  });

  it('are read and filled by the offline rules extractor', async () => {
    const rules = new RulesLlm();
    // Printed labels start with a letter, so `__proto__` is no label in OCR text; the other two are.
    const printed = ['constructor', 'toString'];
    const read = await runStrategy(
      strategyFor('document'),
      {
        type: 'document',
        ocrText: printed.map((name) => `${name}: ${name} value`).join('\n'),
        pages: [],
        library,
      },
      rules,
    );
    expect((read.result as { kv: Record<string, unknown> }).kv).toMatchObject({
      constructor: 'constructor value',
      toString: 'toString value',
    });

    const fill = await runStrategy(
      strategyFor('form_filling'),
      { type: 'form_filling', ocrText: '', pages: [], library, fields: [...NAMES] },
      rules,
    );
    expect(fill.result).toEqual(
      mapOf((name) => ({ value: `${name} value`, source: { type: 'doc', resource_id: 'd1' } })),
    );
  });

  it('reach the task view of a completed task, document and form filling', async () => {
    const world = memoryWorld();
    world.llm.answer = (request) =>
      request.strategy === 'form_filling'
        ? mapOf((name) => ({ value: `${name} value`, source: { type: 'doc', resource_id: 'd1' } }))
        : {
            title: 'Notes Of Names',
            tags: ['notes'],
            description: 'Names.',
            kv: mapOf(() => 'x'),
            related: [],
          };
    const images = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage()) }] });
    const fills = SubmitFormFillingRequest.parse({ form: { fields: [...NAMES] }, library });
    const document = await submitTask(world, 'user-a', { type: 'document', request: images });
    const filling = await submitTask(world, 'user-a', { type: 'form_filling', request: fills });
    await processTask(world, document.summary.taskId);
    await processTask(world, filling.summary.taskId);

    const documentView = JSON.parse(JSON.stringify(await getTask(world, 'user-a', document.summary.taskId)));
    expect(ownKeys(documentView.result.kv)).toEqual([...NAMES].sort());
    const fillingView = JSON.parse(JSON.stringify(await getTask(world, 'user-a', filling.summary.taskId)));
    expect(ownKeys(fillingView.result)).toEqual([...NAMES].sort());
  });
});
