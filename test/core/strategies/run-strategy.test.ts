import { describe, expect, it } from 'vitest';
import { TaskFailure } from '../../../lambdas/core/errors';
import type { LlmClient, LlmRequest, LlmResponse, StrategyContext } from '../../../lambdas/core/ports';
import { strategyFor } from '../../../lambdas/core/strategies/registry';
import { runStrategy } from '../../../lambdas/core/strategies/run-strategy';

/** A model that gives the scripted answers in turn and records every request. */
class ScriptedLlm implements LlmClient {
  readonly model = 'scripted';
  readonly requests: LlmRequest[] = [];
  constructor(private readonly answers: (LlmResponse | Error)[]) {}

  async complete(request: LlmRequest): Promise<LlmResponse> {
    this.requests.push(request);
    const answer = this.answers[this.requests.length - 1];
    if (answer === undefined) throw new Error('no more scripted answers');
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

const context: StrategyContext = {
  type: 'document',
  ocrText: 'INVOICE\nTotal: 5',
  pages: [],
  library: { docs: [{ id: 'd1' }], forms: [] },
};

const validAnswer = {
  title: 'Acme Invoice March 2024',
  tags: ['invoice'],
  description: 'An invoice from Acme.',
  kv: { Total: 5 },
  related: [{ type: 'doc', resource_id: 'd1' }],
};

const answer = (output: unknown, inputTokens = 100, outputTokens = 20): LlmResponse => ({
  output,
  inputTokens,
  outputTokens,
});

describe('runStrategy', () => {
  it('returns a valid first answer with its tokens, after one call', async () => {
    const llm = new ScriptedLlm([answer(validAnswer, 120, 30)]);
    const outcome = await runStrategy(strategyFor('document'), context, llm);
    expect(outcome).toEqual({ result: validAnswer, inputTokens: 120, outputTokens: 30, repaired: false });
    expect(llm.requests).toHaveLength(1);
    const [request] = llm.requests;
    expect(request.maxTokens).toBe(strategyFor('document').maxTokens);
    expect(request.context).toBe(context);
    expect(request.messages).toEqual([{ role: 'user', text: expect.stringContaining('<ocr_text>') }]);
  });

  it('reads an answer the model wrote as JSON text in a fence', async () => {
    const llm = new ScriptedLlm([answer(`\`\`\`json\n${JSON.stringify(validAnswer)}\n\`\`\``)]);
    expect((await runStrategy(strategyFor('document'), context, llm)).result).toEqual(validAnswer);
  });

  it('repairs an invalid answer with exactly one more call that lists the problems, summing tokens', async () => {
    const invalid = { title: 'Acme Invoice', tags: ['invoice'], kv: { Total: 5 } };
    const llm = new ScriptedLlm([answer(invalid, 100, 10), answer(validAnswer, 150, 25)]);
    const outcome = await runStrategy(strategyFor('document'), context, llm);
    expect(outcome).toEqual({ result: validAnswer, inputTokens: 250, outputTokens: 35, repaired: true });
    expect(llm.requests).toHaveLength(2);
    const [question, previous, problems] = llm.requests[1].messages;
    expect(question).toEqual(llm.requests[0].messages[0]);
    expect(previous).toEqual({ role: 'assistant', text: JSON.stringify(invalid) });
    expect(problems.role).toBe('user');
    expect(problems.text).toContain('- description: Invalid input: expected string, received undefined');
    expect(llm.requests[1].system).toBe(llm.requests[0].system);
  });

  it('repairs an answer that is not JSON at all', async () => {
    const llm = new ScriptedLlm([answer('Sure! Here is the data: {title:'), answer(validAnswer)]);
    const outcome = await runStrategy(strategyFor('document'), context, llm);
    expect(outcome.repaired).toBe(true);
    expect(llm.requests[1].messages[1].text).toBe('Sure! Here is the data: {title:');
    expect(llm.requests[1].messages[2].text).toContain('(the whole answer)');
  });

  it('fails with INVALID_LLM_OUTPUT when the repair is invalid too', async () => {
    const llm = new ScriptedLlm([answer('garbage'), answer(['still', 'garbage'])]);
    const failure = await runStrategy(strategyFor('document'), context, llm).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect((failure as TaskFailure).code).toBe('INVALID_LLM_OUTPUT');
    expect(llm.requests).toHaveLength(2);
  });

  it('lets LLM_FAILURE from the client pass through untouched, on the first or the repair call', async () => {
    const unreachable = new TaskFailure('LLM_FAILURE', 'model unreachable');
    await expect(runStrategy(strategyFor('document'), context, new ScriptedLlm([unreachable]))).rejects.toBe(
      unreachable,
    );
    const duringRepair = new ScriptedLlm([answer('garbage'), unreachable]);
    await expect(runStrategy(strategyFor('document'), context, duringRepair)).rejects.toBe(unreachable);
  });

  it.each(['document', 'form', 'form_filling'] as const)(
    'gives the %s tool an object JSON Schema at the top level',
    async (type) => {
      const llm = new ScriptedLlm([answer({})]);
      await runStrategy(strategyFor(type), { ...context, type, fields: ['Name'] }, llm).catch(
        () => undefined,
      );
      const { inputSchema, name } = llm.requests[0].tool;
      expect(name).toBe(strategyFor(type).toolName);
      expect(inputSchema.type).toBe('object');
      expect(inputSchema.properties).toBeTypeOf('object');
      expect(inputSchema).not.toHaveProperty('$schema');
      expect(JSON.stringify(inputSchema)).not.toContain('propertyNames');
    },
  );

  it('wraps the form filling result in "values" and unwraps the answer', async () => {
    const filled = { Name: { value: 'Jane Doe', source: { type: 'doc', resource_id: 'd1' } } };
    const llm = new ScriptedLlm([answer({ values: filled })]);
    const fillingContext: StrategyContext = { ...context, type: 'form_filling', fields: ['Name'] };
    const outcome = await runStrategy(strategyFor('form_filling'), fillingContext, llm);
    expect(outcome.result).toEqual(filled);
    const { inputSchema } = llm.requests[0].tool;
    expect(inputSchema.required).toEqual(['values']);
    expect((inputSchema.properties as Record<string, { type: string }>).values.type).toBe('object');
  });

  it('names repair problems of a wrapped result by their path in the tool input', async () => {
    const llm = new ScriptedLlm([answer({ values: 'nothing' }), answer({ values: {} })]);
    const fillingContext: StrategyContext = { ...context, type: 'form_filling', fields: ['Name'] };
    const outcome = await runStrategy(strategyFor('form_filling'), fillingContext, llm);
    expect(outcome.result).toEqual({});
    expect(llm.requests[1].messages[2].text).toContain('- values.values:');
  });
});
