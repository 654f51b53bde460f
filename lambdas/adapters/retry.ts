export interface RetryOptions {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Backoff ceiling before the first retry; it doubles with every retry. */
  baseDelayMs: number;
  /** The backoff ceiling never grows past this. */
  maxDelayMs: number;
  /** Total time for all attempts and waits; an attempt that cannot finish inside it is not started. */
  budgetMs: number;
  /** One attempt is aborted (its signal fires) and counted as failed after this long. */
  attemptTimeoutMs: number;
  /** Whether a failed attempt is worth another one. */
  isRetryable: (error: unknown) => boolean;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  random?: () => number;
  /** Milliseconds, monotonic enough for budgeting. */
  now?: () => number;
}

/** What an adapter's caller may tune beyond budget and timeout; tests inject time here. */
export type RetryTuning = Partial<
  Pick<RetryOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'sleep' | 'random' | 'now'>
>;

/** An attempt ran past `attemptTimeoutMs`; its signal was aborted with this error as the reason. */
export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the call did not finish within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

const THROTTLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'LimitExceededException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  'InternalServerException',
  'TooManyRequestsException',
]);

/** True for the AWS throttling / temporarily-unavailable errors (Textract, Bedrock) and HTTP 429 / 503. */
export function isThrottle(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name } = error as { name?: unknown };
  if (typeof name === 'string' && THROTTLE_NAMES.has(name)) return true;
  const status = httpStatusOf(error);
  return status === 429 || status === 503;
}

/** The HTTP status an SDK error (`$metadata.httpStatusCode`) or an HTTP client error (`status`) carries. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { $metadata?: { httpStatusCode?: unknown }; status?: unknown };
  const status = candidate.$metadata?.httpStatusCode ?? candidate.status;
  return typeof status === 'number' ? status : undefined;
}

/** Full-jitter backoff before retry number `retry` (1-based): uniform in [0, min(cap, base · 2^(retry-1))). */
export function backoffDelayMs(retry: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `operation` until it succeeds, fails with an error `isRetryable` rejects, runs out of attempts, or
 * the next attempt (after its backoff) could not finish inside the budget. Rethrows the last error.
 */
export async function withRetry<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const deadline = now() + options.budgetMs;
  const attemptTimeoutMs = Math.min(options.attemptTimeoutMs, options.budgetMs);

  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptWithTimeout(operation, attemptTimeoutMs);
    } catch (error) {
      if (attempt >= options.maxAttempts || !options.isRetryable(error)) throw error;
      const wait = backoffDelayMs(attempt, options, random);
      if (now() + wait + attemptTimeoutMs > deadline) throw error;
      await sleep(wait);
    }
  }
}

async function attemptWithTimeout<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Racing, not only aborting: a call that ignores its signal must not hold the worker past the budget.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AttemptTimeoutError(timeoutMs);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => operation(controller.signal)), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The time budget of one call: the adapter's own, capped at what is left until the task's deadline. */
export interface CallBudget {
  /** Milliseconds for all attempts and waits; zero or less when the deadline has already passed. */
  budgetMs: number;
  /** True when the task deadline, not the adapter's budget, set it. */
  cappedByDeadline: boolean;
}

export function callBudget(budgetMs: number, deadline: number | undefined, now: () => number): CallBudget {
  if (deadline === undefined) return { budgetMs, cappedByDeadline: false };
  const left = deadline - now();
  return left < budgetMs ? { budgetMs: left, cappedByDeadline: true } : { budgetMs, cappedByDeadline: false };
}

/** How a failure message names the budget that ran out. */
export function describeBudget(budget: CallBudget): string {
  return budget.cappedByDeadline
    ? `the ${Math.max(0, Math.round(budget.budgetMs))} ms left before the task's deadline`
    : `its ${budget.budgetMs} ms budget`;
}
