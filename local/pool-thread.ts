import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { type FaultCounters, parseFaults } from './faults';
import type { PollerStats } from './queue-poller';
import type { RequeueReport } from './requeue-on-start';
import { startWorkerPool, type WorkerPool, type WorkerPoolOptions } from './worker-pool';

/** What the pool thread is started with: the pool's options as plain data (faults as DOCUSNAP_FAULTS). */
export type PoolThreadOptions = Omit<WorkerPoolOptions, 'faults' | 'random' | 'log'> & { faults: string };

export type PoolThreadCommand = { id: number; kind: 'requeue' | 'sweep' | 'snapshot' | 'stop' };

/** The pool's counters at one moment, as plain data. */
export interface PoolSnapshot {
  stats: PollerStats;
  completions: { total: number; completedMoreThanOnce: string[] };
  faults: FaultCounters;
  deadLetters: { records: number };
}

export function poolSnapshot(pool: WorkerPool): PoolSnapshot {
  return {
    stats: { ...pool.stats },
    completions: {
      total: pool.completions.total,
      completedMoreThanOnce: pool.completions.completedMoreThanOnce(),
    },
    faults: { ...pool.faults },
    deadLetters: { ...pool.deadLetters },
  };
}

/** The worker pool as the backend uses it, wherever it runs. */
export interface PoolHandle {
  requeueOnStart(): Promise<RequeueReport>;
  /** Runs the sweeper once now (it also runs on its timer). */
  sweep(): Promise<void>;
  snapshot(): Promise<PoolSnapshot>;
  stop(): Promise<void>;
}

/** How long the pool thread may take to drain its pollers before it is terminated. */
const STOP_MS = 30_000;

/**
 * Starts `startWorkerPool` on a worker thread of its own (`worker-pool-thread.ts`) with `process.env` as it is
 * now: the worker functions get their own module instances there, as separate Lambda functions would.
 */
export async function startWorkerPoolInThread(
  options: PoolThreadOptions,
  log: (message: string) => void,
): Promise<PoolHandle> {
  const worker = new Worker(new URL('./typescript-thread.mjs', import.meta.url), {
    workerData: { entry: new URL('./worker-pool-thread.ts', import.meta.url).href, options },
  });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let exited: Error | undefined;
  worker.on('message', (message: { log?: string; id?: number; value?: unknown; error?: string }) => {
    if (message.log !== undefined) log(message.log);
    if (message.id === undefined) return;
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.value);
  });
  const gone = once(worker, 'exit').then(([code]) => {
    exited = new Error(`the worker pool thread exited (${code})`);
    for (const call of waiting.values()) call.reject(exited);
    waiting.clear();
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: { started?: boolean }) => {
      if (!message.started) return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    gone.then(() => reject(exited));
  });
  let nextId = 0;
  const call = <T>(kind: PoolThreadCommand['kind']) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, kind } satisfies PoolThreadCommand);
    });
  let stopping: Promise<void> | undefined;
  return {
    requeueOnStart: () => call<RequeueReport>('requeue'),
    sweep: () => call<void>('sweep'),
    snapshot: () => call<PoolSnapshot>('snapshot'),
    stop() {
      stopping ??= (async () => {
        const timer = setTimeout(() => void worker.terminate(), STOP_MS);
        await call<void>('stop').catch(() => undefined);
        await gone;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** The same pool on this thread (`poolInThread: false`), behind the same handle. */
export async function startWorkerPoolHere(
  options: PoolThreadOptions,
  log: (message: string) => void,
): Promise<PoolHandle> {
  const pool = await startWorkerPool({ ...options, faults: parseFaults(options.faults), log });
  return {
    requeueOnStart: () => pool.requeueOnStart(),
    sweep: () => pool.sweep(),
    snapshot: async () => poolSnapshot(pool),
    stop: () => pool.stop(),
  };
}
