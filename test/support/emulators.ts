/**
 * Vitest helpers for suites that run against the embedded emulators: `useEmulators()` starts them before
 * the suite, points `process.env` at them (as the local runtime does) and stops them afterwards.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type EmulatorOptions, type Emulators, startEmulators } from '../../local/emulators';

export interface EmulatorSuite {
  /** The emulators' environment (table, bucket, queue URLs, endpoints); set once beforeAll has run. */
  readonly env: Record<string, string>;
  /** Clients built from the environment like the composition roots build them; destroyed afterAll. */
  documentClient(): DynamoDBDocumentClient;
  s3(): S3Client;
  sqs(): SQSClient;
}

export function useEmulators(options?: EmulatorOptions): EmulatorSuite {
  let emulators: Emulators | undefined;
  let restoreEnv: (() => void) | undefined;
  const clients: { destroy(): void }[] = [];
  const memo = <T extends { destroy(): void }>(build: () => T) => {
    let client: T | undefined;
    return () => {
      if (!client) {
        client = build();
        clients.push(client);
      }
      return client;
    };
  };

  beforeAll(async () => {
    emulators = await startEmulators(options);
    restoreEnv = applyEnv(emulators.env);
  });

  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    restoreEnv?.();
    await emulators?.stop();
  });

  return {
    get env() {
      if (!emulators) throw new Error('the emulators start in beforeAll; read env inside a hook or a test');
      return emulators.env;
    },
    documentClient: memo(createDocumentClient),
    s3: memo(createS3Client),
    sqs: memo(createSqsClient),
  };
}

/** Sets `env` on process.env and returns a function that puts the previous values back. */
export function applyEnv(env: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

// No endpoints here on purpose: the SDK reads AWS_ENDPOINT_URL_<SERVICE>, exactly as in the local runtime.
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}));
}

export function createS3Client(): S3Client {
  return new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
}

export function createSqsClient(): SQSClient {
  return new SQSClient({});
}
