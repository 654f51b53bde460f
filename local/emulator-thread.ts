/**
 * An emulator thread (`startEmulators({ inThread: true })`): starts the servers of its options (one of
 * dynalite, s3rver and fauxqs), posts their endpoints, and stops them (and so itself) when told.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type EmulatorServerOptions, startEmulatorServers } from './emulators';

const port = parentPort;
if (!port) throw new Error('emulator-thread.ts runs as a worker thread');
const servers = await startEmulatorServers((workerData as { options: EmulatorServerOptions }).options);
port.postMessage({ endpoints: servers.endpoints });
port.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  // Closing the port as well leaves the thread nothing to wait for: it exits.
  servers.stop().finally(() => port.close());
});
