import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TaskMessage, TaskQueue } from '../../lambdas/core/ports';
import type { Priority } from '../../lambdas/core/task';

/** What arrived on each priority's queue since the last call: the message bodies, parsed. */
export type Delivered = () => Promise<Record<Priority, unknown[]>>;

/** The TaskQueue contract (ports.ts): `delivered` reads what the workers of each queue would get. */
export function queueContract(name: string, setup: () => { queue: TaskQueue; delivered: Delivered }): void {
  describe(`TaskQueue contract: ${name}`, () => {
    it('delivers each message on its priority’s queue, carrying the task id and nothing else', async () => {
      const { queue, delivered } = setup();
      await delivered();
      const normal = randomUUID();
      const high = randomUUID();
      await queue.send({ taskId: normal, owner: 'alice' } as TaskMessage, 'normal');
      await queue.send({ taskId: high }, 'high');
      expect(await delivered()).toEqual({ normal: [{ taskId: normal }], high: [{ taskId: high }] });
    });
  });
}
