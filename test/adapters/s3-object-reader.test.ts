import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../lambdas/adapters/s3-blob-store';
import { S3ObjectReader, type S3ObjectReaderOptions } from '../../lambdas/adapters/s3-object-reader';
import { DependencyThrottledError, DependencyUnavailableError } from '../../lambdas/core/errors';
import { CLIENT_TIMEOUTS } from '../../lambdas/handlers/aws-clients';
import { applyEnv, useEmulators } from '../support/emulators';

const emulators = useEmulators();
const reader = (options: Partial<S3ObjectReaderOptions> = {}) =>
  new S3ObjectReader({
    bucket: emulators.env.DOCUSNAP_BUCKET,
    region: emulators.env.AWS_REGION ?? 'us-east-1',
    endpoint: emulators.env.AWS_ENDPOINT_URL_S3,
    timeouts: CLIENT_TIMEOUTS.s3,
    ...options,
  });

describe('S3ObjectReader on s3rver (signed requests, checked by the emulator)', () => {
  let blobs: S3BlobStore;
  beforeAll(() => {
    blobs = new S3BlobStore(emulators.s3(), emulators.env.DOCUSNAP_BUCKET);
  });

  it('reads back exactly what S3BlobStore put, under keys that need escaping', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, n) => (n * 7) % 256);
    const json = JSON.stringify({ title: 'Reçu', kv: { 'Total (€)': 12 } });
    for (const [key, body, type] of [
      [`results/compat%3Aclient 1/${randomUUID()}/result.json`, json, 'application/json'],
      [`results/user+a@example.com/${randomUUID()}/évidence (1)!*'.json`, bytes, 'application/octet-stream'],
    ] as const) {
      await blobs.put(key, body, type);
      const read = await reader().get(key);
      expect(Buffer.from(read ?? [])).toEqual(Buffer.from(body));
    }
  });

  it('answers undefined for a key that does not exist', async () => {
    expect(await reader().get(`results/nobody/${randomUUID()}/result.json`)).toBeUndefined();
  });

  it('is refused with credentials S3 does not know', async () => {
    const key = `results/user/${randomUUID()}/result.json`;
    await blobs.put(key, '{}', 'application/json');
    const stranger = reader({
      credentials: async () => ({ accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'not-the-secret' }),
    });
    await expect(stranger.get(key)).rejects.toThrow();
  });
});

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * What S3 checks of a signed GET (s3rver checks only the access key id): the signature recomputed from the
 * request as received, its path taken as sent (S3 does not escape it again), and the payload hash.
 */
async function signatureProblem(request: IncomingMessage): Promise<string | undefined> {
  const authorization = request.headers.authorization ?? '';
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  if (request.headers['x-amz-content-sha256'] !== EMPTY_SHA256) return 'XAmzContentSHA256Mismatch';
  const url = new URL(request.url ?? '/', 'http://s3.test');
  const date = String(request.headers['x-amz-date']);
  const expected = await new SignatureV4({
    service: 's3',
    region: 'us-east-1',
    credentials: CREDENTIALS,
    sha256: Sha256,
    uriEscapePath: false,
  }).sign(
    new HttpRequest({
      method: request.method,
      hostname: String(request.headers.host),
      path: (request.url ?? '/').split('?')[0],
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])])),
    }),
    {
      signingDate: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13)}`,
      ),
    },
  );
  return expected.headers.authorization === authorization ? undefined : 'SignatureDoesNotMatch';
}

/** An S3 stand-in on loopback that checks signatures as S3 does and answers from a script. */
describe('S3ObjectReader against S3 answers no emulator gives', () => {
  let server: Server;
  let answers: ((request: IncomingMessage) => { status: number; body: string }) | undefined;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer(async (request, response) => {
      seen.push(`${request.method} ${request.url}`);
      const problem = await signatureProblem(request);
      const { status, body } = problem
        ? { status: 403, body: error(problem) }
        : (answers?.(request) ?? { status: 500, body: '' });
      response.writeHead(status, { 'content-type': 'application/xml' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const endpoint = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const KEY = 'results/user-1/task-1/result.json';
  const error = (code: string) => `<?xml version="1.0"?><Error><Code>${code}</Code></Error>`;
  const listing = (...keys: string[]) =>
    `<ListBucketResult>${keys.map((key) => `<Contents><Key>${encodeURIComponent(key)}</Key></Contents>`).join('')}</ListBucketResult>`;
  const fake = () =>
    new S3ObjectReader({
      bucket: 'docusnap-bucket',
      region: 'us-east-1',
      endpoint: endpoint(),
      timeouts: CLIENT_TIMEOUTS.s3,
      credentials: async () => CREDENTIALS,
    });
  const isListing = (request: IncomingMessage) => request.url?.includes('list-type=2') ?? false;

  it('addresses an object as the S3 client does and signs it as S3 checks, whatever its key holds', async () => {
    answers = () => ({ status: 200, body: 'the object' });
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: endpoint(),
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    for (const key of ['results/compat%3Aclient 1/t/result.json', "results/u+a@x.com/é (1)!*'~.json"]) {
      seen.length = 0;
      expect(Buffer.from((await fake().get(key)) ?? []).toString()).toBe('the object');
      await client.send(new GetObjectCommand({ Bucket: 'docusnap-bucket', Key: key }));
      const [ours, sdks] = seen.map((line) => line.split('?')[0]);
      expect(ours).toBe(sdks);
    }
    client.destroy();
  });

  it('addresses an object on AWS by virtual host, as the S3 client does', async () => {
    const sent: HttpRequest[] = [];
    const recorder = {
      handle: async (request: HttpRequest) => {
        sent.push(request);
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Readable.from([]) }) };
      },
    };
    const key = 'results/compat%3Aclient 1/t/result.json';
    const aws = new S3ObjectReader({
      bucket: 'docusnap-bucket',
      region: 'eu-west-1',
      timeouts: CLIENT_TIMEOUTS.s3,
      credentials: async () => CREDENTIALS,
      http: recorder,
    });
    await aws.get(key);
    // As on Lambda: no endpoint override (the emulators' would be read from the environment).
    const restore = applyEnv({ AWS_ENDPOINT_URL_S3: '' });
    try {
      const client = new S3Client({
        region: 'eu-west-1',
        credentials: CREDENTIALS,
        requestHandler: recorder,
      });
      await client.send(new GetObjectCommand({ Bucket: 'docusnap-bucket', Key: key }));
    } finally {
      restore();
    }
    const [ours, sdks] = sent.map(({ protocol, hostname, port, path }) => ({
      protocol,
      hostname,
      port,
      path,
    }));
    expect(ours).toEqual({ ...sdks, port: undefined });
    expect(ours?.hostname).toBe('docusnap-bucket.s3.eu-west-1.amazonaws.com');
  });

  it('answers undefined for a missing key S3 reports as 403, after listing that very key', async () => {
    seen.length = 0;
    // A neighbour that merely starts with the key is not the key.
    answers = (request) =>
      isListing(request)
        ? { status: 200, body: listing(`${KEY}.old`) }
        : { status: 403, body: error('AccessDenied') };
    expect(await fake().get(KEY)).toBeUndefined();
    expect(seen).toEqual([
      `GET /docusnap-bucket/${KEY}`,
      `GET /docusnap-bucket?encoding-type=url&list-type=2&max-keys=1&prefix=${encodeURIComponent(KEY)}`,
    ]);
  });

  it('keeps a real denial of an object that exists an error', async () => {
    answers = (request) =>
      isListing(request) ? { status: 200, body: listing(KEY) } : { status: 403, body: error('AccessDenied') };
    await expect(fake().get(KEY)).rejects.toMatchObject({ name: 'AccessDenied' });
    answers = () => ({ status: 403, body: error('AccessDenied') });
    await expect(fake().get(KEY)).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('retries a throttled or failing S3 and reads the object once it answers', async () => {
    let calls = 0;
    answers = () =>
      ++calls < 3 ? { status: 503, body: error('SlowDown') } : { status: 200, body: '{"ok":1}' };
    expect(Buffer.from((await fake().get(KEY)) ?? []).toString()).toBe('{"ok":1}');
    expect(calls).toBe(3);
  });

  it('reports S3 that stays throttled as throttled, and one that stays failing as unavailable', async () => {
    answers = () => ({ status: 503, body: error('SlowDown') });
    await expect(fake().get(KEY)).rejects.toBeInstanceOf(DependencyThrottledError);
    answers = () => ({ status: 500, body: error('InternalError') });
    await expect(fake().get(KEY)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
