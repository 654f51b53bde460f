// Runs the TypeScript module `workerData.entry` in a worker thread: a worker starts without the loader
// that runs this project's TypeScript (tsx under `npm start`, vite under vitest), so it registers tsx itself.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
