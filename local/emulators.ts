/**
 * Embedded AWS-compatible services for tests and `npm start`: dynalite (DynamoDB), fauxqs (SQS) and
 * s3rver (S3), in this process, on free ports of one IP address. Creates the table, bucket and queues the
 * code expects (idempotently: a dataDir keeps state across restarts) and returns the environment that
 * points the unchanged AWS SDK clients at them.
 *
 * Addressing: endpoints are IP literals on purpose. The SDK picks path-style S3 URLs by itself for an IP
 * endpoint (it has no env var for forcePathStyle), so no client needs local-only options; SQS queue URLs
 * are built from the request's host (not fauxqs's `sqs.<region>.localhost`, which does not resolve here),
 * so the SDK's queue-URL endpoint override lands on the same emulator.
 *
 * Credentials: by default every client signs with S3RVER/S3RVER (all s3rver accepts; dynalite and fauxqs
 * accept any). With `credentials` (a developer's real ones, for Textract and Bedrock) s3rver accepts those
 * too and `env` carries no credentials, so the caller's own stay in effect for emulated and real services.
 *
 * Persistence: with a dataDir, DynamoDB lives in `${dataDir}/dynamodb` and S3 in `${dataDir}/s3`; fauxqs
 * keeps messages in memory only, so queued messages are lost on restart (the sweeper re-enqueues
 * pending tasks).
 */
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { TABLE_KEYS } from '../lambdas/adapters/table-keys';
import { MAX_RECEIVE_COUNT } from '../lambdas/core/shared-facts';
import { DELIVERY_QUEUE_MAX_RECEIVE_COUNT } from '../lambdas/core/webhooks/webhook';

export interface Emulators {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Persist DynamoDB and S3 state under this directory; in memory / a removed temp dir otherwise. */
  dataDir?: string;
  /** Visibility timeout of the normal and high queues. @default 30 */
  visibilityTimeoutSeconds?: number;
  /** IP address the emulators listen on and that the endpoints name. @default '127.0.0.1' */
  host?: string;
  /**
   * Credentials the clients will sign with, registered with s3rver besides S3RVER; `env` then sets no
   * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. A session token needs no registration: s3rver ignores it.
   * @default LOCAL_CREDENTIALS, set in `env`
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** AWS_REGION in `env`; the emulators serve any region. @default LOCAL_REGION */
  region?: string;
  /** Run each of the three servers on a worker thread of its own, so they use other cores. @default false */
  inThread?: boolean;
}

export const LOCAL_REGION = 'us-east-1';
/** s3rver accepts only these credentials; dynalite and fauxqs accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_RESOURCES = {
  table: 'docusnap',
  bucket: 'docusnap-uploads',
  queue: 'docusnap-tasks',
  highQueue: 'docusnap-tasks-high',
  deadLetterQueue: 'docusnap-tasks-dlq',
  webhookQueue: 'docusnap-webhooks',
  webhookDeadLetterQueue: 'docusnap-webhooks-dlq',
} as const;

const TABLE_READY_POLLS = 100;
/** How long the emulator thread may take to close its servers before it is terminated. */
const THREAD_STOP_MS = 10_000;

// Browsers (and the app's web views) post presigned forms cross-origin; real S3 gets the same CORS rule from CDK.
const CORS_CONFIG = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

// dynalite and s3rver are CommonJS without type declarations: describe just what is used here.
interface DynaliteOptions {
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}
interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}
interface S3rverAccount {
  accessKeys: Map<string, string>;
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
}
interface S3rverInstance {
  httpServer?: Server;
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverInstance;
// s3rver's one account, whose key registry decides which access key ids it accepts (process-wide).
const { DUMMY_ACCOUNT: s3rverAccount } = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: S3rverAccount;
};

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  if (isIP(host) === 0) {
    // A host name would make the SDK use virtual-hosted S3 URLs (`<bucket>.<host>`), which do not resolve.
    throw new Error(`emulator host must be an IP address, got "${host}"`);
  }
  const serverOptions: EmulatorServerOptions = {
    host,
    dataDir: options.dataDir,
    credentials: options.credentials && {
      accessKeyId: options.credentials.accessKeyId,
      secretAccessKey: options.credentials.secretAccessKey,
    },
  };
  const servers = options.inThread
    ? await startEmulatorServersInThreads(serverOptions)
    : await startEmulatorServers(serverOptions);

  try {
    const {
      dynamodb: dynamoEndpoint,
      s3: s3Endpoint,
      sqs: sqsEndpoint,
    } = servers.endpoints as Record<EmulatedService, string>;
    await ensureTable(dynamoEndpoint);
    const queues = await ensureQueues(sqsEndpoint, options.visibilityTimeoutSeconds ?? 30);

    const env: Record<string, string> = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_REGION: options.region ?? LOCAL_REGION,
      ...(options.credentials
        ? {}
        : {
            AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          }),
      DOCUSNAP_TABLE: LOCAL_RESOURCES.table,
      DOCUSNAP_BUCKET: LOCAL_RESOURCES.bucket,
      DOCUSNAP_QUEUE_URL: queues.normal,
      DOCUSNAP_HIGH_QUEUE_URL: queues.high,
      DOCUSNAP_DLQ_URL: queues.deadLetter,
      DOCUSNAP_WEBHOOK_QUEUE_URL: queues.webhooks,
    };
    return { env, stop: servers.stop };
  } catch (error) {
    await servers.stop();
    throw error;
  }
}

type EmulatedService = 'dynamodb' | 's3' | 'sqs';
const SERVICES: readonly EmulatedService[] = ['dynamodb', 's3', 'sqs'];

/** What the servers need; plain data, so that it can be posted to an emulator thread. */
export interface EmulatorServerOptions {
  host: string;
  dataDir?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Which servers to start. @default all three */
  services?: readonly EmulatedService[];
}

export interface EmulatorServers {
  endpoints: Partial<Record<EmulatedService, string>>;
  stop(): Promise<void>;
}

/** dynalite, s3rver and fauxqs (or those of `services`) listening on free ports of `host`, in this thread. */
export async function startEmulatorServers(options: EmulatorServerOptions): Promise<EmulatorServers> {
  const { host } = options;
  const services = new Set(options.services ?? SERVICES);
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
    stops.length = 0;
  };
  try {
    const endpoints: EmulatorServers['endpoints'] = {};
    if (services.has('dynamodb'))
      endpoints.dynamodb = await startDynamoDb(host, urlHost, options.dataDir, stops);
    if (services.has('s3')) {
      if (options.credentials) acceptInS3(options.credentials, stops);
      endpoints.s3 = await startS3(host, urlHost, options.dataDir, stops);
    }
    if (services.has('sqs')) endpoints.sqs = await startSqs(host, urlHost, stops);
    return { endpoints, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The same servers, each on a worker thread of its own (`emulator-thread.ts`): the emulators parse, store
 * and answer every SDK call of the handlers, as much CPU under load as the handlers themselves, and dynalite
 * the most (docs/performance.md). Beside the handlers, or beside each other, their work would queue.
 */
async function startEmulatorServersInThreads(options: EmulatorServerOptions): Promise<EmulatorServers> {
  const started = await Promise.allSettled(
    SERVICES.map((service) => startEmulatorThread({ ...options, services: [service] })),
  );
  const servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  const failure = started.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  return { endpoints: Object.assign({}, ...servers.map((server) => server.endpoints)), stop };
}

async function startEmulatorThread(options: EmulatorServerOptions): Promise<EmulatorServers> {
  const worker = new Worker(new URL('./typescript-thread.mjs', import.meta.url), {
    workerData: { entry: new URL('./emulator-thread.ts', import.meta.url).href, options },
  });
  const endpoints = await new Promise<EmulatorServers['endpoints']>((resolve, reject) => {
    worker.once('message', (message: { endpoints: EmulatorServers['endpoints'] }) =>
      resolve(message.endpoints),
    );
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the emulator thread exited (${code}) before it started`)),
    );
  });
  let stopped: Promise<void> | undefined;
  return {
    endpoints,
    stop() {
      stopped ??= (async () => {
        // The thread ends by itself once its servers are closed (a profile of it, if any, is written then).
        const exited = once(worker, 'exit');
        worker.postMessage('stop');
        const timer = setTimeout(() => void worker.terminate(), THREAD_STOP_MS);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

async function startDynamoDb(
  host: string,
  urlHost: string,
  dataDir: string | undefined,
  stops: (() => Promise<void>)[],
): Promise<string> {
  const path = dataDir ? join(dataDir, 'dynamodb') : undefined;
  if (path) await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, host);
  stops.push(() => closeServer(server));
  return `http://${urlHost}:${port}`;
}

/**
 * Registers a key pair with s3rver until stop. s3rver checks only that a SigV4 request's access key id is
 * registered (it verifies no V4 signature, and so never looks at x-amz-security-token).
 */
function acceptInS3(
  credentials: { accessKeyId: string; secretAccessKey: string },
  stops: (() => Promise<void>)[],
): void {
  const { accessKeyId, secretAccessKey } = credentials;
  if (s3rverAccount.accessKeys.has(accessKeyId)) return;
  s3rverAccount.createKeyPair(accessKeyId, secretAccessKey);
  stops.push(async () => s3rverAccount.revokeAccessKey(accessKeyId));
}

async function startS3(
  host: string,
  urlHost: string,
  dataDir: string | undefined,
  stops: (() => Promise<void>)[],
): Promise<string> {
  const directory = dataDir ? join(dataDir, 's3') : await mkdtemp(join(tmpdir(), 'docusnap-s3-'));
  await mkdir(directory, { recursive: true });
  if (!dataDir) stops.push(() => rm(directory, { recursive: true, force: true }));
  const s3 = new S3rver({
    address: host,
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: LOCAL_RESOURCES.bucket, configs: [CORS_CONFIG] }],
  });
  const { port } = await s3.run();
  stops.push(async () => {
    const closing = s3.close();
    s3.httpServer?.closeAllConnections();
    await closing;
  });
  return `http://${urlHost}:${port}`;
}

async function startSqs(host: string, urlHost: string, stops: (() => Promise<void>)[]): Promise<string> {
  // fauxqs's public API offers no way to drop its `sqs.<region>.localhost` URL host; an empty host on its
  // store makes queue URLs use the address the client called.
  const { SqsStore } = await import(new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs')).href);
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION, stores: { sqsStore } as never });
  await app.listen({ port: 0, host });
  stops.push(() => app.close());
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs did not report a port');
  return `http://${urlHost}:${address.port}`;
}

async function ensureTable(endpoint: string): Promise<void> {
  const dynamo = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    if (!(await tableExists(dynamo))) {
      const { partitionKey, sortKey, byOwner, byStatus } = TABLE_KEYS;
      const attributes = [partitionKey, sortKey, byOwner.partitionKey, byOwner.sortKey];
      await dynamo.send(
        new CreateTableCommand({
          TableName: LOCAL_RESOURCES.table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attributes, byStatus.partitionKey, byStatus.sortKey].map((name) => ({
            AttributeName: name,
            AttributeType: 'S',
          })),
          KeySchema: [
            { AttributeName: partitionKey, KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [byOwner, byStatus].map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
    }
    // dynalite flips CREATING → ACTIVE on its next tick (createTableMs 0); bounded in case it does not.
    for (let poll = 0; poll < TABLE_READY_POLLS; poll++) {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: LOCAL_RESOURCES.table }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`table ${LOCAL_RESOURCES.table} did not become ACTIVE`);
  } finally {
    dynamo.destroy();
  }
}

async function tableExists(dynamo: DynamoDBClient): Promise<boolean> {
  try {
    await dynamo.send(new DescribeTableCommand({ TableName: LOCAL_RESOURCES.table }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function ensureQueues(
  endpoint: string,
  visibilityTimeoutSeconds: number,
): Promise<{ normal: string; high: string; deadLetter: string; webhooks: string }> {
  const sqs = new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const create = async (name: string, attributes?: Record<string, string>) => {
      const { QueueUrl } = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      if (!QueueUrl) throw new Error(`queue ${name} has no URL`);
      return QueueUrl;
    };
    const arnOf = async (queueUrl: string) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      return Attributes?.QueueArn;
    };
    const deadLetter = await create(LOCAL_RESOURCES.deadLetterQueue);
    const webhookDeadLetter = await create(LOCAL_RESOURCES.webhookDeadLetterQueue);
    const workQueueAttributes = {
      VisibilityTimeout: String(visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: await arnOf(deadLetter),
        maxReceiveCount: String(MAX_RECEIVE_COUNT),
      }),
    };
    return {
      normal: await create(LOCAL_RESOURCES.queue, workQueueAttributes),
      high: await create(LOCAL_RESOURCES.highQueue, workQueueAttributes),
      deadLetter,
      // A failed delivery sets its own visibility (the backoff delay); this one only covers a crash.
      webhooks: await create(LOCAL_RESOURCES.webhookQueue, {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: await arnOf(webhookDeadLetter),
          maxReceiveCount: String(DELIVERY_QUEUE_MAX_RECEIVE_COUNT),
        }),
      }),
    };
  } finally {
    sqs.destroy();
  }
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no port'));
      else resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // SDK clients keep connections alive; without this, close waits for them to time out.
    server.closeAllConnections();
  });
}
