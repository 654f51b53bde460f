import { describe, expect, it } from 'vitest';
import { modelCard } from '../../../lambdas/core/bedrock-models';
import { TaskConflictError, TaskFailure } from '../../../lambdas/core/errors';
import { typesetLayout } from '../../../lambdas/core/layout';
import type { CallOptions, LlmRequest, OcrEngine, OcrImage, OcrPage } from '../../../lambdas/core/ports';
import { SubmitFormFillingRequest, SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { strategyFor } from '../../../lambdas/core/strategies/registry';
import type { TaskType } from '../../../lambdas/core/task';
import { TASK_DEADLINE_SHARE, taskBudget } from '../../../lambdas/core/task-budget';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { textPdf } from '../../support/documents';
import { base64, pngImage } from '../../support/events';
import { type ManualClock, type MemoryWorld, memoryWorld, validAnswer } from '../../support/memory-ports';

const library = { docs: [{ id: 'd1', name: 'Passport', extractedInfo: { Name: 'Jane Doe' } }], forms: [] };

async function submit(world: MemoryWorld, owner: string, seeds: number[], type: TaskType = 'document') {
  const request = SubmitImagesRequest.parse({
    images: seeds.map((seed) => ({ data: base64(pngImage(6, 6, seed)) })),
  });
  const { summary } = await submitTask(world, owner, { type: type as 'document', request });
  return summary.taskId;
}

/** A promise with its resolver, to hold a fake call open while another worker runs. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('processTask', () => {
  it('reads each image, runs the strategy, completes the task with its usage and deletes the inputs', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1, 2]);
    const outcome = await processTask(world, taskId);
    const usage = {
      pages: 2,
      ocrEngine: 'textract',
      llmModel: 'us.amazon.nova-lite-v1:0',
      inputTokens: 1000,
      outputTokens: 200,
      // 2 pages × $0.0015 + 1000 × $0.06/M + 200 × $0.24/M
      estimatedCostUsd: 0.003108,
      cacheHit: false,
    };
    expect(outcome).toEqual({ outcome: 'completed', type: 'document', usage, ungroundedValues: 0 });
    expect(world.ocr.calls).toHaveLength(2);
    expect(world.llm.calls[0]?.context.ocrText).toMatch(/Page 1[\s\S]*ACME INVOICE[\s\S]*Page 2/);
    const view = await getTask(world, 'user-a', taskId);
    expect(view).toMatchObject({ status: 'completed', completedAt: '2026-01-01T00:00:00.000Z', usage });
    expect(view.result).toMatchObject({
      title: expect.any(String),
      tags: ['invoice'],
      kv: { Total: '42.00 EUR' },
    });
    expect([...world.blobs.blobs.keys()]).toEqual([]);
  });

  it('keeps the inputs when configured to', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    await processTask({ ...world, keepInputs: true }, taskId);
    expect(world.blobs.blobs.size).toBe(2);
  });

  it('treats a duplicate delivery of a finished task as a no-op', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    await processTask(world, taskId);
    const before = await world.tasks.get(taskId);
    expect(await processTask(world, taskId)).toEqual({ outcome: 'skipped' });
    expect(await processTask(world, 'no-such-task')).toEqual({ outcome: 'skipped' });
    expect(await world.tasks.get(taskId)).toEqual(before);
    expect(world.llm.calls).toHaveLength(1);
  });

  it('resumes a task whose worker died once the lease runs out, and completes it once', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    const answer = world.llm.answer;
    world.llm.answer = () => {
      throw new Error('worker crashed');
    };
    await expect(processTask(world, taskId)).rejects.toThrow('worker crashed');
    expect((await world.tasks.get(taskId))?.status).toBe('processing');

    world.llm.answer = answer;
    world.clock.advance(30);
    expect(await processTask(world, taskId)).toEqual({ outcome: 'busy' });
    world.clock.advance(61);
    expect((await processTask(world, taskId)).outcome).toBe('completed');
    expect(await world.tasks.get(taskId)).toMatchObject({ status: 'completed', attempts: 2 });
    expect(await processTask(world, taskId)).toEqual({ outcome: 'skipped' });
  });

  it('processes a task whose claim landed but whose reply was lost (the retry found its own lease)', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    const claim = world.tasks.claim.bind(world.tasks);
    world.tasks.claim = async (id, options) => {
      await claim(id, options);
      // What the SDK's retry of a claim that did land answers: the condition no longer holds.
      throw new TaskConflictError(id, 'the conditional request failed');
    };
    expect((await processTask(world, taskId)).outcome).toBe('completed');
    expect(await world.tasks.get(taskId)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('claims a pending task without reading it first, and reads it only when the claim is refused', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    const get = world.tasks.get.bind(world.tasks);
    const reads: string[] = [];
    world.tasks.get = async (id) => {
      reads.push(id);
      return get(id);
    };
    expect((await processTask(world, taskId)).outcome).toBe('completed');
    expect(reads).toEqual([]);
    // A duplicate delivery: the refused claim is followed by the one read that tells it finished.
    expect(await processTask(world, taskId)).toEqual({ outcome: 'skipped' });
    expect(reads).toEqual([taskId]);
  });

  it('lets only one of two workers racing for a pending task process it', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    const outcomes = await Promise.all([processTask(world, taskId), processTask(world, taskId)]);
    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['busy', 'completed']);
    expect(world.llm.calls).toHaveLength(1);
  });

  it('fences out a stale worker: after a takeover only the new attempt completes', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    const slow = gate();
    const reached = gate();
    world.llm.answer = (request: LlmRequest) => {
      world.llm.answer = validAnswer;
      reached.open();
      return slow.opened.then(() => validAnswer(request));
    };
    const stale = processTask(world, taskId);
    await reached.opened;
    world.clock.advance(91);
    const fresh = await processTask(world, taskId);
    slow.open();
    expect(fresh.outcome).toBe('completed');
    expect(await stale).toEqual({ outcome: 'superseded', type: 'document' });
    expect(await world.tasks.get(taskId)).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('answers identical inputs from the owner’s caches with no OCR or LLM call, and says so', async () => {
    const world = memoryWorld();
    const first = await submit(world, 'user-a', [7]);
    await processTask(world, first);
    const second = await submit(world, 'user-a', [7]);
    const outcome = await processTask(world, second);
    expect(world.ocr.calls).toHaveLength(1);
    expect(world.llm.calls).toHaveLength(1);
    expect(outcome).toMatchObject({
      outcome: 'completed',
      usage: { pages: 1, cacheHit: true, inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0 },
    });
    expect((await getTask(world, 'user-a', second)).result).toEqual(
      (await getTask(world, 'user-a', first)).result,
    );
  });

  it('asks for a form to be read as sparse text, and keeps that reading apart in the OCR cache', async () => {
    const world = memoryWorld();
    await processTask(world, await submit(world, 'user-a', [7], 'document'));
    await processTask(world, await submit(world, 'user-a', [7], 'form'));
    // The same photo is read twice: once as a page, once as a form's scattered labels.
    expect(world.ocr.calls.map((image) => image.textLayout)).toEqual(['page', 'sparse']);
    const ocrKeys = [...world.cache.entries.keys()].filter((key) => key.startsWith('ocr:'));
    expect(ocrKeys).toHaveLength(2);
    expect(ocrKeys.filter((key) => key.includes(':sparse:'))).toHaveLength(1);
    // A second form of the same photo is answered from its own reading.
    await processTask(world, await submit(world, 'user-a', [7], 'form'));
    expect(world.ocr.calls).toHaveLength(2);
  });

  it('never answers one user from another user’s cache', async () => {
    const world = memoryWorld();
    await processTask(world, await submit(world, 'user-a', [7]));
    const theirs = await submit(world, 'user-b', [7]);
    const outcome = await processTask(world, theirs);
    expect(world.ocr.calls).toHaveLength(2);
    expect(world.llm.calls).toHaveLength(2);
    expect(outcome).toMatchObject({ usage: { cacheHit: false } });
    expect([...world.cache.entries.keys()].filter((key) => key.includes('user-b'))).toHaveLength(2);
  });

  it('ends the task INVALID_LLM_OUTPUT after one failed repair', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    world.llm.answer = () => 'this is not JSON';
    expect(await processTask(world, taskId)).toMatchObject({ outcome: 'failed', code: 'INVALID_LLM_OUTPUT' });
    expect(world.llm.calls).toHaveLength(2);
    const view = await getTask(world, 'user-a', taskId);
    expect(view).toMatchObject({
      status: 'error',
      error: { code: 'INVALID_LLM_OUTPUT' },
      usage: { pages: 1 },
    });
    expect(view.result).toBeUndefined();
    expect(world.blobs.blobs.size).toBe(0);
  });

  it('ends the task with the OCR engine’s failure code', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    world.ocr.failure = new TaskFailure('OCR_FAILURE', 'Textract could not read the image');
    expect(await processTask(world, taskId)).toMatchObject({ outcome: 'failed', code: 'OCR_FAILURE' });
    expect(world.llm.calls).toHaveLength(0);
    expect((await getTask(world, 'user-a', taskId)).error).toEqual({
      code: 'OCR_FAILURE',
      message: 'Textract could not read the image',
    });
  });

  it('ends the task INPUT_UNREADABLE when an input image is gone', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    await world.blobs.delete([`inputs/user-a/${taskId}/0`]);
    expect(await processTask(world, taskId)).toMatchObject({ outcome: 'failed', code: 'INPUT_UNREADABLE' });
  });

  it('fills a form from the library with no OCR call', async () => {
    const world = memoryWorld();
    const request = SubmitFormFillingRequest.parse({ form: { fields: ['Name'] }, library });
    const { summary } = await submitTask(world, 'user-a', { type: 'form_filling', request });
    expect(await processTask(world, summary.taskId)).toMatchObject({
      outcome: 'completed',
      usage: { pages: 0 },
    });
    expect(world.ocr.calls).toHaveLength(0);
    expect(world.llm.calls[0]?.context.fields).toEqual(['Name']);
    expect((await getTask(world, 'user-a', summary.taskId)).result).toEqual({
      Name: { value: 'Jane Doe', source: { type: 'doc', resource_id: 'd1' } },
    });
  });

  it('keeps a result over 300 KB in the blob store and serves it from there', async () => {
    const world = memoryWorld();
    const fields = Array.from({ length: 200 }, (_, n) => `Field ${n}`);
    const bigLibrary = { docs: [{ id: 'd1' }], forms: [] };
    const request = SubmitFormFillingRequest.parse({ form: { fields }, library: bigLibrary });
    const { summary } = await submitTask(world, 'user-a', { type: 'form_filling', request });
    world.llm.answer = () =>
      Object.fromEntries(
        fields.map((field) => [
          field,
          { value: 'x'.repeat(2000), source: { type: 'doc', resource_id: 'd1' } },
        ]),
      );
    await processTask(world, summary.taskId);
    const task = await world.tasks.get(summary.taskId);
    expect(task?.result).toBeUndefined();
    expect(task?.resultKey).toBe(`results/user-a/${summary.taskId}.json`);
    const view = await getTask(world, 'user-a', summary.taskId);
    expect(Object.keys(view.result as object)).toHaveLength(200);
  });

  it('stores a compat task’s result only sealed, and keeps it out of the plaintext cache', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'client-1', [1]);
    const stored = world.tasks.tasks.get(taskId);
    if (!stored) throw new Error('no task');
    world.tasks.tasks.set(taskId, { ...stored, source: 'compat', clientKey: 'wrapped' });
    const sealResult = async (_task: unknown, result: unknown) => ({
      encrypted: `sealed:${JSON.stringify(result).length}`,
    });
    expect((await processTask({ ...world, resultSealer: sealResult }, taskId)).outcome).toBe('completed');
    expect((await world.tasks.get(taskId))?.result).toEqual({
      encrypted: expect.stringMatching(/^sealed:\d+$/),
    });
    expect([...world.cache.entries.keys()].some((key) => key.startsWith('llm:'))).toBe(false);
  });

  it('refuses to store a compat result when no sealer is configured', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'client-1', [1]);
    const stored = world.tasks.tasks.get(taskId);
    if (!stored) throw new Error('no task');
    world.tasks.tasks.set(taskId, { ...stored, source: 'compat', clientKey: 'wrapped' });
    expect(await processTask(world, taskId)).toMatchObject({ outcome: 'failed', code: 'INTERNAL_ERROR' });
    expect((await world.tasks.get(taskId))?.result).toBeUndefined();
  });
});

/** OCR that takes `seconds` of the manual clock per image, and records when each call started. */
class SlowOcr implements OcrEngine {
  readonly name = 'textract';
  readonly startedAt: number[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly seconds: number,
  ) {}
  async recognize(_image: OcrImage, _options?: CallOptions): Promise<OcrPage> {
    this.startedAt.push(this.clock.now().getTime());
    this.clock.advance(this.seconds);
    return { layout: typesetLayout('ACME INVOICE'), pages: 1 };
  }
}

/** OCR that stays busy for a few event-loop turns per image and records the most calls in flight at once. */
class CountingOcr implements OcrEngine {
  readonly name = 'textract';
  inFlight = 0;
  peak = 0;
  calls = 0;
  async recognize(): Promise<OcrPage> {
    this.calls += 1;
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    return { layout: typesetLayout('ACME INVOICE'), pages: 1 };
  }
}

const seeds = (count: number) => Array.from({ length: count }, (_, n) => n + 1);

describe('processTask time limits', () => {
  it('gives every OCR and LLM call the task deadline: the budget of its pages from the start', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1, 2]);
    const start = world.clock.now().getTime();
    await processTask(world, taskId);
    const budget = taskBudget(2, strategyFor('document'), world);
    const deadline = start + budget.deadlineMs;
    expect(deadline).toBeLessThan(start + world.workerTimeoutSeconds * 1000);
    expect(world.ocr.options).toEqual([{ deadline }, { deadline }]);
    expect(world.llm.options).toEqual([{ deadline }]);
    expect(world.llm.calls[0]?.maxTokens).toBe(budget.maxTokens);
  });

  it('gives a 30-page task a later deadline and a larger maxTokens than a 1-page one, capped by the model', async () => {
    const asked = async (pages: number) => {
      const world = memoryWorld();
      world.llm.maxOutputTokens = modelCard(world.llm.model)?.maxOutputTokens;
      const pdf = await textPdf(seeds(pages).map((n) => [`Page Reference: REF-${n}`]));
      const request = SubmitImagesRequest.parse({ images: [{ data: base64(pdf) }] });
      const { taskId } = (await submitTask(world, 'user-a', { type: 'document', request })).summary;
      const start = world.clock.now().getTime();
      expect((await processTask(world, taskId)).outcome).toBe('completed');
      const deadline = world.llm.options[0]?.deadline ?? Number.NaN;
      return { seconds: (deadline - start) / 1000, maxTokens: world.llm.calls[0]?.maxTokens };
    };
    const one = await asked(1);
    const thirty = await asked(30);
    expect(one).toEqual({ seconds: 46, maxTokens: 4096 });
    // Nova Lite writes at most 5,000 tokens: more would be a ValidationException.
    expect(thirty).toEqual({ seconds: 75, maxTokens: 5_000 });
    const fifty = await asked(50);
    expect(fifty.seconds).toBe(memoryWorld().workerTimeoutSeconds * TASK_DEADLINE_SHARE);
  });

  it('ends a task whose OCR is too slow OCR_FAILURE before the worker timeout, reading no image after the deadline', async () => {
    const world = memoryWorld();
    const ocr = new SlowOcr(world.clock, 20);
    const deps = { ...world, ocr, ocrConcurrency: 1 };
    const taskId = await submit(world, 'user-a', seeds(20));
    const start = world.clock.now().getTime();
    const deadline = start + taskBudget(20, strategyFor('document'), deps).deadlineMs;

    expect(await processTask(deps, taskId)).toMatchObject({ outcome: 'failed', code: 'OCR_FAILURE' });
    // 20 s per image: images 1-4 start at 0, 20, 40 and 60 s; image 5's turn comes at 80 s, past 65 s.
    expect(ocr.startedAt).toHaveLength(4);
    for (const startedAt of ocr.startedAt) expect(startedAt).toBeLessThan(deadline);
    expect(world.llm.calls).toHaveLength(0);
    const view = await getTask(world, 'user-a', taskId);
    expect(view.status).toBe('error');
    expect(view.error?.code).toBe('OCR_FAILURE');
    expect(view.error?.message).toMatch(/ran out of time: page 5 of 20/);
    expect(view.usage).toMatchObject({ pages: 0 });
  });

  it('ends the task LLM_FAILURE without calling the model when OCR used up the time', async () => {
    const world = memoryWorld();
    const ocr = new SlowOcr(world.clock, 80);
    const taskId = await submit(world, 'user-a', [1]);
    expect(await processTask({ ...world, ocr }, taskId)).toMatchObject({
      outcome: 'failed',
      code: 'LLM_FAILURE',
    });
    expect(world.llm.calls).toHaveLength(0);
    expect((await getTask(world, 'user-a', taskId)).error?.message).toMatch(/ran out of time/);
  });

  it('starts no repair call once the deadline has passed', async () => {
    const world = memoryWorld();
    const taskId = await submit(world, 'user-a', [1]);
    world.llm.answer = () => {
      world.clock.advance(80);
      return 'this is not JSON';
    };
    expect(await processTask(world, taskId)).toMatchObject({ outcome: 'failed', code: 'LLM_FAILURE' });
    expect(world.llm.calls).toHaveLength(1);
  });

  it('runs at most ocrConcurrency OCR calls at once for a task of many images', async () => {
    const world = memoryWorld();
    const ocr = new CountingOcr();
    const deps = { ...world, ocr, ocrConcurrency: 3 };
    const taskId = await submit(world, 'user-a', seeds(12));
    expect((await processTask(deps, taskId)).outcome).toBe('completed');
    expect(ocr.calls).toBe(12);
    expect(ocr.peak).toBe(3);
  });
});
