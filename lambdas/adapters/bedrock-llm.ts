import {
  type BedrockRuntimeClient,
  type ContentBlock,
  ConverseCommand,
  type ConverseResponse,
  type Message,
  type ToolInputSchema,
} from '@aws-sdk/client-bedrock-runtime';
import { modelCard } from '../core/bedrock-models';
import { TaskFailure } from '../core/errors';
import type { CallOptions, LlmClient, LlmRequest, LlmResponse } from '../core/ports';
import { writingTimeMs } from '../core/task-budget';
// The text-answer parser lives with the OpenAI adapter, which has no dependencies to drag in.
import { jsonFromModelText } from './openai-llm';
import {
  AttemptTimeoutError,
  type CallBudget,
  callBudget,
  describeBudget,
  isThrottle,
  type RetryTuning,
  withRetry,
} from './retry';

export interface BedrockLlmOptions {
  /** Attempts, backoff and time sources; tests inject a virtual clock. */
  retry?: RetryTuning;
  /** Time for all attempts of one completion. @default 60000 */
  budgetMs?: number;
  /**
   * One Converse call is aborted after this long.
   * @default 25 s, or the time the request's maxTokens take to write when that is longer (core/task-budget.ts)
   */
  attemptTimeoutMs?: number;
  /** @default 0 */
  temperature?: number;
  /**
   * The model's output-token limit; every request's maxTokens is clamped to it.
   * @default the limit in the model table (core/bedrock-models.ts); none for a model not in it
   */
  maxOutputTokens?: number;
}

/** An answer of ordinary length is written well inside this. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 25_000;

/** Errors that no retry can fix (a bad request, a missing grant, an unknown model id) and what to check. */
const CONFIGURATION_ERRORS: Record<string, (model: string) => string> = {
  ValidationException: (model) => `Bedrock rejected the request to ${model}`,
  AccessDeniedException: (model) =>
    `Bedrock denied access to ${model}: grant bedrock:InvokeModel on it and enable the model in the account`,
  ResourceNotFoundException: (model) =>
    `Bedrock found no model or inference profile ${model}: check the id and the region`,
};

/**
 * JSON-Schema keys that only describe the schema document itself. Some Bedrock models reject them in a
 * tool schema (`$schema` in particular), and dropping them changes nothing a model needs.
 */
const DOCUMENT_KEYS = new Set(['$schema', '$id', '$comment']);

/** Keys whose value maps names to sub-schemas: the names are data, not keywords, and are kept. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/** Keys whose value is instance data, copied as it is. */
const DATA_KEYS = new Set(['const', 'enum', 'default', 'examples']);

/** The Bedrock Converse API, answering through one forced tool call. */
export class BedrockLlm implements LlmClient {
  readonly model: string;
  private readonly budgetMs: number;
  private readonly attemptTimeoutMs: number | undefined;
  private readonly retry: RetryTuning;
  private readonly temperature: number;
  /** Bedrock refuses a maxTokens above the model's limit (ValidationException), so no request asks for more. */
  readonly maxOutputTokens: number | undefined;

  constructor(
    private readonly client: BedrockRuntimeClient,
    modelId: string,
    options: BedrockLlmOptions = {},
  ) {
    this.model = modelId;
    this.budgetMs = options.budgetMs ?? 60_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs;
    this.retry = options.retry ?? {};
    this.temperature = options.temperature ?? 0;
    this.maxOutputTokens = options.maxOutputTokens ?? modelCard(modelId)?.maxOutputTokens;
  }

  /** Retries within its budget, or within what is left until `options.deadline` when that comes first. */
  async complete(request: LlmRequest, options: CallOptions = {}): Promise<LlmResponse> {
    const maxTokens = Math.min(request.maxTokens, this.maxOutputTokens ?? request.maxTokens);
    // A long answer takes its time to write: one attempt, and so the call's budget, allow for it; the
    // task's deadline still caps both.
    const attemptTimeoutMs =
      this.attemptTimeoutMs ?? Math.max(DEFAULT_ATTEMPT_TIMEOUT_MS, writingTimeMs(maxTokens));
    const budget = callBudget(
      Math.max(this.budgetMs, attemptTimeoutMs),
      options.deadline,
      this.retry.now ?? Date.now,
    );
    if (budget.budgetMs <= 0) {
      throw new TaskFailure(
        'LLM_FAILURE',
        `the task ran out of time before Bedrock model ${this.model} was called`,
      );
    }
    const command = new ConverseCommand({
      modelId: this.model,
      system: [{ text: request.system }],
      messages: conversation(request.messages),
      inferenceConfig: {
        maxTokens,
        temperature: this.temperature,
      },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: request.tool.name,
              description: request.tool.description,
              inputSchema: { json: toolSchema(request.tool.inputSchema) },
            },
          },
        ],
        toolChoice: { tool: { name: request.tool.name } },
      },
    });
    let response: ConverseResponse;
    try {
      response = await withRetry((abortSignal) => this.client.send(command, { abortSignal }), {
        maxAttempts: 5,
        baseDelayMs: 500,
        maxDelayMs: 8_000,
        attemptTimeoutMs,
        isRetryable: isTransient,
        ...this.retry,
        budgetMs: budget.budgetMs,
      });
    } catch (error) {
      throw this.failure(error, budget);
    }
    return {
      output: answerOf(response.output?.message?.content ?? [], request.tool.name),
      inputTokens: response.usage?.inputTokens ?? 0,
      outputTokens: response.usage?.outputTokens ?? 0,
    };
  }

  private failure(error: unknown, budget: CallBudget): TaskFailure {
    return new TaskFailure('LLM_FAILURE', this.explain(error, budget), { cause: error });
  }

  private explain(error: unknown, budget: CallBudget): string {
    const name = error instanceof Error ? error.name : 'UnknownError';
    const detail = error instanceof Error ? error.message : String(error);
    const configuration = CONFIGURATION_ERRORS[name];
    if (configuration) return `${configuration(this.model)} (${detail})`;
    if (error instanceof AttemptTimeoutError) return `Bedrock model ${this.model} did not answer: ${detail}`;
    if (isTransient(error)) {
      return `Bedrock model ${this.model} stayed unavailable (${name}); gave up after the retries ${describeBudget(budget)} allows`;
    }
    return `Bedrock model ${this.model} failed (${name}: ${detail})`;
  }
}

// ModelTimeoutException: the model took too long this time; another attempt may be quicker.
function isTransient(error: unknown): boolean {
  return (
    isThrottle(error) ||
    error instanceof AttemptTimeoutError ||
    (error instanceof Error && error.name === 'ModelTimeoutException')
  );
}

/** Converse wants alternating roles, so consecutive turns of one role become one message. */
function conversation(messages: LlmRequest['messages']): Message[] {
  const merged: Message[] = [];
  for (const { role, text } of messages) {
    const last = merged.at(-1);
    if (last?.role === role) last.content?.push({ text });
    else merged.push({ role, content: [{ text }] });
  }
  return merged;
}

/** The tool input when the model called the tool; otherwise JSON found in its text, or the text itself. */
function answerOf(content: ContentBlock[], toolName: string): unknown {
  const toolUses = content.flatMap((block) => (block.toolUse ? [block.toolUse] : []));
  const toolUse = toolUses.find((use) => use.name === toolName) ?? toolUses[0];
  if (toolUse) return toolUse.input;
  const text = content.flatMap((block) => (block.text === undefined ? [] : [block.text])).join('\n');
  return jsonFromModelText(text) ?? text;
}

/** The tool's JSON Schema without the document-level keys some models refuse (see DOCUMENT_KEYS). */
export function toolSchema(schema: Record<string, unknown>): ToolInputSchema.JsonMember['json'] {
  // A JSON Schema is plain JSON, which is what a Smithy document is.
  return withoutDocumentKeys(schema) as ToolInputSchema.JsonMember['json'];
}

function withoutDocumentKeys(node: unknown, isSchemaMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDocumentKeys(item));
  if (typeof node !== 'object' || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (isSchemaMap) copy[key] = withoutDocumentKeys(value);
    else if (DATA_KEYS.has(key)) copy[key] = value;
    else if (!DOCUMENT_KEYS.has(key)) copy[key] = withoutDocumentKeys(value, SCHEMA_MAPS.has(key));
  }
  return copy;
}
