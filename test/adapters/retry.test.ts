import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, isThrottle, type RetryOptions, withRetry } from '../../lambdas/adapters/retry';

class Throttled extends Error {
  override name = 'ThrottlingException';
}

/** A virtual clock: sleeping advances it, nothing really waits. */
function virtualTime(overrides: Partial<RetryOptions> = {}) {
  let clock = 0;
  const sleeps: number[] = [];
  const options: RetryOptions = {
    maxAttempts: 10,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    budgetMs: 60_000,
    attemptTimeoutMs: 5_000,
    isRetryable: isThrottle,
    random: () => 0.999_999,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...overrides,
  };
  return { options, sleeps, advance: (ms: number) => (clock += ms) };
}

function failingTimes(failures: number, error: () => Error = () => new Throttled('slow down')) {
  let calls = 0;
  const operation = async () => {
    calls++;
    if (calls <= failures) throw error();
    return `ok after ${calls}`;
  };
  return { operation, calls: () => calls };
}

describe('withRetry', () => {
  it('retries a throttled call until it succeeds', async () => {
    const { options } = virtualTime();
    const { operation, calls } = failingTimes(3);
    await expect(withRetry(operation, options)).resolves.toBe('ok after 4');
    expect(calls()).toBe(4);
  });

  it('doubles the backoff ceiling per retry and caps it at maxDelayMs', async () => {
    const { options, sleeps } = virtualTime();
    await withRetry(failingTimes(6).operation, options);
    expect(sleeps).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('draws each wait uniformly below the ceiling (full jitter)', async () => {
    const draws = [0, 0.5, 0.25];
    const { options, sleeps } = virtualTime({ random: () => draws.shift() ?? 0 });
    await withRetry(failingTimes(3).operation, options);
    expect(sleeps).toEqual([0, 100, 100]);
  });

  it('keeps every wait within [0, ceiling) whatever the random source returns in [0, 1)', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const { options, sleeps } = virtualTime({ random, maxAttempts: 9 });
    await withRetry(failingTimes(8).operation, options);
    const ceilings = [100, 200, 400, 800, 1000, 1000, 1000, 1000];
    expect(sleeps).toHaveLength(8);
    sleeps.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(ceilings[index] ?? 0);
    });
  });

  it('rethrows a non-retryable error at once, without waiting', async () => {
    const { options, sleeps } = virtualTime();
    const invalid = new Error('bad request');
    invalid.name = 'ValidationException';
    const { operation, calls } = failingTimes(5, () => invalid);
    await expect(withRetry(operation, options)).rejects.toBe(invalid);
    expect(calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts and rethrows the last error', async () => {
    const { options } = virtualTime({ maxAttempts: 3 });
    const { operation, calls } = failingTimes(10);
    await expect(withRetry(operation, options)).rejects.toThrow('slow down');
    expect(calls()).toBe(3);
  });

  it('does not start an attempt whose timeout would end past the budget', async () => {
    // Every attempt takes 2 s of the 10 s budget; with 5 s attempt timeouts the third one no longer fits.
    const { options, advance } = virtualTime({ budgetMs: 10_000, random: () => 0 });
    let calls = 0;
    const slowThrottle = async () => {
      calls++;
      advance(2_000);
      throw new Throttled('still busy');
    };
    await expect(withRetry(slowThrottle, options)).rejects.toThrow('still busy');
    expect(calls).toBe(3);
  });

  it('gives up before waiting when the wait plus a full attempt would overrun the budget', async () => {
    const { options, sleeps } = virtualTime({ budgetMs: 5_050, baseDelayMs: 1_000 });
    const { operation, calls } = failingTimes(5);
    await expect(withRetry(operation, options)).rejects.toThrow('slow down');
    expect(calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('aborts a hung attempt after attemptTimeoutMs and retries it when timeouts are retryable', async () => {
    const { options } = virtualTime({
      attemptTimeoutMs: 20,
      isRetryable: (e) => e instanceof AttemptTimeoutError,
    });
    const signals: AbortSignal[] = [];
    const hangsOnce = (signal: AbortSignal) => {
      signals.push(signal);
      return signals.length === 1 ? new Promise<string>(() => {}) : Promise.resolve('answered');
    };
    await expect(withRetry(hangsOnce, options)).resolves.toBe('answered');
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('reports a hung call as AttemptTimeoutError when timeouts are not retryable', async () => {
    const { options } = virtualTime({ attemptTimeoutMs: 20 });
    await expect(withRetry(() => new Promise(() => {}), options)).rejects.toBeInstanceOf(AttemptTimeoutError);
  });
});

describe('isThrottle', () => {
  const named = (name: string) => Object.assign(new Error('x'), { name });

  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'LimitExceededException',
    'ServiceUnavailableException',
    'ModelNotReadyException',
    'InternalServerException',
  ])('recognises %s', (name) => {
    expect(isThrottle(named(name))).toBe(true);
  });

  it('recognises HTTP 429 and 503 from SDK metadata or an HTTP status', () => {
    expect(isThrottle(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottle(Object.assign(new Error('x'), { status: 503 }))).toBe(true);
  });

  it('does not treat client errors or non-errors as throttling', () => {
    expect(isThrottle(named('ValidationException'))).toBe(false);
    expect(isThrottle(Object.assign(new Error('x'), { status: 400 }))).toBe(false);
    expect(isThrottle(undefined)).toBe(false);
    expect(isThrottle('ThrottlingException')).toBe(false);
  });
});
