import type { TaskStore } from '../lambdas/core/ports';

/**
 * Counts the task store's successful moves to `completed`, per task. SQS delivers at least once and
 * workers crash, so this is how a run proves no task was completed twice.
 */
export class CompletionCounter {
  private readonly completions = new Map<string, number>();

  get total(): number {
    let sum = 0;
    for (const count of this.completions.values()) sum += count;
    return sum;
  }

  /** Tasks completed more than once: always empty when the conditional writes hold. */
  completedMoreThanOnce(): string[] {
    return [...this.completions].filter(([, count]) => count > 1).map(([taskId]) => taskId);
  }

  /** The same store, recording every transition to `completed` that the store accepted. */
  watch(store: TaskStore): TaskStore {
    const counter = this.completions;
    return new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'transition' || typeof value !== 'function') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        const transition: TaskStore['transition'] = async (taskId, condition, patch) => {
          const task = await value.call(target, taskId, condition, patch);
          if (patch.status === 'completed') counter.set(taskId, (counter.get(taskId) ?? 0) + 1);
          return task;
        };
        return transition;
      },
    });
  }
}
