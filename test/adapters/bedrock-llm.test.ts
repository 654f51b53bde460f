import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  type Message,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BedrockLlm } from '../../lambdas/adapters/bedrock-llm';
import { TaskFailure } from '../../lambdas/core/errors';
import type { LlmRequest } from '../../lambdas/core/ports';
import { strategyFor } from '../../lambdas/core/strategies/registry';
import { runStrategy } from '../../lambdas/core/strategies/run-strategy';

const bedrock = mockClient(BedrockRuntimeClient);
afterEach(() => bedrock.reset());

const MODEL = 'us.amazon.nova-lite-v1:0';

const request: LlmRequest = {
  strategy: 'document',
  system: 'You extract structured data from OCR text.',
  messages: [
    { role: 'user', text: 'OCR text: Invoice No 42' },
    { role: 'assistant', text: '{"title": 1}' },
    { role: 'user', text: 'title must be a string.' },
    { role: 'user', text: 'Answer with the tool.' },
  ],
  tool: {
    name: 'record_document',
    description: 'Record the document result',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        // A property literally named `$schema` is data, not a keyword: it must survive.
        $schema: { type: 'string' },
        title: { type: 'string', $comment: 'three to five words' },
        kv: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } },
      },
      required: ['title'],
      additionalProperties: false,
    },
  },
  maxTokens: 1200,
  context: { type: 'document', ocrText: 'Invoice No 42', pages: [], library: { docs: [], forms: [] } },
};

const usage = { inputTokens: 812, outputTokens: 96, totalTokens: 908 };

function answer(message: Message): Partial<ConverseCommandOutput> {
  return { output: { message }, usage, stopReason: 'tool_use', metrics: { latencyMs: 1 } };
}

const toolAnswer = answer({
  role: 'assistant',
  content: [{ toolUse: { toolUseId: 't1', name: 'record_document', input: { title: 'ACME Invoice 42' } } }],
});

const textAnswer = (text: string) => answer({ role: 'assistant', content: [{ text }] });

function virtualClock() {
  let clock = 0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
    random: () => 0.5,
  };
}

function llm(options: ConstructorParameters<typeof BedrockLlm>[2] = {}) {
  return new BedrockLlm(new BedrockRuntimeClient({}), MODEL, { retry: virtualClock(), ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<TaskFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskFailure);
  return error as TaskFailure;
}

const sentInput = () => bedrock.commandCalls(ConverseCommand)[0]?.args[0].input;

describe('BedrockLlm', () => {
  it('reports the model id as its model', () => {
    expect(llm().model).toBe(MODEL);
  });

  it('forces the one tool, sets maxTokens and temperature 0, and sends the system prompt apart', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    await llm().complete(request);
    const input = sentInput();
    expect(input?.modelId).toBe(MODEL);
    expect(input?.system).toEqual([{ text: 'You extract structured data from OCR text.' }]);
    expect(input?.inferenceConfig).toEqual({ maxTokens: 1200, temperature: 0 });
    expect(input?.toolConfig?.toolChoice).toEqual({ tool: { name: 'record_document' } });
    expect(input?.toolConfig?.tools).toHaveLength(1);
    expect(input?.toolConfig?.tools?.[0]?.toolSpec?.name).toBe('record_document');
    expect(input?.toolConfig?.tools?.[0]?.toolSpec?.description).toBe('Record the document result');
  });

  it("clamps maxTokens to the model's output limit, as Bedrock refuses more with a ValidationException", async () => {
    // Nova Lite answers at most 5,000 output tokens (model card); a larger request is refused outright.
    bedrock.on(ConverseCommand).callsFake((input) => {
      if ((input.inferenceConfig?.maxTokens ?? 0) > 5_000) {
        throw new ValidationException({
          message: 'The maximum tokens you requested exceeds the model limit',
          $metadata: {},
        });
      }
      return answer({
        role: 'assistant',
        content: [{ toolUse: { toolUseId: 't1', name: strategyFor('form_filling').toolName, input: {} } }],
      });
    });
    const formFilling = strategyFor('form_filling');
    const outcome = await runStrategy(
      formFilling,
      {
        type: 'form_filling',
        ocrText: '',
        pages: [],
        library: { docs: [{ id: 'd1' }], forms: [] },
        fields: ['Name'],
      },
      llm(),
    );
    expect(outcome.repaired).toBe(false);
    expect(sentInput()?.inferenceConfig?.maxTokens).toBe(5_000);
    // A request already inside the limit is sent as it is.
    bedrock.resetHistory();
    await llm().complete(request);
    expect(sentInput()?.inferenceConfig?.maxTokens).toBe(1200);
  });

  it('clamps to an explicit limit, and leaves a model without a known limit alone', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    await llm({ maxOutputTokens: 1000 }).complete(request);
    expect(sentInput()?.inferenceConfig?.maxTokens).toBe(1000);
    bedrock.resetHistory();
    const unknown = new BedrockLlm(new BedrockRuntimeClient({}), 'mistral.mistral-large-2407-v1:0', {
      retry: virtualClock(),
    });
    expect(unknown.maxOutputTokens).toBeUndefined();
    await unknown.complete({ ...request, maxTokens: 9000 });
    expect(sentInput()?.inferenceConfig?.maxTokens).toBe(9000);
  });

  it('uses the configured temperature', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    await llm({ temperature: 0.3 }).complete(request);
    expect(sentInput()?.inferenceConfig?.temperature).toBe(0.3);
  });

  it('merges consecutive turns of one role, since Converse wants the roles to alternate', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    await llm().complete(request);
    expect(sentInput()?.messages).toEqual([
      { role: 'user', content: [{ text: 'OCR text: Invoice No 42' }] },
      { role: 'assistant', content: [{ text: '{"title": 1}' }] },
      { role: 'user', content: [{ text: 'title must be a string.' }, { text: 'Answer with the tool.' }] },
    ]);
  });

  it('strips $schema and $comment from the tool schema but keeps properties named like them', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    await llm().complete(request);
    expect(sentInput()?.toolConfig?.tools?.[0]?.toolSpec?.inputSchema).toEqual({
      json: {
        type: 'object',
        properties: {
          $schema: { type: 'string' },
          title: { type: 'string' },
          kv: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } },
        },
        required: ['title'],
        additionalProperties: false,
      },
    });
    // The caller's schema is not modified in place.
    expect(request.tool.inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('returns the tool input and the tokens Bedrock reports', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    await expect(llm().complete(request)).resolves.toEqual({
      output: { title: 'ACME Invoice 42' },
      inputTokens: 812,
      outputTokens: 96,
    });
  });

  it('parses a fenced JSON block when the model answered in text', async () => {
    bedrock
      .on(ConverseCommand)
      .resolves(
        textAnswer('Here is the result:\n```json\n{"title": "ACME Invoice", "tags": ["invoice"]}\n```'),
      );
    const response = await llm().complete(request);
    expect(response.output).toEqual({ title: 'ACME Invoice', tags: ['invoice'] });
    expect(response.outputTokens).toBe(96);
  });

  it('finds the first JSON object in prose, braces inside strings included', async () => {
    bedrock
      .on(ConverseCommand)
      .resolves(textAnswer('Sure! {"title": "A {curly} title", "kv": {"a": "b"}} Done.'));
    expect((await llm().complete(request)).output).toEqual({ title: 'A {curly} title', kv: { a: 'b' } });
  });

  it('returns the raw text when it holds no JSON, for the caller to repair', async () => {
    bedrock.on(ConverseCommand).resolves(textAnswer('I cannot read this document.'));
    expect((await llm().complete(request)).output).toBe('I cannot read this document.');
  });

  it('retries a throttled call and returns the answer that follows', async () => {
    bedrock
      .on(ConverseCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Too many requests', $metadata: {} }))
      .rejectsOnce(new ServiceUnavailableException({ message: 'busy', $metadata: {} }))
      .resolves(toolAnswer);
    const response = await llm().complete(request);
    expect(response.output).toEqual({ title: 'ACME Invoice 42' });
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(3);
  });

  it('fails with LLM_FAILURE once throttling outlasts the budget', async () => {
    bedrock
      .on(ConverseCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests', $metadata: {} }));
    const failure = await failureOf(llm({ budgetMs: 4_000, attemptTimeoutMs: 1_000 }).complete(request));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toContain(MODEL);
    expect(failure.message).toContain('ThrottlingException');
    expect(bedrock.commandCalls(ConverseCommand).length).toBeGreaterThan(1);
  });

  it('stops retrying at the task deadline when it comes before the budget ends', async () => {
    bedrock
      .on(ConverseCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests', $metadata: {} }));
    // The virtual clock starts at 0: 3 s to the deadline, against the 60 s default budget.
    const failure = await failureOf(llm({ attemptTimeoutMs: 1_000 }).complete(request, { deadline: 3_000 }));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toMatch(/left before the task's deadline/);
    const calls = bedrock.commandCalls(ConverseCommand).length;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThan(5);
  });

  it('fails with LLM_FAILURE without calling Bedrock once the task deadline has passed', async () => {
    bedrock.on(ConverseCommand).resolves(toolAnswer);
    const failure = await failureOf(llm().complete(request, { deadline: 0 }));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toMatch(/ran out of time/);
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(0);
  });

  it.each([
    [
      'ValidationException',
      () => new ValidationException({ message: 'bad schema', $metadata: {} }),
      'rejected',
    ],
    [
      'AccessDeniedException',
      () => new AccessDeniedException({ message: 'no', $metadata: {} }),
      'InvokeModel',
    ],
    [
      'ResourceNotFoundException',
      () => new ResourceNotFoundException({ message: 'x', $metadata: {} }),
      'model',
    ],
  ])('fails with LLM_FAILURE on %s at once, naming the model', async (_, error, hint) => {
    bedrock.on(ConverseCommand).rejects(error());
    const failure = await failureOf(llm().complete(request));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toContain(MODEL);
    expect(failure.message).toContain(hint);
    expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
  });

  it('gives a long answer the time to be written: a 5,000-token call may take 28 s in one attempt', async () => {
    vi.useFakeTimers();
    try {
      bedrock
        .on(ConverseCommand)
        .callsFake(() => new Promise((resolve) => setTimeout(() => resolve(toolAnswer), 28_000)));
      // Clamped to Nova Lite's 5,000: 5 s to the first token and 25 s at 200 tokens/s.
      const answered = new BedrockLlm(new BedrockRuntimeClient({}), MODEL, { budgetMs: 27_000 }).complete({
        ...request,
        maxTokens: 8_000,
      });
      await vi.advanceTimersByTimeAsync(28_000);
      expect((await answered).output).toEqual({ title: 'ACME Invoice 42' });
      expect(bedrock.commandCalls(ConverseCommand)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('aborts a hung call after the per-attempt timeout and fails with LLM_FAILURE', async () => {
    bedrock.on(ConverseCommand).callsFake(() => new Promise(() => {}));
    const failure = await failureOf(llm({ budgetMs: 50, attemptTimeoutMs: 20 }).complete(request));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toMatch(/did not answer/);
    const [call] = bedrock.commandCalls(ConverseCommand);
    const sendOptions = (call?.args as unknown[] | undefined)?.[1] as
      | { abortSignal?: AbortSignal }
      | undefined;
    expect(sendOptions?.abortSignal?.aborted).toBe(true);
  });
});
