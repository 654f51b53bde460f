import type { StrategyContext } from '../ports';
import type { TaskType } from '../task';
import type * as z from '../zod';

/**
 * How one task type turns OCR text (and the user's library) into its result. A new task type is one
 * strategy file plus its result schema, registered in `registry.ts`.
 */
export interface Strategy<Result = unknown> {
  readonly type: TaskType;
  /** Bumped whenever the prompt or normalisation changes; part of the LLM cache key. */
  readonly promptVersion: string;
  /** The result contract (DESIGN §5); every answer is validated against it. */
  readonly resultSchema: z.ZodMiniType<Result>;
  /** Name and description of the tool the model answers through. */
  readonly toolName: string;
  readonly toolDescription: string;
  /** Explicit output budget for the model, for a task of one page (or none). */
  readonly maxTokens: number;
  /** Output tokens each further page adds to that budget (core/task-budget.ts caps the sum). */
  readonly maxTokensPerExtraPage: number;
  /** System prompt and first user message for this input. */
  buildPrompt(context: StrategyContext): { system: string; user: string };
  /**
   * Brings a raw model answer into the contract's shape (flatten `kv`, normalise dates, clamp tags,
   * drop `related` ids not in the library, …). Never throws; the caller validates the outcome.
   */
  normalise(raw: unknown, context: StrategyContext): unknown;
}
