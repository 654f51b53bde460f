import { TaskFailure } from '../core/errors';
import type { CallOptions, LlmClient, LlmRequest, LlmResponse } from '../core/ports';
import { writingTimeMs } from '../core/task-budget';
import {
  AttemptTimeoutError,
  type CallBudget,
  callBudget,
  describeBudget,
  httpStatusOf,
  isThrottle,
  type RetryTuning,
  withRetry,
} from './retry';

export interface OpenAiLlmOptions {
  /** Attempts, backoff and time sources; tests inject a virtual clock. */
  retry?: RetryTuning;
  /** Up to and including the version path, e.g. `http://127.0.0.1:11434/v1` (Ollama) or `…:8080/v1` (llama.cpp). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Time for all attempts of one completion. @default 120000 */
  budgetMs?: number;
  /**
   * One HTTP call is aborted after this long; local models on a CPU are slow.
   * @default 55 s, or the time the request's maxTokens take to write when that is longer (core/task-budget.ts)
   */
  attemptTimeoutMs?: number;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 55_000;

/** A non-2xx answer of the endpoint; `status` lets `isThrottle` see 429 / 503. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'HttpStatusError';
  }
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** An OpenAI-compatible chat completions endpoint (Ollama, llama.cpp server, vLLM, OpenAI itself). */
export class OpenAiLlm implements LlmClient {
  readonly model: string;
  private readonly url: string;
  private readonly fetch: typeof fetch;
  private readonly budgetMs: number;
  private readonly retry: RetryTuning;

  constructor(private readonly options: OpenAiLlmOptions) {
    this.model = options.model;
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    this.fetch = options.fetch ?? fetch;
    this.budgetMs = options.budgetMs ?? 120_000;
    this.retry = options.retry ?? {};
  }

  /** Retries within its budget, or within what is left until `options.deadline` when that comes first. */
  async complete(request: LlmRequest, options: CallOptions = {}): Promise<LlmResponse> {
    const budget = callBudget(this.budgetMs, options.deadline, this.retry.now ?? Date.now);
    if (budget.budgetMs <= 0) {
      throw new TaskFailure(
        'LLM_FAILURE',
        `the task ran out of time before ${this.url} (model ${this.model}) was called`,
      );
    }
    const body = JSON.stringify({
      model: this.model,
      messages: [
        { role: 'system', content: request.system },
        ...request.messages.map((message) => ({ role: message.role, content: message.text })),
      ],
      max_tokens: request.maxTokens,
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: request.tool.name,
          description: request.tool.description,
          schema: request.tool.inputSchema,
          strict: false,
        },
      },
    });
    let completion: ChatCompletion;
    try {
      completion = await withRetry((signal) => this.post(body, signal), {
        maxAttempts: 4,
        baseDelayMs: 500,
        maxDelayMs: 8_000,
        attemptTimeoutMs:
          this.options.attemptTimeoutMs ??
          Math.max(DEFAULT_ATTEMPT_TIMEOUT_MS, writingTimeMs(request.maxTokens)),
        isRetryable: isTransient,
        ...this.retry,
        budgetMs: budget.budgetMs,
      });
    } catch (error) {
      throw this.failure(error, budget);
    }
    const content = completion.choices?.[0]?.message?.content ?? '';
    return {
      output: jsonFromModelText(content) ?? content,
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    };
  }

  private async post(body: string, signal: AbortSignal): Promise<ChatCompletion> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const response = await this.fetch(this.url, { method: 'POST', headers, body, signal });
    const text = await response.text();
    if (!response.ok) throw new HttpStatusError(response.status, text);
    try {
      return JSON.parse(text) as ChatCompletion;
    } catch {
      throw new Error(`the endpoint answered ${response.status} with a body that is not JSON`);
    }
  }

  private failure(error: unknown, budget: CallBudget): TaskFailure {
    const detail = error instanceof Error ? error.message : String(error);
    const where = `${this.url} (model ${this.model})`;
    if (error instanceof AttemptTimeoutError) {
      return new TaskFailure('LLM_FAILURE', `${where} did not answer: ${detail}`, { cause: error });
    }
    if (isThrottle(error)) {
      return new TaskFailure(
        'LLM_FAILURE',
        `${where} stayed busy (${detail}) until the retries ${describeBudget(budget)} allows ran out`,
        { cause: error },
      );
    }
    return new TaskFailure('LLM_FAILURE', `${where} failed: ${detail}`, { cause: error });
  }
}

// A refused connection (`TypeError: fetch failed`) is usually a server still starting: worth a retry.
function isTransient(error: unknown): boolean {
  return (
    isThrottle(error) ||
    error instanceof AttemptTimeoutError ||
    error instanceof TypeError ||
    (httpStatusOf(error) ?? 0) >= 500
  );
}

/**
 * The JSON value a model wrote: the whole text, else a fenced ```json block, else the first balanced
 * `{…}`. Undefined when there is none. Bedrock uses it too for models that answer in text.
 */
export function jsonFromModelText(text: string): unknown {
  const candidates = [text, fencedBlock(text), firstObject(text)];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // not this one; try the next candidate
    }
  }
  return undefined;
}

function fencedBlock(text: string): string | undefined {
  return /```(?:json)?\s*\n?([\s\S]*?)```/i.exec(text)?.[1];
}

/** The first `{` up to its matching `}`, skipping braces inside strings. */
function firstObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return text.slice(start, index + 1);
  }
  return undefined;
}
