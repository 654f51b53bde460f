/**
 * `npm run bench:load [-- --only compat,v1,compat-big,v1-big --cpu-prof <dir> --no-write]`: the load
 * figures of issue #15 against the local runtime, started as its own process (`local/start.ts`) so that
 * the load generator here does not share its event loop. OCR and LLM are simulated (OCR 300 ms, LLM
 * 1,000 ms: DOCUSNAP_OCR=simulated with DOCUSNAP_FAULTS latencies), so the figures measure the backend's
 * own work, not an engine's.
 *
 * Scenarios (each on a fresh backend and state directory):
 * - `compat` / `v1`: 20 clients, 200 jobs, one 290 KB photo each, 20 workers. A client sends its jobs one
 *   after another (the next first POST as soon as the last is answered) and waits for each as the app's
 *   JobPollingService does, a poll every 1.5 s (compat), or by long poll (`?waitSeconds=20`, v1); the
 *   completion time is the task's own `completedAt`, so the poll interval does not blur it.
 * - `compat-big` / `v1-big`: one client, 3 × 0.9 MB images per job, 40 first POSTs one after another.
 * Every job has its own client id (compat) or user (v1): caches are per owner, and a hit would skip the
 * simulated OCR and LLM. Before the measured jobs each client runs one job, unmeasured (warm handlers).
 *
 * Results go to docs/performance.md between the bench:load markers, with the machine they ran on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { compatOwner } from '../lambdas/core/compat/protocol';
import { ROUTES, routePath } from '../lambdas/handlers/route-table';
import { issueLocalToken } from '../local/auth';
import { ensureLocalKeys } from '../local/keys';
import { AndroidClient, firstPostBody, httpTransport } from '../test/support/android-client';
import { CATEGORIES, type Category, summariseProfiles } from './cpu-profile';

const OCR_MS = 300;
const LLM_MS = 1000;
const JOB_MS = OCR_MS + LLM_MS;
/** JobPollingService's interval. */
const APP_POLL_MS = 1500;

interface Options {
  only: Set<string>;
  cpuProfDir?: string;
  write: boolean;
  jobs: number;
  clients: number;
  workers: number;
  bigRuns: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    only: new Set(['compat', 'v1', 'compat-big', 'v1-big']),
    write: true,
    jobs: 200,
    clients: 20,
    workers: 20,
    bigRuns: 40,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === '--only') options.only = new Set(next().split(','));
    else if (arg === '--cpu-prof') options.cpuProfDir = path.resolve(next());
    else if (arg === '--no-write') options.write = false;
    else if (arg === '--jobs') options.jobs = Number(next());
    else if (arg === '--clients') options.clients = Number(next());
    else if (arg === '--workers') options.workers = Number(next());
    else if (arg === '--big-runs') options.bigRuns = Number(next());
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

/** Random pixels do not compress: a PNG of `side`² RGB pixels is about 3·side² bytes, like a photo. */
function photo(side: number): Buffer {
  const png = new PNG({ width: side, height: side, colorType: 2, inputHasAlpha: false });
  randomBytes(png.data.length).copy(png.data);
  return PNG.sync.write(png, { deflateLevel: 1, colorType: 2, inputHasAlpha: false } as never);
}
const PHOTO_290_KB = 311; // 311² × 3 bytes ≈ 290 KB
const PHOTO_900_KB = 548; // 548² × 3 bytes ≈ 900 KB

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Backend {
  url: string;
  home: string;
  tokenSecret: Uint8Array;
  publicKeyPem: string;
  /** Process CPU seconds (user + system) of the backend so far, from /proc. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** `npm start` as its own process on a free port, fresh state, simulated OCR and LLM latencies. */
async function startBackend(
  workers: number,
  cpuProfDir: string | undefined,
  label: string,
): Promise<Backend> {
  const home = await mkdtemp(path.join(tmpdir(), 'docusnap-load-'));
  const keys = await ensureLocalKeys(home);
  const nodeArgs = ['--import', 'tsx'];
  // Every thread writes its own profile (tsx's loader runs on one): a directory per scenario.
  if (cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfDir, label)}`);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'local/start.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      PORT: '0',
      DOCUSNAP_HOME: home,
      DOCUSNAP_OCR: 'simulated',
      DOCUSNAP_LLM: 'rules',
      DOCUSNAP_WORKER_CONCURRENCY: String(workers),
      DOCUSNAP_FAULTS: `ocr.latency=${OCR_MS},llm.latency=${LLM_MS}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Written as it comes too, so that a run that dies midway leaves what the runtime said.
  const liveLog = createWriteStream(path.join(tmpdir(), `docusnap-load-${label}-${process.pid}.live.log`));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      liveLog.write(chunk);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`backend exited (${code}) before listening:\n${output}`)));
  });
  const pid = child.pid as number;
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      console.error(`${label}: the backend exited (${code ?? signal}) mid-run:\n${output.slice(-4000)}`);
  });
  return {
    url,
    home,
    tokenSecret: keys.tokenSecret,
    publicKeyPem: keys.compatPublicKeyPem,
    cpuSeconds: () => processCpuSeconds(pid),
    async stop() {
      stopping = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      await rm(home, { recursive: true, force: true });
      // What the runtime logged (retries, timeouts) is kept for reading after the run.
      const logFile = path.join(tmpdir(), `docusnap-load-${label}.log`);
      await writeFile(logFile, output);
      console.log(`${label}: the runtime's log is in ${logFile}`);
    },
  };
}

let connectionRetries = 0;
let listRetries = 0;

/**
 * Like OkHttp (retryOnConnectionFailure) a request that finds its kept-alive connection closed by the
 * server in the same instant is sent again once; every request here may be repeated (DESIGN §4, §3).
 */
async function retried<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw error;
    connectionRetries++;
    return request();
  }
}
const send = (url: string, init?: RequestInit) => retried(() => fetch(url, init));

/** One job's figures: when its first POST went out and came back, and when the server completed it. */
interface JobTiming {
  startedAt: number;
  firstPostMs: number;
  completedAt: number;
}

interface Protocol {
  /** Prepares a job's request before the clock runs (client-side crypto is the phone's time, not ours). */
  prepare(images: Buffer[]): Promise<PreparedJob>;
}
interface PreparedJob {
  /** Sends the first POST; resolves when its answer is in (202 expected). */
  submit(): Promise<void>;
  /** Waits as the client would; resolves with the server's `completedAt` (epoch ms). */
  awaitCompletion(): Promise<number>;
}

async function completedAtOf(backend: Backend, owner: string): Promise<number> {
  const token = await issueLocalToken(backend.tokenSecret, owner);
  const list = () =>
    send(`${backend.url}${routePath('listTasks')}?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
  let response = await list();
  // The bench's own bookkeeping: "retry later" is retried, as any client would.
  for (let retry = 0; response.status === 503 && retry < 5; retry++) {
    listRetries++;
    await sleep(500);
    response = await list();
  }
  const text = await response.text();
  if (response.status !== 200) throw new Error(`listing ${owner}'s tasks: ${response.status} ${text}`);
  const { items } = JSON.parse(text) as { items: { completedAt?: string }[] };
  const completedAt = items[0]?.completedAt;
  if (!completedAt) throw new Error(`no completed task for ${owner}`);
  return Date.parse(completedAt);
}

function compatProtocol(backend: Backend): Protocol {
  const http = httpTransport(`${backend.url}/`);
  const transport: typeof http = (...args) => retried(() => http(...args));
  return {
    async prepare(images) {
      // A client id per job: the app's is per screen instance, and caches are per owner.
      const app = new AndroidClient({ transport, publicKeyPem: backend.publicKeyPem });
      const job = app.prepareJob(
        'doc',
        images.map((image) => image.toString('base64')),
      );
      const body = JSON.stringify(firstPostBody(job));
      return {
        async submit() {
          const response = await transport('POST', ROUTES.compatProcess.path, body);
          if (response.statusCode !== 202)
            throw new Error(`first POST: ${response.statusCode} ${response.body}`);
        },
        async awaitCompletion() {
          for (;;) {
            await sleep(APP_POLL_MS);
            const state = await app.poll(job);
            if (state.status === 'error') throw new Error(`job failed: ${state.errorDetail}`);
            // The app's answer has no time: the task itself, read as its owner, has it to the millisecond.
            if (state.status === 'completed') return completedAtOf(backend, compatOwner(app.clientId));
          }
        },
      };
    },
  };
}

function v1Protocol(backend: Backend): Protocol {
  let users = 0;
  return {
    async prepare(images) {
      // A user per job: caches are per owner.
      const token = await issueLocalToken(backend.tokenSecret, `load-${++users}`);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const body = JSON.stringify({ images: images.map((image) => ({ data: image.toString('base64') })) });
      let taskId = '';
      return {
        async submit() {
          const response = await send(`${backend.url}${routePath('submitDocument')}`, {
            method: 'POST',
            headers,
            body,
          });
          const text = await response.text();
          if (response.status !== 202) throw new Error(`submit: ${response.status} ${text}`);
          taskId = (JSON.parse(text) as { taskId: string }).taskId;
        },
        async awaitCompletion() {
          // As the CLI waits: long polls.
          for (;;) {
            const response = await send(`${backend.url}${routePath('getTask', { taskId })}?waitSeconds=20`, {
              headers,
            });
            const view = (await response.json()) as {
              status: string;
              completedAt?: string;
              error?: { code: string };
            };
            if (view.status === 'completed') return Date.parse(view.completedAt ?? '');
            if (view.status === 'error') throw new Error(`task failed: ${view.error?.code}`);
          }
        },
      };
    },
  };
}

interface LoadResult {
  jobs: number;
  clients: number;
  workers: number;
  seconds: number;
  jobsPerSecond: number;
  firstPost: { p50: number; p99: number };
  completion: { p50: number; p99: number };
  backendCpuSeconds: number;
  connectionRetries: number;
  /** 503s of the listing that reads a compat job's completedAt (the bench's own request). */
  listRetries: number;
  /** Jobs whose first POST was refused or that ended in error (left out of every other figure). */
  failed: number;
  firstFailures: string[];
}

/**
 * `clients` clients share `jobs` jobs. A client sends its jobs one after another (the next first POST as
 * soon as the last one was answered, like a user photographing one page after another) and waits for
 * each as the app or the CLI does, so the workers always have a backlog: the run measures the pool's
 * capacity, and first POSTs meet a busy backend.
 */
async function runLoad(protocol: Protocol, backend: Backend, options: Options): Promise<LoadResult> {
  connectionRetries = 0;
  listRetries = 0;
  const prepared: PreparedJob[] = [];
  for (let n = 0; n < options.jobs; n++) prepared.push(await protocol.prepare([photo(PHOTO_290_KB)]));
  // Steady state, not cold starts (`npm run bench` measures those): one job per client first, unmeasured,
  // so that every API environment the clients meet has loaded its handler and the workers theirs.
  const warmUp = await Promise.all(
    Array.from({ length: options.clients }, () => protocol.prepare([photo(PHOTO_290_KB)])),
  );
  await Promise.all(
    warmUp.map(async (job) => {
      await job.submit();
      await job.awaitCompletion();
    }),
  );
  const timings: JobTiming[] = [];
  const failures: string[] = [];
  const cpuBefore = await backend.cpuSeconds();
  const runStart = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      const waits: Promise<void>[] = [];
      for (let job = prepared[next++]; job !== undefined; job = prepared[next++]) {
        const startedAt = Date.now();
        const sent = performance.now();
        // A refused first POST or a failed job is counted, not fatal: the run goes on as the users would.
        const submitted = await job.submit().then(
          () => true,
          (error: unknown) => void failures.push(`first POST: ${error}`),
        );
        if (!submitted) continue;
        const firstPostMs = performance.now() - sent;
        waits.push(
          job.awaitCompletion().then(
            (completedAt) => void timings.push({ startedAt, firstPostMs, completedAt }),
            (error: unknown) => void failures.push(`job: ${error}`),
          ),
        );
      }
      await Promise.all(waits);
    }),
  );
  const cpu = (await backend.cpuSeconds()) - cpuBefore;
  const seconds = (Math.max(...timings.map((t) => t.completedAt)) - runStart) / 1000;
  const firstPosts = timings.map((t) => t.firstPostMs);
  const completions = timings.map((t) => t.completedAt - t.startedAt);
  return {
    jobs: timings.length,
    clients: options.clients,
    workers: options.workers,
    seconds,
    jobsPerSecond: timings.length / seconds,
    firstPost: { p50: percentile(firstPosts, 50), p99: percentile(firstPosts, 99) },
    completion: { p50: percentile(completions, 50), p99: percentile(completions, 99) },
    backendCpuSeconds: cpu,
    connectionRetries,
    listRetries,
    failed: failures.length,
    firstFailures: failures.slice(0, 3),
  };
}

interface BigResult {
  runs: number;
  imageBytes: number;
  p50: number;
  p99: number;
}

/** One client, first POSTs of 3 × 0.9 MB images one after another (the job is left to the workers). */
async function runBig(protocol: Protocol, runs: number): Promise<BigResult> {
  const latencies: number[] = [];
  let imageBytes = 0;
  for (let run = 0; run < runs; run++) {
    const images = [photo(PHOTO_900_KB), photo(PHOTO_900_KB), photo(PHOTO_900_KB)];
    imageBytes = images[0]?.length ?? 0;
    const job = await protocol.prepare(images);
    const started = performance.now();
    await job.submit();
    latencies.push(performance.now() - started);
    // Let the workers take the job before the next POST, as a user photographing the next one would.
    await sleep(JOB_MS);
  }
  return { runs, imageBytes, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const ideal = options.workers / (JOB_MS / 1000);
  const loads: Record<string, LoadResult> = {};
  const bigs: Record<string, BigResult> = {};
  const load1 = loadavg()[0] ?? 0;
  for (const [name, make] of [
    ['compat', compatProtocol],
    ['v1', v1Protocol],
  ] as const) {
    if (options.only.has(name)) {
      const backend = await startBackend(options.workers, options.cpuProfDir, name);
      try {
        loads[name] = await runLoad(make(backend), backend, options);
        console.log(name, JSON.stringify(loads[name]));
      } finally {
        await backend.stop();
      }
    }
    if (options.only.has(`${name}-big`)) {
      const backend = await startBackend(options.workers, options.cpuProfDir, `${name}-big`);
      try {
        bigs[name] = await runBig(make(backend), options.bigRuns);
        console.log(`${name}-big`, JSON.stringify(bigs[name]));
      } finally {
        await backend.stop();
      }
    }
  }
  const target = new URL('../docs/performance.md', import.meta.url);
  if (options.cpuProfDir) {
    const section = await profileSection(options, loads, load1);
    if (options.write) await writeSection(target, 'load-profile', section, 'Under load: where the time goes');
    else console.log(section);
    return;
  }
  if (!options.write) return;

  const cell = (name: string, pick: (r: LoadResult) => string) => (loads[name] ? pick(loads[name]) : '–');
  const bigCell = (name: string) => (bigs[name] ? `${ms(bigs[name].p50)} / ${ms(bigs[name].p99)}` : '–');
  const rows = [
    `| jobs completed per second | ${cell('compat', (r) => r.jobsPerSecond.toFixed(1))} | ${cell('v1', (r) => r.jobsPerSecond.toFixed(1))} | ${ideal.toFixed(1)} (${options.workers} workers ÷ ${JOB_MS / 1000} s) |`,
    `| first POST p50 / p99 under load | ${cell('compat', (r) => `${ms(r.firstPost.p50)} / ${ms(r.firstPost.p99)}`)} | ${cell('v1', (r) => `${ms(r.firstPost.p50)} / ${ms(r.firstPost.p99)}`)} | — |`,
    `| completion p50 / p99 under load | ${cell('compat', (r) => `${ms(r.completion.p50)} / ${ms(r.completion.p99)}`)} | ${cell('v1', (r) => `${ms(r.completion.p50)} / ${ms(r.completion.p99)}`)} | ${ms(JOB_MS)} |`,
    `| first POST p50 / p99, 3 × 0.9 MB images, one client | ${bigCell('compat')} | ${bigCell('v1')} | — |`,
    `| backend CPU per job under load | ${cell('compat', (r) => ms((r.backendCpuSeconds * 1000) / r.jobs))} | ${cell('v1', (r) => ms((r.backendCpuSeconds * 1000) / r.jobs))} | — |`,
  ];
  const failedNote = Object.entries(loads)
    .filter(([, r]) => r.failed > 0)
    .map(
      ([name, r]) =>
        `${name}: ${r.failed} of ${options.jobs} jobs failed (${r.firstFailures[0]}), left out of the figures.`,
    );
  const section = [
    '<!-- bench:load:start -->',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:load\` on ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; load average ${load1.toFixed(1)} when it started (a shared 2-core machine: four other engineers worked on it). The local runtime (\`local/start.ts\`) ran as its own process with simulated OCR (${OCR_MS} ms) and LLM (${LLM_MS} ms), ${options.workers} workers (DOCUSNAP_WORKER_CONCURRENCY); ${options.clients} clients shared ${options.jobs} jobs of one ${Math.round((3 * PHOTO_290_KB ** 2) / 1000)} KB photo, each client sending its jobs one after another and waiting for each as the app does (a poll every ${APP_POLL_MS / 1000} s) or the CLI does (long polls, v1); completion is from the first POST to the task's \`completedAt\`, waiting in the backlog included. The big-image row: one client, ${options.bigRuns} first POSTs of 3 × ${Math.round((3 * PHOTO_900_KB ** 2) / 1000)} KB.`,
    '',
    '| figure | app protocol (`POST /process`) | v1 API (`POST /v1/tasks/document`) | ideal |',
    '|---|---|---|---|',
    ...rows,
    ...(failedNote.length > 0 ? ['', ...failedNote] : []),
    '<!-- bench:load:end -->',
  ].join('\n');
  await writeSection(target, 'load', section, 'Under load: the app protocol and the v1 API');
}

/** Replaces the text between `<!-- bench:NAME:start/end -->`, or appends it under `heading`. */
async function writeSection(target: URL, name: string, section: string, heading: string): Promise<void> {
  let doc = await readFile(target, 'utf8');
  const markers = new RegExp(`<!-- bench:${name}:start -->[\\s\\S]*<!-- bench:${name}:end -->`);
  doc = markers.test(doc)
    ? doc.replace(markers, () => section)
    : `${doc.trimEnd()}\n\n## ${heading}\n\n${section}\n`;
  await writeFile(target, doc);
  console.log(`wrote ${target.pathname} (bench:${name})`);
}

/**
 * The CPU profiles of the load scenarios, per category and job: the main thread (API handlers, workers,
 * SDK clients) and the emulator thread. Startup (module loading) is left out: it is no job's.
 */
async function profileSection(
  options: Options,
  loads: Record<string, LoadResult>,
  load1: number,
): Promise<string> {
  const scenarios = Object.keys(loads);
  const columns: { label: string; perJob: Map<Category, number>; busy: number }[] = [];
  for (const name of scenarios) {
    const summaries = await summariseProfiles(path.join(options.cpuProfDir as string, name));
    for (const thread of ['API', 'worker pool', 'emulators'] as const) {
      const ofThread = summaries.filter((candidate) => candidate.thread === thread);
      if (ofThread.length === 0) continue;
      const label = `${name}: ${thread} thread${ofThread.length > 1 ? `s (${ofThread.length})` : ''}`;
      const perJob = new Map<Category, number>();
      let busy = 0;
      for (const summary of ofThread) {
        for (const [category, ms] of summary.byCategory) {
          if (category === 'module loading') continue;
          perJob.set(category, (perJob.get(category) ?? 0) + ms / options.jobs);
          busy += ms / options.jobs;
        }
      }
      columns.push({ label, perJob, busy });
    }
  }
  const rows = CATEGORIES.filter((category) => category !== 'module loading')
    .map((category) => ({ category, values: columns.map((column) => column.perJob.get(category) ?? 0) }))
    .filter(({ values }) => values.some((value) => value >= 0.05))
    .sort((a, b) => (b.values[0] ?? 0) - (a.values[0] ?? 0));
  const fmt = (value: number, busy: number) =>
    `${value.toFixed(1)} ms (${Math.round((100 * value) / busy)} %)`;
  return [
    '<!-- bench:load-profile:start -->',
    `Profiled ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:load -- --only ${scenarios.join(',')} --cpu-prof <dir>\` (the runtime under \`node --cpu-prof\`, one profile per thread; load average ${load1.toFixed(1)}), the load of the table above: CPU milliseconds per job by what ran, self time, a native frame charged to its JavaScript caller. Profiling slows everything a little; the shares are what matters.`,
    '',
    `| what ran | ${columns.map((column) => column.label).join(' | ')} |`,
    `|---|${columns.map(() => '---|').join('')}`,
    ...rows.map(
      ({ category, values }) =>
        `| ${category} | ${values.map((value, i) => fmt(value, columns[i]?.busy ?? 1)).join(' | ')} |`,
    ),
    `| **busy per job** | ${columns.map((column) => `**${column.busy.toFixed(1)} ms**`).join(' | ')} |`,
    '<!-- bench:load-profile:end -->',
  ].join('\n');
}

await main();
