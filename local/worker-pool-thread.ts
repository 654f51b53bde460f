/**
 * The worker pool on a thread of its own (`startWorkerPoolInThread`): the worker, dead-letter, sweeper and
 * webhook-delivery functions run here as Lambda runs them beside the API functions, so their CPU no longer
 * delays the API's answers on the main thread. Commands come as messages; each is answered by its id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseFaults } from './faults';
import { type PoolThreadCommand, type PoolThreadOptions, poolSnapshot } from './pool-thread';
import { startWorkerPool } from './worker-pool';

const port = parentPort;
if (!port) throw new Error('worker-pool-thread.ts runs as a worker thread');
const options = (workerData as { options: PoolThreadOptions }).options;
const pool = await startWorkerPool({
  ...options,
  faults: parseFaults(options.faults),
  log: (message) => port.postMessage({ log: message }),
});
port.postMessage({ started: true });

port.on('message', (command: PoolThreadCommand) => {
  const answer = (run: () => Promise<unknown>) =>
    run().then(
      (value) => port.postMessage({ id: command.id, value }),
      (error: unknown) => port.postMessage({ id: command.id, error: String(error) }),
    );
  switch (command.kind) {
    case 'requeue':
      answer(() => pool.requeueOnStart());
      return;
    case 'sweep':
      answer(() => pool.sweep());
      return;
    case 'snapshot':
      answer(async () => poolSnapshot(pool));
      return;
    case 'stop':
      // Once the pollers are drained and the port closed, the thread has nothing left and exits.
      answer(() => pool.stop()).finally(() => port.close());
      return;
  }
});
