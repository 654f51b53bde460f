import { TaskFailure } from '../errors';
import type { KeyWrapper } from '../ports';
import type { Task } from '../task';
import { sealEnvelope } from './crypto';

/** How a compat task's result is stored: only encrypted under the client's own AES key. */
export interface SealedResult {
  encrypted: string;
}

export function isSealedResult(value: unknown): value is SealedResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { encrypted?: unknown }).encrypted === 'string' &&
    Object.keys(value).length === 1
  );
}

/**
 * For the worker: a compat task's result becomes `{ encrypted: base64(IV ‖ AES-256-CBC(JSON)) }` before it
 * is stored; v1 results pass through unchanged.
 */
export function createResultSealer(keys: KeyWrapper): (task: Task, result: unknown) => Promise<unknown> {
  return async (task, result) => {
    if (task.source !== 'compat') return result;
    if (!task.clientKey) throw new TaskFailure('INTERNAL_ERROR', 'compat task has no client key');
    const clientKey = await keys.unwrap(task.clientKey);
    try {
      return { encrypted: sealEnvelope(clientKey, JSON.stringify(result)) } satisfies SealedResult;
    } finally {
      clientKey.fill(0);
    }
  };
}
