import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_ERROR_CODES } from '../../lambdas/core/errors';
import { TaskView as TaskViewSchema } from '../../lambdas/core/schemas/tasks';
import { DocuSnapClient, type TaskView } from '../../local/api-client';
import { type LocalBackend, startLocalBackend } from '../../local/backend';
import { fixtureBase64 } from './support';

const TASKS = 200;
/** Every task runs under all faults at once; probabilities high enough that each kind fires many times. */
const FAULTS = [
  'ocr.latency=5',
  'llm.latency=5',
  'ocr.throttle=0.1',
  'llm.throttle=0.1',
  'llm.timeout=0.05',
  'llm.garbage=0.3',
  'worker.crash=0.15',
  'queue.duplicate=0.15',
].join(',');

// DOCUSNAP_OCR=simulated with tiny latencies: this run checks the pipeline's delivery guarantees, not OCR
// (the other suites read real images with tesseract). Each task has its own user, so no cache hides a fault.
describe('fault run: 200 tasks under throttles, timeouts, garbage LLM output, crashes and duplicates', () => {
  let home: string;
  let backend: LocalBackend;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-faults-'));
    backend = await startLocalBackend({
      home,
      port: 0,
      env: {
        DOCUSNAP_OCR: 'simulated',
        DOCUSNAP_LLM: 'rules',
        DOCUSNAP_FAULTS: FAULTS,
        DOCUSNAP_WORKER_CONCURRENCY: '4',
        // A crashed worker's lease runs out after 4 s; its message comes back every 2 s until then.
        DOCUSNAP_WORKER_TIMEOUT_S: '4',
        DOCUSNAP_VISIBILITY_TIMEOUT_S: '2',
        DOCUSNAP_SWEEP_INTERVAL_S: '3600',
      },
      log: () => {},
    });
  });
  afterAll(async () => {
    await backend?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('brings every task to completed or error, completes none twice, and the faults really fired', async () => {
    const image = fixtureBase64('invoice.png');
    const limit = pLimit(8);
    const submitted = await Promise.all(
      Array.from({ length: TASKS }, (_, index) =>
        limit(async () => {
          const api = new DocuSnapClient(backend.url, await backend.token(`user-${index}`));
          const kind = index % 3;
          const body =
            kind === 2
              ? {
                  form: { fields: ['Full Name', 'Email'] },
                  library: { docs: [{ id: `d${index}`, extractedInfo: { 'Full Name': `Person ${index}` } }] },
                }
              : { images: [{ data: image }], priority: index % 4 === 0 ? 'high' : 'normal' };
          const route = ['/v1/tasks/document', '/v1/tasks/form', '/v1/tasks/form-filling'][kind] as string;
          const summary = await api.call<TaskView>('POST', route, body);
          return { api, taskId: summary.taskId };
        }),
      ),
    );
    expect(new Set(submitted.map((task) => task.taskId)).size).toBe(TASKS);

    // Bounded: at most 90 rounds of polling every unfinished task, 2 s apart.
    const finished = new Map<string, TaskView>();
    for (let round = 0; round < 90 && finished.size < TASKS; round++) {
      const open = submitted.filter((task) => !finished.has(task.taskId));
      const views = await Promise.all(open.map((task) => limit(() => task.api.getTask(task.taskId))));
      for (const view of views)
        if (view.status === 'completed' || view.status === 'error') finished.set(view.taskId, view);
      if (finished.size < TASKS) await new Promise((resolve) => setTimeout(resolve, 2000));
    }

    const views = [...finished.values()];
    const completed = views.filter((view) => view.status === 'completed');
    const failed = views.filter((view) => view.status === 'error');
    expect(views.length).toBe(TASKS);
    expect(completed.length + failed.length).toBe(TASKS);
    // Garbage answers and dead letters end some tasks in error; most get through their retries.
    expect(completed.length).toBeGreaterThan(TASKS / 2);
    expect(failed.length).toBeGreaterThan(0);
    for (const view of failed) expect(TASK_ERROR_CODES).toContain(TaskViewSchema.parse(view).error?.code);
    for (const view of completed) expect(view.result).toBeDefined();

    const { completions, stats, faults, deadLetters } = await backend.worker.snapshot();
    console.info(
      `fault run: ${completed.length} completed, ${failed.length} error`,
      stats,
      faults,
      deadLetters,
    );
    expect(completions.completedMoreThanOnce).toEqual([]);
    expect(completions.total).toBe(completed.length);
    expect(stats.crashes).toBeGreaterThan(0);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(stats.batchItemFailures).toBeGreaterThan(0);
    expect(faults.ocrThrottles).toBeGreaterThan(0);
    expect(faults.llmThrottles).toBeGreaterThan(0);
    expect(faults.llmTimeouts).toBeGreaterThan(0);
    expect(faults.llmGarbage).toBeGreaterThan(0);
    // At least one message went through fauxqs's redrive (5 receives) into the dead-letter handler.
    expect(deadLetters.records).toBeGreaterThan(0);
  }, 240_000);
});
