import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { OpenAiLlm } from '../../lambdas/adapters/openai-llm';
import { TaskFailure } from '../../lambdas/core/errors';
import type { LlmRequest } from '../../lambdas/core/ports';
import { writingTimeMs } from '../../lambdas/core/task-budget';

/** What the fake endpoint answers next: a status and a body, or `hang` to never answer. */
type Reply = { status: number; body: unknown } | 'hang';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let server: Server;
let baseUrl: string;
let replies: Reply[] = [];
let received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(raw) });
      const reply = replies.shift() ?? { status: 500, body: { error: 'no reply scripted' } };
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  replies = [];
  received = [];
});

const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] };

const request: LlmRequest = {
  strategy: 'document',
  system: 'You extract structured data.',
  messages: [
    { role: 'user', text: 'OCR text: Invoice 42' },
    { role: 'assistant', text: 'not json' },
    { role: 'user', text: 'Answer in JSON.' },
  ],
  tool: { name: 'record_document', description: 'Record the document', inputSchema: schema },
  maxTokens: 900,
  context: { type: 'document', ocrText: 'Invoice 42', pages: [], library: { docs: [], forms: [] } },
};

const completion = (content: string) => ({
  status: 200,
  body: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 321, completion_tokens: 45, total_tokens: 366 },
  },
});

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

function llm(options: Partial<ConstructorParameters<typeof OpenAiLlm>[0]> = {}) {
  return new OpenAiLlm({ baseUrl, model: 'qwen2.5:3b', retry: virtualClock(), ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<TaskFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskFailure);
  return error as TaskFailure;
}

describe('OpenAiLlm', () => {
  it('POSTs a chat completion with the system prompt, the turns, max_tokens and a JSON-schema format', async () => {
    replies = [completion('{"title":"Invoice 42"}')];
    await llm({ apiKey: 'sk-local' }).complete(request);
    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/v1/chat/completions');
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers.authorization).toBe('Bearer sk-local');
    expect(call?.body).toEqual({
      model: 'qwen2.5:3b',
      messages: [
        { role: 'system', content: 'You extract structured data.' },
        { role: 'user', content: 'OCR text: Invoice 42' },
        { role: 'assistant', content: 'not json' },
        { role: 'user', content: 'Answer in JSON.' },
      ],
      max_tokens: 900,
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'record_document', description: 'Record the document', schema, strict: false },
      },
    });
  });

  it('sends no Authorization header without an API key and tolerates a trailing slash', async () => {
    replies = [completion('{"title":"x"}')];
    await llm({ baseUrl: `${baseUrl}/` }).complete(request);
    expect(received[0]?.url).toBe('/v1/chat/completions');
    expect(received[0]?.headers.authorization).toBeUndefined();
  });

  it('returns the parsed JSON content and the token usage', async () => {
    replies = [completion('{"title":"Invoice 42","tags":["invoice"]}')];
    await expect(llm().complete(request)).resolves.toEqual({
      output: { title: 'Invoice 42', tags: ['invoice'] },
      inputTokens: 321,
      outputTokens: 45,
    });
  });

  it('reads JSON out of a fenced block when the server ignored the response format', async () => {
    replies = [completion('```json\n{"title":"Fenced"}\n```')];
    expect((await llm().complete(request)).output).toEqual({ title: 'Fenced' });
  });

  it('returns content that is not JSON as raw text, for the caller to repair', async () => {
    replies = [completion('{"title": "cut off')];
    expect((await llm().complete(request)).output).toBe('{"title": "cut off');
  });

  it('retries after a 429 and returns the answer that follows', async () => {
    replies = [{ status: 429, body: { error: 'busy' } }, completion('{"title":"second try"}')];
    const response = await llm().complete(request);
    expect(response.output).toEqual({ title: 'second try' });
    expect(received).toHaveLength(2);
  });

  it('fails with LLM_FAILURE after the attempts run out on a 5xx', async () => {
    replies = [
      { status: 503, body: 'loading model' },
      { status: 500, body: 'oops' },
    ];
    const failure = await failureOf(llm({ retry: { ...virtualClock(), maxAttempts: 2 } }).complete(request));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toContain('HTTP 500');
    expect(received).toHaveLength(2);
  });

  it('stops retrying at the task deadline when it comes before the budget ends', async () => {
    replies = [
      { status: 429, body: { error: 'busy' } },
      { status: 429, body: { error: 'busy' } },
      { status: 429, body: { error: 'busy' } },
      { status: 429, body: { error: 'busy' } },
    ];
    // The virtual clock starts at 0: 1.5 s to the deadline, against the 120 s default budget (4 attempts).
    const failure = await failureOf(llm({ attemptTimeoutMs: 1_000 }).complete(request, { deadline: 1_500 }));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toMatch(/left before the task's deadline/);
    expect(received).toHaveLength(2);
  });

  it('fails with LLM_FAILURE without calling the endpoint once the task deadline has passed', async () => {
    replies = [completion('{"title":"too late"}')];
    const failure = await failureOf(llm().complete(request, { deadline: 0 }));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toMatch(/ran out of time/);
    expect(received).toHaveLength(0);
  });

  it('fails with LLM_FAILURE on a 400 at once, quoting the endpoint', async () => {
    replies = [{ status: 400, body: { error: { message: 'model "qwen2.5:3b" not found' } } }];
    const failure = await failureOf(llm().complete(request));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toContain('HTTP 400');
    expect(failure.message).toContain('not found');
    expect(failure.message).toContain(`${baseUrl}/chat/completions`);
    expect(received).toHaveLength(1);
  });

  it('aborts a request the server never answers and fails with LLM_FAILURE', async () => {
    replies = ['hang'];
    const failure = await failureOf(llm({ budgetMs: 100, attemptTimeoutMs: 50 }).complete(request));
    expect(failure.code).toBe('LLM_FAILURE');
    expect(failure.message).toMatch(/did not answer/);
    expect(received).toHaveLength(1);
  });

  it('lets an attempt run as long as its maxTokens take to write before aborting it', async () => {
    // A fetch that never answers, on fake timers: the failure says after how long the attempt was cut.
    const hangs: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    const cutAfter = async (maxTokens: number) => {
      vi.useFakeTimers();
      try {
        const client = llm({ fetch: hangs, budgetMs: 600_000, retry: { ...virtualClock(), maxAttempts: 1 } });
        const pending = failureOf(client.complete({ ...request, maxTokens }));
        await vi.runAllTimersAsync();
        return Number(/within (\d+) ms/.exec((await pending).message)?.[1]);
      } finally {
        vi.useRealTimers();
      }
    };
    expect(await cutAfter(900)).toBe(55_000);
    const long = await cutAfter(30_000);
    expect(long).toBe(writingTimeMs(30_000));
    expect(long).toBeGreaterThan(55_000);
  });
});
