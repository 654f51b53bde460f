import { startApiThreads } from './api-environments';
import { issueLocalToken } from './auth';
import { LOCAL_ENV_DEFAULTS, type LocalConfig, parseLocalConfig } from './config';
import { resolveDeveloperCredentials, usesRealAws } from './developer-credentials';
import { startEmulators } from './emulators';
import { parseFaults } from './faults';
import { startHttpApi } from './http-api';
import { ensureLocalKeys } from './keys';
import { type PoolHandle, startWorkerPoolHere, startWorkerPoolInThread } from './pool-thread';
import type { RequeueReport } from './requeue-on-start';
import { localRoutes } from './routes';

export interface LocalBackendOptions {
  /** State directory (keys, DynamoDB, S3); overrides DOCUSNAP_HOME. */
  home?: string;
  /** 0 picks a free port; overrides PORT. */
  port?: number;
  /**
   * Extra environment for this backend (DOCUSNAP_FAULTS, DOCUSNAP_OCR, AWS_REGION, …), applied over
   * process.env. AWS credentials for real Textract / Bedrock come from process.env and profiles, as for
   * any SDK client.
   */
  env?: Record<string, string>;
  log?: (message: string) => void;
  /**
   * `false` runs the worker pool on this thread, where a test's module mocks (aws-sdk-client-mock) reach
   * the worker's clients; everything else stays as `npm start` runs it. @default true
   */
  poolInThread?: boolean;
}

export interface LocalBackend {
  url: string;
  config: LocalConfig;
  /** The environment the handlers run with. */
  env: Record<string, string>;
  /** A bearer token the local API accepts for `user`. */
  token(user: string): Promise<string>;
  /** The worker pool (on its own thread): its counters at one moment, and a sweep on demand. */
  worker: Pick<PoolHandle, 'snapshot' | 'sweep'>;
  /** What the startup re-send of the previous run's unfinished tasks did. */
  requeued: RequeueReport;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
let running = false;

/**
 * The whole backend in this process: emulators, the worker pool and the local HTTP API, all driving
 * the unchanged handler modules. One per process: handlers build their clients once per process, as
 * Lambda does per sandbox, so a restart is a new process (`npm start` again).
 */
export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  if (running) throw new Error('a local backend is already running in this process');
  running = true;
  const log = options.log ?? ((message: string) => console.error(message));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`stop failed: ${error}`));
    stops.length = 0;
  };

  try {
    const requested = { ...process.env, ...options.env };
    for (const [name, value] of Object.entries(LOCAL_ENV_DEFAULTS)) requested[name] ??= value;
    if (options.home !== undefined) requested.DOCUSNAP_HOME = options.home;
    if (options.port !== undefined) requested.PORT = String(options.port);
    const config = parseLocalConfig(requested);
    // Checked here, so a bad DOCUSNAP_FAULTS fails the start before anything runs.
    parseFaults(config.faults);
    // Before anything starts, and before the emulators' environment could shadow the developer's own.
    const developer = usesRealAws(requested) ? await resolveDeveloperCredentials(requested) : undefined;
    if (developer?.expiresAt) {
      log(
        `temporary AWS credentials expire at ${developer.expiresAt.toISOString()}: restart after refreshing them`,
      );
    }

    const keys = await ensureLocalKeys(config.home);
    const emulators = await startEmulators({
      dataDir: config.home,
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
      host: HOST,
      credentials: developer?.credentials,
      region: developer?.region,
      // Beside the handlers on one thread, the emulators' work would queue behind theirs (docs/performance.md).
      inThread: true,
    });
    stops.push(() => emulators.stop());

    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(requested)) if (value !== undefined) env[name] = value;
    Object.assign(env, emulators.env, developer?.env, {
      // Absolute, for the local-only routes that read the runtime's own keys (the console's sign-in).
      DOCUSNAP_HOME: config.home,
      DOCUSNAP_COMPAT_KEY_FILE: keys.compatPrivateKeyFile,
      DOCUSNAP_COMPAT_PUBLIC_KEY: keys.compatPublicKeyPem,
      DOCUSNAP_MASTER_KEY_FILE: keys.masterKeyFile,
      // Textract cannot reach the emulated bucket, so it gets the image itself.
      DOCUSNAP_TEXTRACT_DOCUMENT: 'bytes',
    });
    for (const name of developer?.unset ?? []) {
      delete env[name];
      delete process.env[name];
    }
    // The handlers read their configuration from the environment when they first load, as in Lambda.
    Object.assign(process.env, env);

    // On a thread of its own, as the worker functions are other Lambda functions than the API's: their
    // CPU does not hold up the API's answers (docs/performance.md).
    const poolOptions = {
      queueUrl: emulators.env.DOCUSNAP_QUEUE_URL as string,
      highQueueUrl: emulators.env.DOCUSNAP_HIGH_QUEUE_URL as string,
      deadLetterQueueUrl: emulators.env.DOCUSNAP_DLQ_URL as string,
      webhookQueueUrl: emulators.env.DOCUSNAP_WEBHOOK_QUEUE_URL as string,
      concurrency: config.workerConcurrency,
      workerTimeoutSeconds: config.workerTimeoutSeconds,
      sweepIntervalSeconds: config.sweepIntervalSeconds,
      faults: config.faults,
    };
    const worker =
      options.poolInThread === false
        ? await startWorkerPoolHere(poolOptions, log)
        : await startWorkerPoolInThread(poolOptions, log);
    stops.push(() => worker.stop());
    // The queues start empty (fauxqs keeps messages in memory): resume the previous run's unfinished tasks.
    const requeued = await worker.requeueOnStart();
    if (requeued.pending + requeued.processing + requeued.scheduled + requeued.errors > 0) {
      log(
        `resuming the previous run's tasks: ${requeued.pending} pending and ${requeued.processing} processing re-sent, ` +
          `${requeued.scheduled} processing to re-send when their lease runs out, ${requeued.errors} failed (the sweeper retries them)`,
      );
    }

    // Lambda gives each concurrent request an environment of its own: a first POST does not wait behind
    // the polls and other POSTs of one event loop (docs/performance.md).
    const routeOptions = { compat: config.compat };
    const environments = await startApiThreads(config.apiConcurrency, routeOptions);
    stops.push(() => environments.stop());
    const httpApi = await startHttpApi({
      routes: localRoutes(routeOptions),
      environments,
      tokenSecret: keys.tokenSecret,
      host: HOST,
      port: config.port,
      log,
    });
    stops.push(() => httpApi.stop());

    return {
      url: httpApi.url,
      config,
      env,
      token: (user) => issueLocalToken(keys.tokenSecret, user),
      worker,
      requeued,
      async stop() {
        await stopAll();
        running = false;
      },
    };
  } catch (error) {
    await stopAll();
    running = false;
    throw error;
  }
}
