/**
 * Per-call timeouts of the SDK clients (DESIGN §6): a service that accepts the connection and never answers
 * must fail the call with DependencyUnavailableError (503 UNAVAILABLE) instead of holding the Lambda until it
 * times out. The clients point at a local TCP server that does exactly that, with small injected timeouts.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTaskStore } from '../../lambdas/adapters/dynamodb-task-store';
import { KmsKeyWrapper } from '../../lambdas/adapters/kms-key-wrapper';
import { S3BlobStore } from '../../lambdas/adapters/s3-blob-store';
import { SecretsManagerPrivateKey } from '../../lambdas/adapters/secrets-manager-private-key';
import { SqsTaskQueue } from '../../lambdas/adapters/sqs-task-queue';
import { DependencyUnavailableError } from '../../lambdas/core/errors';
import {
  CLIENT_TIMEOUTS,
  type ClientTimeouts,
  documentClient,
  requestHandler,
  s3Client,
  sqsClient,
} from '../../lambdas/handlers/aws-clients';
import { applyEnv } from '../support/emulators';

const short: ClientTimeouts = { connectionTimeoutMs: 200, requestTimeoutMs: 250, idleTimeoutMs: 250 };

// Not a timing assertion: without the timeouts the calls never settle and the test runs out of time.
const LIMIT = { timeout: 20_000 };

let server: Server;
const sockets: Socket[] = [];
let restoreEnv: () => void;
let url: string;

beforeAll(async () => {
  server = createServer((socket) => {
    // Accept, read, never answer.
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  restoreEnv = applyEnv({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: url,
    AWS_ENDPOINT_URL_S3: url,
    AWS_ENDPOINT_URL_SQS: url,
    AWS_ENDPOINT_URL_KMS: url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
  });
});

afterAll(async () => {
  restoreEnv();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('AWS clients against a service that never answers', () => {
  it('DynamoDB fails with DependencyUnavailableError', LIMIT, async () => {
    const doc = documentClient(short);
    await expect(new DynamoDbTaskStore(doc, 'docusnap').get('task-1')).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    doc.destroy();
  });

  it('S3 fails with DependencyUnavailableError', LIMIT, async () => {
    const s3 = s3Client({ s3ForcePathStyle: true }, short);
    const blobs = new S3BlobStore(s3, 'docusnap-bucket');
    await expect(blobs.get('inputs/user-1/task-1/0')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(
      blobs.put('inputs/user-1/task-1/0', new Uint8Array(64 * 1024), 'image/png'),
    ).rejects.toBeInstanceOf(DependencyUnavailableError);
    s3.destroy();
  });

  it('SQS fails with DependencyUnavailableError', LIMIT, async () => {
    const sqs = sqsClient(short);
    // The SDK sends to the queue URL's host, so the URLs name the silent server too.
    const queue = new SqsTaskQueue(sqs, { normal: `${url}/1/normal`, high: `${url}/1/high` });
    await expect(queue.send({ taskId: 'task-1' }, 'normal')).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
    sqs.destroy();
  });

  it(
    'KMS (built as the composition roots build it) fails with DependencyUnavailableError',
    LIMIT,
    async () => {
      const kms = new KMSClient({ requestHandler: requestHandler(short) });
      await expect(new KmsKeyWrapper(kms, 'alias/docusnap').wrap(new Uint8Array(32))).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      kms.destroy();
    },
  );

  it('Secrets Manager fails with a timeout', LIMIT, async () => {
    const secrets = new SecretsManagerClient({ requestHandler: requestHandler(short) });
    await expect(new SecretsManagerPrivateKey(secrets, 'docusnap/compat').loadPem()).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    secrets.destroy();
  });
});

describe('default client timeouts', () => {
  it('let a hung service fail a call, the SDK retries included, inside the 9 s of the shortest API function', () => {
    // DynamoDB's SDK makes 4 attempts, the others 3; a hung attempt ends at the idle or request timeout.
    const attempts = { dynamodb: 4, s3: 3, sqs: 3, kms: 3, secretsManager: 3, eventBridge: 3 };
    for (const [service, timeouts] of Object.entries(CLIENT_TIMEOUTS)) {
      const hungAttemptMs = Math.min(timeouts.requestTimeoutMs, timeouts.idleTimeoutMs);
      expect(attempts[service as keyof typeof attempts] * hungAttemptMs, service).toBeLessThanOrEqual(7_000);
      expect(timeouts.connectionTimeoutMs, service).toBeLessThanOrEqual(1_000);
    }
    // An S3 attempt may take longer while bytes flow (uploads up to 10 MiB).
    expect(CLIENT_TIMEOUTS.s3.requestTimeoutMs).toBeGreaterThan(CLIENT_TIMEOUTS.s3.idleTimeoutMs);
  });
});
