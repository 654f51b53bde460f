import { describe, expect, it } from 'vitest';
import { TaskConflictError } from '../../lambdas/core/errors';
import {
  canTransition,
  isTerminal,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
} from '../../lambdas/core/task';
import { MemoryTaskStore } from '../support/memory-ports';

const ALLOWED: [TaskStatus, TaskStatus][] = [
  ['pending', 'pending'],
  ['pending', 'processing'],
  ['pending', 'error'],
  ['processing', 'processing'],
  ['processing', 'completed'],
  ['processing', 'error'],
];

function task(status: TaskStatus): Task {
  return {
    taskId: 't1',
    owner: 'user-a',
    type: 'document',
    status,
    priority: 'normal',
    source: 'v1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    images: [],
    requestKey: 'inputs/user-a/t1/request.json',
    attempts: 0,
    expiresAt: 0,
  };
}

/** A small deterministic generator, so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('task state machine', () => {
  it.each(TASK_STATUSES.flatMap((from) => TASK_STATUSES.map((to) => [from, to] as const)))(
    '%s → %s follows the table',
    (from, to) => {
      expect(canTransition(from, to)).toBe(ALLOWED.some(([a, b]) => a === from && b === to));
    },
  );

  it('never lets a random sequence of writes move a terminal task (500 sequences over the store)', async () => {
    const next = random(42);
    for (let sequence = 0; sequence < 500; sequence++) {
      const store = new MemoryTaskStore();
      await store.create(task('pending'));
      let terminal: TaskStatus | undefined;
      for (let step = 0; step < 12; step++) {
        const to = TASK_STATUSES[Math.floor(next() * TASK_STATUSES.length)] as TaskStatus;
        const from = TASK_STATUSES.filter(() => next() < 0.7);
        const claim = next() < 0.3;
        try {
          if (claim)
            await store.claim('t1', {
              now: '2026-01-02T00:00:00.000Z',
              leaseUntil: '2026-01-01T00:00:00.000Z',
              claimId: 'claim-1',
            });
          else await store.transition('t1', { from }, { status: to, updatedAt: '2026-01-02T00:00:00.000Z' });
        } catch (error) {
          expect(error).toBeInstanceOf(TaskConflictError);
        }
        const status = (await store.get('t1'))?.status as TaskStatus;
        if (terminal) expect(status).toBe(terminal);
        else if (isTerminal(status)) terminal = status;
      }
    }
  });
});
