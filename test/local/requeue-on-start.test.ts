import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Task, TaskStatus } from '../../lambdas/core/task';
import { requeueOnStart } from '../../local/requeue-on-start';
import { ManualClock, MemoryQueue, MemoryTaskStore } from '../support/memory-ports';

const START = '2026-01-01T00:10:00.000Z';

function task(taskId: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return {
    taskId,
    owner: 'user-a',
    type: 'document',
    status,
    priority: 'normal',
    source: 'v1',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    images: [],
    requestKey: `inputs/user-a/${taskId}/request.json`,
    attempts: status === 'processing' ? 1 : 0,
    expiresAt: 0,
    ...extra,
  };
}

describe('requeueOnStart (the previous run lost its queued messages)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends every pending task once, past a page of the status index, and touches it as the sweeper does', async () => {
    const tasks = new MemoryTaskStore();
    const queue = new MemoryQueue();
    const clock = new ManualClock(START);
    for (let n = 0; n < 250; n++) {
      await tasks.create(
        task(`p${String(n).padStart(3, '0')}`, 'pending', { priority: n % 2 ? 'high' : 'normal' }),
      );
    }
    await tasks.create(task('done', 'completed'));

    const { report, cancel } = await requeueOnStart({ tasks, queue, clock });
    cancel();

    expect(report).toEqual({ pending: 250, processing: 0, scheduled: 0, errors: 0 });
    expect(new Set(queue.sent.map((sent) => sent.message.taskId)).size).toBe(250);
    expect(queue.sent).toHaveLength(250);
    expect(queue.sent.find((sent) => sent.message.taskId === 'p001')?.priority).toBe('high');
    expect((await tasks.get('p000'))?.updatedAt).toBe(START);
    expect((await tasks.get('p000'))?.status).toBe('pending');
  });

  it('sends a processing task whose lease ran out at once, and one with a live lease when it runs out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const tasks = new MemoryTaskStore();
    const queue = new MemoryQueue();
    const clock = new ManualClock(START);
    await tasks.create(task('expired', 'processing', { leaseUntil: '2026-01-01T00:09:00.000Z' }));
    await tasks.create(
      task('live', 'processing', { leaseUntil: new Date(Date.now() + 5_000).toISOString() }),
    );
    // The lease is compared with the clock; the wait until it runs out is real time.
    const live = await tasks.get('live');
    clock.advance((Date.now() - clock.now().getTime()) / 1000);

    const { report, cancel } = await requeueOnStart({ tasks, queue, clock });
    expect(report).toEqual({ pending: 0, processing: 1, scheduled: 1, errors: 0 });
    expect(queue.sent.map((sent) => sent.message.taskId)).toEqual(['expired']);

    await vi.advanceTimersByTimeAsync(4_000);
    expect(queue.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(queue.sent.map((sent) => sent.message.taskId)).toEqual(['expired', live?.taskId]);
    cancel();
  });

  it('a stop cancels the sends still waiting for a lease', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const tasks = new MemoryTaskStore();
    const queue = new MemoryQueue();
    const clock = new ManualClock(START);
    clock.advance((Date.now() - clock.now().getTime()) / 1000);
    await tasks.create(
      task('live', 'processing', {
        updatedAt: clock.now().toISOString(),
        leaseUntil: new Date(Date.now() + 5_000).toISOString(),
      }),
    );
    const { cancel } = await requeueOnStart({ tasks, queue, clock: { now: () => new Date(Date.now() + 1) } });
    cancel();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(queue.sent).toEqual([]);
  });
});
