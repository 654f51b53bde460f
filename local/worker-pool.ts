import { SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import { WEBHOOK_DELIVERY_TIMEOUT_SECONDS } from '../lambdas/core/webhooks/webhook';
import type { WorkerDependencies } from '../lambdas/handlers/worker-dependencies';
import { splitWorkerConcurrency } from '../lib/concurrency';
import { LOCAL_ACCOUNT_ID } from './api-gateway-event';
import { CompletionCounter } from './completion-counter';
import {
  emptyFaultCounters,
  type FaultCounters,
  type FaultPlan,
  hasFaults,
  type Random,
  withLlmFaults,
  withOcrFaults,
} from './faults';
import { lambdaContext } from './lambda-context';
import {
  emptyPollerStats,
  type PollerStats,
  type QueuePoller,
  type SqsHandler,
  startQueuePoller,
} from './queue-poller';
import { type RequeueReport, requeueOnStart } from './requeue-on-start';

/** Seconds each receive waits for messages (long polling); short so a stop is quick. */
const LONG_POLL_SECONDS = 1;
/** Concurrent invocations of the webhook delivery handler. */
const WEBHOOK_DELIVERY_CONCURRENCY = 2;

export interface WorkerPoolOptions {
  queueUrl: string;
  highQueueUrl: string;
  deadLetterQueueUrl: string;
  /** Webhook deliveries, polled into the delivery handler as its event source would. */
  webhookQueueUrl: string;
  /** DOCUSNAP_WORKER_CONCURRENCY: the worker's reserved concurrency. */
  concurrency: number;
  workerTimeoutSeconds: number;
  sweepIntervalSeconds: number;
  faults: FaultPlan;
  random?: Random;
  log: (message: string) => void;
}

export interface WorkerPool {
  stats: PollerStats;
  completions: CompletionCounter;
  /** How often each injected OCR/LLM fault fired. */
  faults: FaultCounters;
  /** Records the dead-letter handler was given: messages fauxqs redrove to the DLQ after 5 receives. */
  deadLetters: { records: number };
  /**
   * Sends the tasks left `pending` or `processing` by the previous run once (see requeue-on-start.ts):
   * the local queues start empty. Run once, after the pollers start and before the API opens.
   */
  requeueOnStart(): Promise<RequeueReport>;
  /** Runs the sweeper once now (it also runs on its timer). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

async function asHandler(load: Promise<{ handler: unknown }>, name: string): Promise<SqsHandler> {
  const module = await load;
  if (typeof module.handler !== 'function') throw new Error(`${name} has no handler export`);
  return module.handler as SqsHandler;
}

/**
 * Wraps the worker's adapters (fault injection, completion counter) through the composition root, before
 * the worker handler's first event, so the handler and the AWS adapters stay exactly as deployed.
 */
async function instrumentWorkerDependencies(
  faults: FaultPlan,
  random: Random,
  counter: CompletionCounter,
  counters: FaultCounters,
): Promise<WorkerDependencies> {
  const composition = await import('../lambdas/handlers/worker-dependencies');
  const deps = await composition.dependencies();
  const wrapped: WorkerDependencies = { ...deps, tasks: counter.watch(deps.tasks) };
  if (hasFaults(faults)) {
    wrapped.ocr = withOcrFaults(deps.ocr, faults, random, counters);
    wrapped.llm = withLlmFaults(deps.llm, faults, random, counters);
  }
  composition.useWorkerDependencies(wrapped);
  return deps;
}

/** Adapters holding engines or threads (the tesseract pool) release them, so the process can exit. */
async function closeAdapters(deps: WorkerDependencies): Promise<void> {
  for (const value of Object.values(deps)) {
    const closable = value as { close?: unknown } | undefined;
    if (typeof closable?.close === 'function') await (closable.close as () => Promise<void>).call(value);
  }
}

/**
 * The split of the worker pool between the high and normal queues: the deployed one (lib/concurrency.ts,
 * at least 2 per queue, as Lambda's event-source maxConcurrency) whenever the pool can give it, that is
 * from 4 workers up; below that, locally only, a queue may get a single slot (2 → 1/1, 3 → 1/2).
 */
export function localWorkerSplit(total: number): { high: number; normal: number } {
  return splitWorkerConcurrency(total, total >= 4 ? 2 : 1);
}

/**
 * The worker side of the backend as Lambda runs it: the worker function on the high and normal queues
 * with the deployed split of its concurrency, the dead-letter function on the DLQ, the sweeper on a timer.
 */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const random = options.random ?? Math.random;
  const stats = emptyPollerStats();
  const completions = new CompletionCounter();
  const faultCounters = emptyFaultCounters();
  const deadLetters = { records: 0 };
  const deps = await instrumentWorkerDependencies(options.faults, random, completions, faultCounters);

  const worker = asHandler(import('../lambdas/handlers/worker'), 'worker');
  const deadLetter = asHandler(import('../lambdas/handlers/dead-letter'), 'dead-letter').then(
    (handler): SqsHandler =>
      (event, context) => {
        deadLetters.records += (event as { Records?: unknown[] }).Records?.length ?? 0;
        return handler(event, context);
      },
  );
  const sweeper = asHandler(import('../lambdas/handlers/sweeper'), 'sweeper');
  const webhookDelivery = asHandler(import('../lambdas/handlers/webhook-delivery'), 'webhook-delivery');
  await Promise.all([worker, deadLetter, sweeper, webhookDelivery]);

  const split = localWorkerSplit(options.concurrency);
  const timeoutMs = options.workerTimeoutSeconds * 1000;
  const sqs = new SQSClient({});
  const common = {
    sqs,
    timeoutMs,
    waitTimeSeconds: LONG_POLL_SECONDS,
    random,
    stats,
    log: options.log,
  };
  const pollers: QueuePoller[] = [];
  const stopPollers = () => Promise.all(pollers.map((poller) => poller.stop()));
  try {
    for (const [queueUrl, concurrency] of [
      [options.highQueueUrl, split.high],
      [options.queueUrl, split.normal],
    ] as const) {
      pollers.push(
        await startQueuePoller({
          ...common,
          queueUrl,
          concurrency,
          handler: () => worker,
          functionName: 'docusnap-worker',
          crashProbability: options.faults['worker.crash'],
          duplicateProbability: options.faults['queue.duplicate'],
        }),
      );
    }
    pollers.push(
      await startQueuePoller({
        ...common,
        queueUrl: options.deadLetterQueueUrl,
        concurrency: 1,
        handler: () => deadLetter,
        functionName: 'docusnap-dead-letter',
        crashProbability: 0,
        duplicateProbability: 0,
      }),
    );
    pollers.push(
      await startQueuePoller({
        ...common,
        queueUrl: options.webhookQueueUrl,
        concurrency: WEBHOOK_DELIVERY_CONCURRENCY,
        handler: () => webhookDelivery,
        functionName: 'docusnap-webhook-delivery',
        // One attempt (10 s at most) per record, several records at once: the deployed timeout.
        timeoutMs: WEBHOOK_DELIVERY_TIMEOUT_SECONDS * 1000,
        crashProbability: 0,
        duplicateProbability: 0,
      }),
    );
  } catch (error) {
    await stopPollers();
    sqs.destroy();
    await closeAdapters(deps);
    throw error;
  }

  let sweeping: Promise<void> | undefined;
  const sweep = () => {
    // Like one scheduled rule with no overlap: a tick while a sweep runs joins it.
    sweeping ??= (async () => {
      try {
        await (await sweeper)(scheduledEvent(), lambdaContext('docusnap-sweeper', timeoutMs));
      } catch (error) {
        options.log(`[sweeper] failed: ${error instanceof Error ? error.stack : error}`);
      } finally {
        sweeping = undefined;
      }
    })();
    return sweeping;
  };
  const timer = setInterval(sweep, options.sweepIntervalSeconds * 1000);
  timer.unref();

  let cancelRequeue = () => {};
  return {
    stats,
    completions,
    faults: faultCounters,
    deadLetters,
    sweep,
    async requeueOnStart() {
      // The queues are the storage's, not the worker's: the housekeeping root (the sweeper's) has them.
      const housekeeping = await import('../lambdas/handlers/housekeeping-dependencies');
      const requeue = await requeueOnStart(housekeeping.dependencies());
      cancelRequeue = requeue.cancel;
      return requeue.report;
    },
    async stop() {
      clearInterval(timer);
      cancelRequeue();
      await stopPollers();
      await sweeping;
      sqs.destroy();
      await closeAdapters(deps);
    },
  };
}

function scheduledEvent(): ScheduledEvent {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/docusnap-sweeper`],
    detail: {},
  };
}
