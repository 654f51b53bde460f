import { describe, expect, it } from 'vitest';
import { modelCard } from '../../lambdas/core/bedrock-models';
import { DEFAULT_WORKER_TIMEOUT_SECONDS } from '../../lambdas/core/shared-facts';
import { strategyFor } from '../../lambdas/core/strategies/registry';
import {
  MIN_OUTPUT_TOKENS_PER_SECOND,
  plannedPages,
  TASK_DEADLINE_SHARE,
  taskBudget,
} from '../../lambdas/core/task-budget';

const worker = { workerTimeoutSeconds: DEFAULT_WORKER_TIMEOUT_SECONDS };
const nova = { ...worker, maxOutputTokens: modelCard('us.amazon.nova-lite-v1:0')?.maxOutputTokens };
const ceilingMs = DEFAULT_WORKER_TIMEOUT_SECONDS * 1000 * TASK_DEADLINE_SHARE;

describe('taskBudget', () => {
  it('gives a 30-page document more time and more output tokens than a 1-page one', () => {
    const one = taskBudget(1, strategyFor('document'), worker);
    const thirty = taskBudget(30, strategyFor('document'), worker);
    expect(one.maxTokens).toBe(strategyFor('document').maxTokens);
    expect(thirty.deadlineMs).toBeGreaterThan(one.deadlineMs);
    expect(thirty.maxTokens).toBeGreaterThan(one.maxTokens);
    // A one-page task with a hung dependency frees its worker well before the worker timeout.
    expect(one.deadlineMs).toBeLessThan(ceilingMs * 0.7);
  });

  it('never lets a deadline pass its share of the worker timeout, whatever the page count', () => {
    for (const pages of [30, 50, 500]) {
      expect(taskBudget(pages, strategyFor('form'), worker).deadlineMs).toBeLessThanOrEqual(ceilingMs);
    }
    expect(taskBudget(50, strategyFor('form'), worker).deadlineMs).toBe(ceilingMs);
    // A shorter worker timeout (DOCUSNAP_WORKER_TIMEOUT_S) shortens even a one-page task's deadline.
    expect(taskBudget(1, strategyFor('document'), { workerTimeoutSeconds: 20 }).deadlineMs).toBe(17_000);
  });

  it("caps maxTokens at the model's output limit: Nova Lite's 5,000 for a 30-page task", () => {
    expect(taskBudget(1, strategyFor('document'), nova).maxTokens).toBe(4096);
    expect(taskBudget(30, strategyFor('document'), nova).maxTokens).toBe(5_000);
    expect(taskBudget(0, strategyFor('form_filling'), nova).maxTokens).toBe(5_000);
  });

  it('asks no model for more tokens than it could write before the deadline', () => {
    const long = taskBudget(50, strategyFor('document'), { ...worker, maxOutputTokens: 64_000 });
    expect(long.maxTokens).toBe(Math.floor((long.deadlineMs / 1000) * MIN_OUTPUT_TOKENS_PER_SECOND));
    expect(long.maxTokens).toBeLessThan(64_000);
  });

  it('sizes form filling by its fields, not by pages: it reads none', () => {
    const fill = strategyFor('form_filling');
    expect(taskBudget(0, fill, worker).maxTokens).toBe(fill.maxTokens);
    expect(taskBudget(0, fill, worker).deadlineMs).toBe(
      taskBudget(1, strategyFor('document'), worker).deadlineMs - 1000,
    );
  });
});

describe('plannedPages', () => {
  it('sums the pages counted at submit, one for an input recorded without a count', () => {
    const image = { key: 'k', mediaType: 'application/pdf' as const, bytes: 1 };
    expect(plannedPages({ images: [{ ...image, pages: 30 }, { ...image, pages: 2 }, image] })).toBe(33);
    expect(plannedPages({ images: [] })).toBe(0);
  });
});
