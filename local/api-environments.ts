import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { lambdaContext } from './lambda-context';
import type { HandlerModule, Route } from './routes';

type ApiHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** Where the local API runs a route's handler: on this thread, or in one of several API threads. */
export interface ApiEnvironments {
  /** Runs `route`'s handler (the route at `routeIndex` of the routes both sides were built with). */
  invoke(routeIndex: number, event: unknown, functionName: string, timeoutMs: number): Promise<unknown>;
  stop(): Promise<void>;
}

/** What the API thread is told to run, and what it answers. */
export type ApiThreadRequest = {
  id: number;
  routeIndex: number;
  event: unknown;
  functionName: string;
  timeoutMs: number;
};
export type ApiThreadAnswer = { id: number; result?: unknown; error?: string };

/** How long an API thread may take to finish its invocations once told to stop. */
const STOP_MS = 10_000;

/** Each route's handler module, imported on its first invocation here (a cold start); a failed import is retried. */
export function handlerLoader(routes: readonly Route[]): (routeIndex: number) => Promise<ApiHandler> {
  const loaded = new Map<number, Promise<ApiHandler>>();
  return (routeIndex) => {
    let handler = loaded.get(routeIndex);
    if (!handler) {
      const route = routes[routeIndex];
      if (!route) return Promise.reject(new Error(`no route ${routeIndex}`));
      handler = route.load().then((module: HandlerModule) => {
        if (typeof module.handler !== 'function') throw new Error(`${route.path} has no handler export`);
        return module.handler as ApiHandler;
      });
      // A handler may be mid-edit: the next request imports it again rather than keep the failure.
      handler.catch(() => loaded.delete(routeIndex));
      loaded.set(routeIndex, handler);
    }
    return handler;
  };
}

/** Every handler on this thread, as one Lambda environment for all routes. */
export function apiOnThisThread(routes: readonly Route[]): ApiEnvironments {
  const handlerOf = handlerLoader(routes);
  return {
    async invoke(routeIndex, event, functionName, timeoutMs) {
      const handler = await handlerOf(routeIndex);
      return handler(event, lambdaContext(functionName, timeoutMs));
    },
    stop: async () => {},
  };
}

/**
 * `count` API threads (`api-thread.ts`), each with its own module instances and SDK clients like a Lambda
 * execution environment. Lambda gives every concurrent request an environment of its own; here a request
 * goes to the thread with the fewest requests in flight (the first such, so a lone client stays on a warm one).
 * `compat` must be what `routes` were built with: each thread builds the same list and reads the index.
 */
export async function startApiThreads(count: number, options: { compat: boolean }): Promise<ApiEnvironments> {
  const threads = await Promise.all(Array.from({ length: count }, () => startApiThread(options)));
  return {
    invoke(routeIndex, event, functionName, timeoutMs) {
      let chosen = threads[0] as ApiThread;
      for (const thread of threads) if (thread.inFlight < chosen.inFlight) chosen = thread;
      return chosen.invoke({ routeIndex, event, functionName, timeoutMs });
    },
    async stop() {
      await Promise.all(threads.map((thread) => thread.stop()));
    },
  };
}

interface ApiThread {
  inFlight: number;
  invoke(request: Omit<ApiThreadRequest, 'id'>): Promise<unknown>;
  stop(): Promise<void>;
}

async function startApiThread(options: { compat: boolean }): Promise<ApiThread> {
  const worker = new Worker(new URL('./typescript-thread.mjs', import.meta.url), {
    workerData: { entry: new URL('./api-thread.ts', import.meta.url).href, options },
  });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let exited: Error | undefined;
  const gone = once(worker, 'exit').then(([code]) => {
    exited = new Error(`an API thread exited (${code})`);
    for (const call of waiting.values()) call.reject(exited);
    waiting.clear();
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    gone.then(() => reject(exited));
  });
  worker.on('message', (answer: ApiThreadAnswer) => {
    const call = waiting.get(answer.id);
    if (!call) return;
    waiting.delete(answer.id);
    thread.inFlight--;
    if (answer.error !== undefined) call.reject(new Error(answer.error));
    else call.resolve(answer.result);
  });
  let nextId = 0;
  let stopping: Promise<void> | undefined;
  const thread: ApiThread = {
    inFlight: 0,
    invoke(request) {
      return new Promise((resolve, reject) => {
        if (exited) return reject(exited);
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        thread.inFlight++;
        worker.postMessage({ id, ...request } satisfies ApiThreadRequest);
      });
    },
    stop() {
      stopping ??= (async () => {
        const timer = setTimeout(() => void worker.terminate(), STOP_MS);
        worker.postMessage('stop');
        await gone;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
  return thread;
}
