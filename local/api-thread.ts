/**
 * One API thread (`startApiThreads`): the route handlers with module instances and SDK clients of their
 * own, as one Lambda execution environment has. Each invocation comes as a message and is answered by its id;
 * `stop` lets the invocations in flight finish, then the thread exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ApiThreadAnswer, type ApiThreadRequest, handlerLoader } from './api-environments';
import { lambdaContext } from './lambda-context';
import { localRoutes } from './routes';

const port = parentPort;
if (!port) throw new Error('api-thread.ts runs as a worker thread');
const handlerOf = handlerLoader(localRoutes((workerData as { options: { compat: boolean } }).options));
let inFlight = 0;
let stopping = false;

port.on('message', (message: ApiThreadRequest | 'stop') => {
  if (message === 'stop') {
    stopping = true;
    if (inFlight === 0) port.close();
    return;
  }
  inFlight++;
  const { id, routeIndex, event, functionName, timeoutMs } = message;
  handlerOf(routeIndex)
    .then((handler) => handler(event, lambdaContext(functionName, timeoutMs)))
    .then(
      (result) => port.postMessage({ id, result } satisfies ApiThreadAnswer),
      (error: unknown) =>
        port.postMessage({
          id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies ApiThreadAnswer),
    )
    .finally(() => {
      inFlight--;
      if (stopping && inFlight === 0) port.close();
    });
});
port.postMessage({ ready: true });
