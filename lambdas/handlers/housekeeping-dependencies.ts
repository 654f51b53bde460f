/**
 * Composition root of the dead-letter handler and the sweeper: storage only. They end tasks without
 * running them, so they name the worker's providers from configuration (`usage.ocrEngine`/`llmModel`) and
 * their bundles carry no Textract or Bedrock client. Built on first use, once per cold start; tests and the
 * local runtime may replace it first with `useHousekeepingDependencies(...)`.
 */
import type { FailDeadTaskDependencies } from '../core/use-cases/fail-dead-task';
import type { SweepDependencies } from '../core/use-cases/sweep-stale-tasks';
import { type Config, environmentConfig } from './config';
import { storageFromConfig } from './storage-dependencies';
import { taskEventsFrom } from './task-events';

export type HousekeepingDependencies = FailDeadTaskDependencies & SweepDependencies;

let current: HousekeepingDependencies | undefined;

/** Replaces the dependencies (tests, local runtime); `undefined` goes back to building from the environment. */
export function useHousekeepingDependencies(dependencies: HousekeepingDependencies | undefined): void {
  current = dependencies;
}

export function dependencies(): HousekeepingDependencies {
  current ??= fromConfig(environmentConfig());
  return current;
}

export function fromConfig(config: Config): HousekeepingDependencies {
  return {
    ...storageFromConfig(config),
    providers: config.providers,
    keepInputs: config.keepInputs,
    pendingTimeoutSeconds: config.pendingTimeoutSeconds,
    processingTimeoutSeconds: config.processingTimeoutSeconds,
    // Every task they end is announced (webhooks, EventBridge).
    events: taskEventsFrom(config),
  };
}
