/**
 * What the handlers tell CloudWatch: the EMF metrics the dashboard reads (names from metric-names.ts) and
 * log lines correlated by task id. vitest.config.ts silences both; this file turns them on before any
 * handler module builds its Logger and Metrics, in dev mode so both write to the global console.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DependencyUnavailableError } from '../../lambdas/core/errors';
import { SubmitImagesRequest } from '../../lambdas/core/schemas/tasks';
import type { TaskType } from '../../lambdas/core/task';
import { submitTask } from '../../lambdas/core/use-cases/submit-task';
import { handler as deleteTask } from '../../lambdas/handlers/api/delete-task';
import { useApiDependencies } from '../../lambdas/handlers/api/dependencies';
import { handler as getTask } from '../../lambdas/handlers/api/get-task';
import { handler as submitDocument } from '../../lambdas/handlers/api/submit-document';
import { handler as deadLetter } from '../../lambdas/handlers/dead-letter';
import { useHousekeepingDependencies } from '../../lambdas/handlers/housekeeping-dependencies';
import { METRICS_NAMESPACE, METRICS_SERVICE, TASK_METRICS } from '../../lambdas/handlers/metric-names';
import { handler as sweeper } from '../../lambdas/handlers/sweeper';
import { handler as worker } from '../../lambdas/handlers/worker';
import { useWorkerDependencies } from '../../lambdas/handlers/worker-dependencies';
import { apiEvent, base64, pngImage, sqsEvent, sqsRecord } from '../support/events';
import { failing, type MemoryWorld, memoryWorld } from '../support/memory-ports';

vi.hoisted(() => {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
});
afterAll(() => vi.unstubAllEnvs());

interface EmittedMetric {
  namespace: string;
  name: string;
  unit: string;
  value: unknown;
  dimensions: Record<string, unknown>;
}
type LogLine = Record<string, unknown> & { message: string };

let printed: string[];
let world: MemoryWorld;
beforeEach(() => {
  printed = [];
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((first: unknown) => {
      printed.push(String(first));
    });
  }
  world = memoryWorld();
  useWorkerDependencies(world);
  useHousekeepingDependencies(world);
  useApiDependencies(world);
});
afterEach(() => {
  vi.restoreAllMocks();
  useWorkerDependencies(undefined);
  useHousekeepingDependencies(undefined);
  useApiDependencies(undefined);
});

const records = (): Record<string, unknown>[] =>
  printed.flatMap((line) => {
    try {
      const parsed = JSON.parse(line);
      return typeof parsed === 'object' && parsed !== null ? [parsed] : [];
    } catch {
      return []; // Powertools' own plain-text warnings
    }
  });

/** Every metric of every EMF document printed, with its namespace and dimension values. */
function metrics(): EmittedMetric[] {
  return records()
    .filter((record) => '_aws' in record)
    .flatMap((emf) => {
      const directives = (emf._aws as { CloudWatchMetrics: CloudWatchDirective[] }).CloudWatchMetrics;
      return directives.flatMap((directive) =>
        directive.Metrics.map((metric) => ({
          namespace: directive.Namespace,
          name: metric.Name,
          unit: metric.Unit,
          value: emf[metric.Name],
          dimensions: Object.fromEntries(directive.Dimensions.flat().map((name) => [name, emf[name]])),
        })),
      );
    });
}
interface CloudWatchDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}

const logLines = (): LogLine[] => records().filter((record): record is LogLine => 'message' in record);
const named = (name: string) => metrics().filter((metric) => metric.name === name);
const dimensions = (type: TaskType) => ({ service: METRICS_SERVICE, type });

async function submit(seed: number, type: 'document' | 'form' = 'document') {
  const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage(4, 4, seed)) }] });
  return (await submitTask(world, 'user-a', { type, request })).summary.taskId;
}
const message = (taskId: string) => sqsRecord(JSON.stringify({ taskId }));

describe('worker metrics and logs', () => {
  it('reports a completed task by type: count, OCR pages, tokens, estimated cost and no cache hit', async () => {
    const taskId = await submit(1);
    await worker(sqsEvent([message(taskId)]));

    const metric = (name: string) => {
      const [only, ...more] = named(name);
      expect(more).toEqual([]);
      expect(only).toMatchObject({ namespace: METRICS_NAMESPACE, dimensions: dimensions('document') });
      return only;
    };
    expect(metric(TASK_METRICS.completed)).toMatchObject({ unit: 'Count', value: 1 });
    expect(metric(TASK_METRICS.ocrPages)?.value).toBe(1);
    expect(metric(TASK_METRICS.inputTokens)?.value).toBe(1000);
    expect(metric(TASK_METRICS.outputTokens)?.value).toBe(200);
    expect(metric(TASK_METRICS.cacheHits)?.value).toBe(0);
    expect(metric(TASK_METRICS.estimatedCost)?.value).toBeGreaterThan(0);
    expect(named(TASK_METRICS.failed)).toEqual([]);
  });

  it('reports the kv values no OCR words support, per completed task', async () => {
    const taskId = await submit(1);
    // The fake page reads "ACME INVOICE / Total: 42.00 EUR": the total is there, the IBAN and VAT are not.
    world.llm.answer = () => ({
      title: 'Acme Invoice March 2026',
      tags: ['invoice'],
      description: 'An invoice.',
      kv: { Total: '42.00 EUR', IBAN: 'GB33BUKB20201555555555', VAT: '7.00' },
      related: [],
    });
    await worker(sqsEvent([message(taskId)]));
    expect(named(TASK_METRICS.ungroundedValues)).toMatchObject([
      { unit: 'Count', value: 2, dimensions: dimensions('document') },
    ]);
    expect(logLines().find((line) => line.message === 'task completed')).toMatchObject({
      ungroundedValues: 2,
    });
  });

  it('counts a cache hit when the LLM result comes from the cache', async () => {
    const first = await submit(1, 'form');
    const second = await submit(2, 'form');
    await worker(sqsEvent([message(first)]));
    printed.length = 0;
    await worker(sqsEvent([message(second)]));

    expect(named(TASK_METRICS.cacheHits)).toMatchObject([{ value: 1, dimensions: dimensions('form') }]);
    expect(named(TASK_METRICS.completed)).toMatchObject([{ value: 1, dimensions: dimensions('form') }]);
    expect(named(TASK_METRICS.inputTokens)).toMatchObject([{ value: 0 }]);
  });

  it('reports a failed task as TasksFailed by type', async () => {
    const taskId = await submit(1);
    world.llm.answer = () => 'garbage';
    await worker(sqsEvent([message(taskId)]));

    expect(named(TASK_METRICS.failed)).toMatchObject([{ value: 1, dimensions: dimensions('document') }]);
    expect(named(TASK_METRICS.completed)).toEqual([]);
  });

  it('correlates every line about a task by its id', async () => {
    const done = await submit(1);
    const broken = await submit(2);
    const get = world.blobs.get.bind(world.blobs);
    world.blobs.get = async (key) => {
      if (key.includes(broken) && !key.endsWith('request.json')) throw new DependencyUnavailableError('S3');
      return get(key);
    };
    await worker(sqsEvent([message(done), message(broken)]));

    const lines = logLines();
    expect(lines.find((line) => line.message === 'task completed')).toMatchObject({
      correlation_id: done,
      taskId: done,
    });
    expect(lines.find((line) => line.level === 'ERROR' && line.taskId === broken)).toMatchObject({
      correlation_id: broken,
    });
  });
});

describe('dead-letter metrics', () => {
  it('counts a task it marks error as TasksFailed', async () => {
    const taskId = await submit(1, 'form');
    await deadLetter(sqsEvent([sqsRecord(JSON.stringify({ taskId }), 'docusnap-dlq', 6)]));
    expect(named(TASK_METRICS.failed)).toMatchObject([{ value: 1, dimensions: dimensions('form') }]);
    expect(logLines().find((line) => line.level === 'ERROR')).toMatchObject({ correlation_id: taskId });
  });
});

describe('sweeper metrics and logs', () => {
  it('counts tasks it times out as TasksFailed by type and logs their ids', async () => {
    const stuck = [await submit(1), await submit(2), await submit(3, 'form')];
    for (const taskId of stuck) {
      await world.tasks.claim(taskId, {
        now: world.clock.now().toISOString(),
        leaseUntil: '2026-01-01T00:01:30.000Z',
        claimId: 'claim-1',
      });
    }
    const pending = await submit(4);
    world.clock.advance(601);

    await sweeper();

    expect(named(TASK_METRICS.failed).map(({ value, dimensions }) => ({ value, dimensions }))).toEqual([
      { value: 2, dimensions: dimensions('document') },
      { value: 1, dimensions: dimensions('form') },
    ]);
    const lines = logLines();
    for (const taskId of stuck) {
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          correlation_id: taskId,
          taskId,
          message: expect.any(String),
        }),
      );
    }
    expect(lines).toContainEqual(expect.objectContaining({ correlation_id: pending, taskId: pending }));
    expect(lines.find((line) => line.message === 'swept stale tasks')).toMatchObject({
      requeued: 1,
      timedOut: 3,
      requeuedTaskIds: [pending],
      timedOutTaskIds: stuck,
    });
  });
});

describe('API metrics and logs', () => {
  const submitEvent = (headers: Record<string, string> = {}) =>
    apiEvent('POST /v1/tasks/document', { body: { images: [{ data: base64(pngImage()) }] }, headers });

  it('counts a created task as TasksSubmitted, once per idempotency key', async () => {
    await submitDocument(submitEvent({ 'Idempotency-Key': 'k-1' }));
    await submitDocument(submitEvent({ 'Idempotency-Key': 'k-1' }));
    expect(named(TASK_METRICS.submitted)).toMatchObject([
      { namespace: METRICS_NAMESPACE, value: 1, dimensions: dimensions('document') },
    ]);
  });

  it('logs a submission with the request id as correlation id and the task id as a key', async () => {
    const event = submitEvent();
    const { taskId } = JSON.parse((await submitDocument(event)).body ?? '');
    expect(logLines()).toContainEqual(
      expect.objectContaining({ correlation_id: event.requestContext.requestId, taskId }),
    );

    // The next request starts without the previous one's task id.
    printed.length = 0;
    useApiDependencies({ ...world, tasks: failing(world.tasks, new DependencyUnavailableError('DynamoDB')) });
    const next = submitEvent();
    expect((await submitDocument(next)).statusCode).toBe(503);
    const [line, ...more] = logLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ correlation_id: next.requestContext.requestId });
    expect(line).not.toHaveProperty('taskId');
  });

  it('logs get and delete with the task id from the path', async () => {
    const taskId = await submit(1);
    const deleting = apiEvent('DELETE /v1/tasks/{taskId}', { pathParameters: { taskId } });
    expect((await deleteTask(deleting)).statusCode).toBe(204);
    expect(logLines()).toEqual([
      expect.objectContaining({ correlation_id: deleting.requestContext.requestId, taskId }),
    ]);

    printed.length = 0;
    useApiDependencies({ ...world, tasks: failing(world.tasks, new DependencyUnavailableError('DynamoDB')) });
    const getting = apiEvent('GET /v1/tasks/{taskId}', { pathParameters: { taskId } });
    expect((await getTask(getting)).statusCode).toBe(503);
    expect(logLines()).toEqual([
      expect.objectContaining({ level: 'ERROR', correlation_id: getting.requestContext.requestId, taskId }),
    ]);
  });
});
