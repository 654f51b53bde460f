import { TaskFailure } from '../errors';
import { nestsDeeperThan } from '../nesting';
import type { LlmClient, LlmRequest, LlmResponse, StrategyContext } from '../ports';
import type * as z from '../zod';
import type { Strategy } from './strategy';
import { toolInputShape } from './tool-schema';

/** Bounds on what a repair message repeats back to the model. */
const MAX_PROBLEMS = 20;
const MAX_ANSWER_CHARS = 20_000;
/** No result nests this deep; a deeper answer is refused before anything recursive walks it. */
const MAX_ANSWER_DEPTH = 32;

export interface StrategyOutcome {
  result: unknown;
  inputTokens: number;
  outputTokens: number;
  repaired: boolean;
}

type Check = { valid: true; result: unknown } | { valid: false; problems: string[] };

/** A model that wrote JSON instead of calling the tool gives text, maybe inside a Markdown fence. */
export function parseAnswer(output: unknown): unknown {
  if (typeof output !== 'string') return output;
  const text = output
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  try {
    return JSON.parse(text);
  } catch {
    return output;
  }
}

function describeIssue(issue: z.core.$ZodIssue, wrapKey: string | undefined): string {
  const path = [...(wrapKey ? [wrapKey] : []), ...issue.path.map(String)].join('.');
  return `- ${path || '(the whole answer)'}: ${issue.message}`;
}

function check(strategy: Strategy, output: unknown, context: StrategyContext, wrapKey?: string): Check {
  const answer = parseAnswer(output);
  if (nestsDeeperThan(answer, MAX_ANSWER_DEPTH)) {
    return { valid: false, problems: [`- (the whole answer): nests deeper than ${MAX_ANSWER_DEPTH} levels`] };
  }
  let normalised: unknown;
  try {
    normalised = strategy.normalise(answer, context);
  } catch (error) {
    // normalise should never throw; if it does, the answer is treated as unusable, not the task as broken.
    return { valid: false, problems: [`- (the whole answer): could not be read (${String(error)})`] };
  }
  const parsed = strategy.resultSchema.safeParse(normalised);
  // The normalised value itself, not zod's copy: zod leaves `__proto__` keys out of the records it builds,
  // and a kv key or form field may be called that. The result schemas transform nothing.
  if (parsed.success) return { valid: true, result: normalised };
  return { valid: false, problems: parsed.error.issues.map((issue) => describeIssue(issue, wrapKey)) };
}

function answerText(output: unknown): string {
  if (nestsDeeperThan(output, MAX_ANSWER_DEPTH)) return '(an answer nested too deeply to repeat)';
  const text = typeof output === 'string' ? output : (JSON.stringify(output) ?? String(output));
  return text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS)}…` : text;
}

function repairMessage(problems: string[], toolName: string): string {
  const listed = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > listed.length ? [`- and ${problems.length - listed.length} more`] : [];
  return [
    "Your previous answer does not match the tool's input schema. Problems:",
    ...listed,
    ...more,
    `Call the tool ${toolName} again with a complete, corrected input.`,
  ].join('\n');
}

/**
 * Runs a strategy: one model call answering through the result's tool, normalisation, validation, and on
 * an invalid answer exactly one repair call that lists the problems; still invalid → INVALID_LLM_OUTPUT.
 * Client failures (TaskFailure('LLM_FAILURE')) pass through untouched.
 */
export async function runStrategy(
  strategy: Strategy,
  context: StrategyContext,
  llm: LlmClient,
  /** The task's output budget (core/task-budget.ts). @default the strategy's one-page budget */
  maxTokens: number = strategy.maxTokens,
): Promise<StrategyOutcome> {
  const prompt = strategy.buildPrompt(context);
  const { inputSchema, wrapKey } = toolInputShape(strategy.resultSchema);
  const request: Omit<LlmRequest, 'messages'> = {
    strategy: strategy.type,
    system: prompt.system,
    tool: { name: strategy.toolName, description: strategy.toolDescription, inputSchema },
    maxTokens,
    context,
  };
  const question = { role: 'user' as const, text: prompt.user };
  const first = await llm.complete({ ...request, messages: [question] });
  const firstCheck = check(strategy, first.output, context, wrapKey);
  if (firstCheck.valid) return outcome(firstCheck.result, [first], false);

  const second = await llm.complete({
    ...request,
    messages: [
      question,
      { role: 'assistant', text: answerText(first.output) },
      { role: 'user', text: repairMessage(firstCheck.problems, strategy.toolName) },
    ],
  });
  const secondCheck = check(strategy, second.output, context, wrapKey);
  if (secondCheck.valid) return outcome(secondCheck.result, [first, second], true);
  throw new TaskFailure(
    'INVALID_LLM_OUTPUT',
    `The model's answer did not match the ${strategy.type} result after one repair: ${secondCheck.problems
      .slice(0, 5)
      .join(' ')}`,
  );
}

function outcome(result: unknown, calls: LlmResponse[], repaired: boolean): StrategyOutcome {
  return {
    result,
    inputTokens: calls.reduce((sum, call) => sum + call.inputTokens, 0),
    outputTokens: calls.reduce((sum, call) => sum + call.outputTokens, 0),
    repaired,
  };
}
