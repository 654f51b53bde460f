import { describe, expect, it } from 'vitest';
import { SubmitFormFillingRequest, SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { deleteTask } from '../../../lambdas/core/use-cases/delete-task';
import { getTask } from '../../../lambdas/core/use-cases/get-task';
import { listTasks } from '../../../lambdas/core/use-cases/list-tasks';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { base64, pngImage } from '../../support/events';
import { FakeOcr, type MemoryWorld, memoryWorld } from '../../support/memory-ports';

const PAGE = ['ACME INVOICE', 'Invoice Date: 14/03/2024', 'Total: 42.00 EUR'].join('\n');

function world(answerKv: Record<string, unknown>): MemoryWorld {
  const w = memoryWorld();
  w.ocr = new FakeOcr(() => PAGE);
  w.llm.answer = () => ({
    title: 'Acme Invoice March 2024',
    tags: ['invoice'],
    description: 'An invoice from Acme.',
    kv: answerKv,
    related: [],
  });
  return w;
}

async function submitDocument(w: MemoryWorld) {
  const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage(6, 6, 1)) }] });
  const { summary } = await submitTask(w, 'user-a', { type: 'document', request });
  return summary.taskId;
}

describe('processTask evidence', () => {
  it('stores evidence beside the result: each kv value on its page, box and words; page sizes', async () => {
    const w = world({ 'Invoice Date': '2024-03-14', Total: '42.00 EUR' });
    const taskId = await submitDocument(w);
    await processTask(w, taskId);
    const view = await getTask(w, 'user-a', taskId);
    expect(view.result).toMatchObject({ kv: { 'Invoice Date': 'Mar 14, 2024', Total: '42.00 EUR' } });
    // FakeOcr typesets its text on a 1000 × 1400 page.
    expect(view.evidence?.pages).toEqual([{ page: 1, width: 1000, height: 1400 }]);
    expect(view.evidence?.kv?.['Invoice Date']).toMatchObject({
      page: 1,
      text: '14/03/2024',
      grounded: true,
    });
    expect(view.evidence?.kv?.Total).toMatchObject({ page: 1, text: '42.00 EUR', grounded: true });
    const box = view.evidence?.kv?.Total?.box;
    expect(box?.top).toBeGreaterThan(view.evidence?.kv?.['Invoice Date']?.box?.top ?? 1);
    // Listing shows the same view.
    const { items } = await listTasks(w, 'user-a', { limit: 10 }, { maxPageBytes: 5_000_000 });
    expect(items[0]?.evidence).toEqual(view.evidence);
  });

  it('flags a value the page does not support and counts it; keeps it by default', async () => {
    const w = world({ Total: '42.00 EUR', IBAN: 'DE89 3704 0044 0532 0130 00' });
    const taskId = await submitDocument(w);
    expect(await processTask(w, taskId)).toMatchObject({ outcome: 'completed', ungroundedValues: 1 });
    const view = await getTask(w, 'user-a', taskId);
    expect(view.result).toMatchObject({ kv: { IBAN: 'DE89 3704 0044 0532 0130 00' } });
    expect(view.evidence?.kv?.IBAN).toEqual({ confidence: 0, grounded: false });
  });

  it('drops ungrounded kv values when configured to, still counting them', async () => {
    const w = world({ Total: '42.00 EUR', IBAN: 'DE89 3704 0044 0532 0130 00' });
    const taskId = await submitDocument(w);
    const outcome = await processTask({ ...w, dropUngrounded: true }, taskId);
    expect(outcome).toMatchObject({ outcome: 'completed', ungroundedValues: 1 });
    const view = await getTask(w, 'user-a', taskId);
    expect(view.result).toMatchObject({ kv: { Total: '42.00 EUR' } });
    expect(Object.keys((view.result as { kv: object }).kv)).toEqual(['Total']);
    expect(Object.keys(view.evidence?.kv ?? {})).toEqual(['Total']);
  });

  it('recomputes evidence on an LLM cache hit, from the cached layout', async () => {
    const w = world({ Total: '42.00 EUR' });
    const first = await submitDocument(w);
    await processTask(w, first);
    const second = await submitDocument(w);
    await processTask(w, second);
    const view = await getTask(w, 'user-a', second);
    expect(view.usage?.cacheHit).toBe(true);
    expect(w.ocr.calls).toHaveLength(1);
    expect(view.evidence?.kv?.Total).toMatchObject({ grounded: true, text: '42.00 EUR' });
  });

  it('cites the library key each form-filling value came from', async () => {
    const w = memoryWorld();
    w.llm.answer = () => ({
      values: {
        Surname: { value: 'Doe', source: { type: 'doc', resource_id: 'p1' } },
        DOB: { value: 'Jul 14, 1990', source: { type: 'doc', resource_id: 'p1' } },
      },
    });
    const request = SubmitFormFillingRequest.parse({
      form: { fields: ['Surname', 'DOB'] },
      library: {
        docs: [{ id: 'p1', extractedInfo: { 'Last Name': 'Doe', 'Date of Birth': '14.07.1990' } }],
        forms: [],
      },
    });
    const { summary } = await submitTask(w, 'user-a', { type: 'form_filling', request });
    await processTask(w, summary.taskId);
    const view = await getTask(w, 'user-a', summary.taskId);
    expect(view.evidence).toEqual({
      pages: [],
      fill: {
        Surname: { resourceId: 'p1', sourceKey: 'Last Name', confidence: expect.any(Number) },
        DOB: { resourceId: 'p1', sourceKey: 'Date of Birth', confidence: expect.any(Number) },
      },
    });
  });

  it('stores no evidence for a compat task: its result is sealed and the app reads none', async () => {
    const w = world({ Total: '42.00 EUR' });
    const taskId = await submitDocument(w);
    const stored = w.tasks.tasks.get(taskId);
    if (!stored) throw new Error('no task');
    w.tasks.tasks.set(taskId, { ...stored, source: 'compat', clientKey: 'wrapped' });
    const sealed: unknown[] = [];
    const resultSealer = async (_task: unknown, result: unknown) => {
      sealed.push(result);
      return { encrypted: 'sealed' };
    };
    await processTask({ ...w, resultSealer }, taskId);
    const task = await w.tasks.get(taskId);
    expect(task?.evidence).toBeUndefined();
    expect(task?.evidenceKey).toBeUndefined();
    expect(sealed[0]).toEqual({
      title: 'Acme Invoice March 2024',
      tags: ['invoice'],
      description: 'An invoice from Acme.',
      kv: { Total: '42.00 EUR' },
      related: [],
    });
  });

  it('moves evidence to the blob store with a large result, and DELETE removes both', async () => {
    const kv = Object.fromEntries(
      Array.from({ length: 400 }, (_, n) => [`Key ${n}`, `value ${'x'.repeat(700)} ${n}`]),
    );
    const w = world(kv);
    const taskId = await submitDocument(w);
    await processTask(w, taskId);
    const task = await w.tasks.get(taskId);
    expect(task?.evidence).toBeUndefined();
    expect(task?.evidenceKey).toBe(`results/user-a/${taskId}.evidence.json`);
    const view = await getTask(w, 'user-a', taskId);
    expect(Object.keys(view.evidence?.kv ?? {})).toHaveLength(400);
    expect(view.evidence?.kv?.['Key 0']).toEqual({ confidence: 0, grounded: false });
    await deleteTask(w, 'user-a', taskId);
    expect([...w.blobs.blobs.keys()]).toEqual([]);
  });
});
