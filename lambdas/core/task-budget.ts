/**
 * How much time and how many output tokens one task may spend, from its page count: a one-page photo fails
 * fast when a dependency hangs (and frees its worker), a 30-page PDF gets the time its OCR calls and its
 * longer answer need. Both stay inside the worker timeout and the model's output limit.
 */
import type { Strategy } from './strategies/strategy';
import type { Task } from './task';

/**
 * Share of the worker timeout a task may spend before its OCR and LLM calls must be over: the ceiling of
 * every deadline. The rest is left for sealing, storing and completing the result, so a slow dependency
 * ends the task `error` (OCR_FAILURE / LLM_FAILURE) instead of letting the Lambda time out under it.
 */
export const TASK_DEADLINE_SHARE = 0.85;

/** A task of no pages (form filling) or one page: one OCR call, one model call and its repair, with retries. */
export const BASE_DEADLINE_SECONDS = 45;

/** Each page adds an OCR call (under the task's OCR concurrency) and text the model reads and answers from. */
export const DEADLINE_SECONDS_PER_PAGE = 1;

/**
 * The output speed below which no supported model falls (Nova and Claude Haiku write well above it): a
 * `maxTokens` past deadline × this could not be written before the deadline anyway.
 */
export const MIN_OUTPUT_TOKENS_PER_SECOND = 200;

/** Time a model may take before its first output token (reading a long prompt included). */
export const FIRST_TOKEN_ALLOWANCE_MS = 5_000;

/** How long one model call may take to write `maxTokens`: an attempt timeout below it cuts long answers. */
export function writingTimeMs(maxTokens: number): number {
  return FIRST_TOKEN_ALLOWANCE_MS + Math.ceil((maxTokens / MIN_OUTPUT_TOKENS_PER_SECOND) * 1000);
}

export interface TaskBudget {
  /** Pages the budget was sized for. */
  pages: number;
  /** Milliseconds from the task's start until its OCR and LLM calls must be over. */
  deadlineMs: number;
  /** The `maxTokens` of each model call of the task. */
  maxTokens: number;
}

export interface BudgetLimits {
  /** The worker's own timeout. */
  workerTimeoutSeconds: number;
  /** The model's output-token limit (core/bedrock-models.ts, or configured); none for an offline model. */
  maxOutputTokens?: number;
}

/** Pages of a task as counted at submit (a task recorded before pages were counted: one per input). */
export function plannedPages(task: Pick<Task, 'images'>): number {
  return task.images.reduce((sum, image) => sum + (image.pages ?? 1), 0);
}

/** The task's deadline and `maxTokens`: grown with its pages, capped by the worker timeout and the model. */
export function taskBudget(
  pages: number,
  strategy: Pick<Strategy, 'maxTokens' | 'maxTokensPerExtraPage'>,
  limits: BudgetLimits,
): TaskBudget {
  const ceilingSeconds = limits.workerTimeoutSeconds * TASK_DEADLINE_SHARE;
  const seconds = Math.min(ceilingSeconds, BASE_DEADLINE_SECONDS + DEADLINE_SECONDS_PER_PAGE * pages);
  const wanted = strategy.maxTokens + strategy.maxTokensPerExtraPage * Math.max(0, pages - 1);
  const writable = Math.floor(seconds * MIN_OUTPUT_TOKENS_PER_SECOND);
  const maxTokens = Math.min(wanted, writable, limits.maxOutputTokens ?? Number.POSITIVE_INFINITY);
  return { pages, deadlineMs: Math.round(seconds * 1000), maxTokens };
}
