/**
 * The read side of the blob store on one S3 bucket, for the routes that only read what the worker stored
 * (getTask, listTasks: results and evidence over the task record's limit). A GetObject is one SigV4-signed
 * GET: it is sent through the signer, hash and HTTP handler every SDK client already bundles, instead of the
 * S3 client, whose every operation's schema, XML protocol and checksums are ~150 KB more to compile on each
 * cold start (docs/performance.md). The routes that write or delete keep S3BlobStore.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { escapeUri, HttpRequest } from '@smithy/core/protocols';
import { streamCollector } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { BlobReader } from '../core/ports';
import { rethrowAwsError } from './aws-errors';
import { isThrottle, withRetry } from './retry';

export interface S3ObjectReaderOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (`AWS_ENDPOINT_URL_S3`), addressed by path; else AWS's, by virtual host. */
  endpoint?: string;
  timeouts: { connectionTimeoutMs: number; requestTimeoutMs: number; idleTimeoutMs: number };
  /** @default the SDK's default provider (on Lambda, the role's credentials in the environment) */
  credentials?: ReturnType<typeof defaultProvider>;
  /** @default 3, as the S3 client's standard retry mode */
  maxAttempts?: number;
  /** @default a NodeHttpHandler with `timeouts`, as the SDK clients have (tests record requests here) */
  http?: Pick<NodeHttpHandler, 'handle'>;
}

/** An S3 answer that is not a 2xx, in the shape rethrowAwsError and the retry classify. */
export class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number, code: string | undefined) {
    super(`S3 answered ${status}${code ? ` ${code}` : ''}`);
    this.name = code ?? `Http${status}`;
    this.$metadata = { httpStatusCode: status };
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Throttling, a 5xx, a timeout or a dropped connection: what the SDK's standard retry mode retries. */
function isRetryable(error: unknown): boolean {
  if (isThrottle(error)) return true;
  if (error instanceof S3ResponseError) return error.$metadata.httpStatusCode >= 500;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'TimeoutError' || name === 'AttemptTimeoutError' || NETWORK_CODES.has(String(code));
}

export class S3ObjectReader implements BlobReader {
  private readonly signer: SignatureV4;
  private readonly http: Pick<NodeHttpHandler, 'handle'>;
  private readonly base: URL;
  private readonly pathStyle: boolean;

  constructor(private readonly options: S3ObjectReaderOptions) {
    this.signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
      // S3 signs the path as sent, each key segment escaped once (as the S3 client does).
      uriEscapePath: false,
    });
    this.http =
      options.http ??
      new NodeHttpHandler({
        connectionTimeout: options.timeouts.connectionTimeoutMs,
        requestTimeout: options.timeouts.requestTimeoutMs,
        throwOnRequestTimeout: true,
        socketTimeout: options.timeouts.idleTimeoutMs,
      });
    this.pathStyle = options.endpoint !== undefined;
    this.base = new URL(options.endpoint ?? `https://${options.bucket}.s3.${options.region}.amazonaws.com`);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const answer = await this.send(key, {});
      if (answer.status === 200) return answer.body;
      const error = new S3ResponseError(answer.status, codeOf(answer.body));
      if (answer.status === 404 || (answer.status === 403 && (await this.isMissing(key)))) return undefined;
      throw error;
    } catch (error) {
      rethrowAwsError('S3', error);
    }
  }

  /**
   * S3 answers a missing key with 403 to a caller that may list only some prefixes (lib/blob-grants.ts), as
   * the handlers' roles are: listing that very key tells a missing object from a real denial.
   */
  private async isMissing(key: string): Promise<boolean> {
    try {
      const answer = await this.send('', {
        'list-type': '2',
        prefix: key,
        'max-keys': '1',
        'encoding-type': 'url',
      });
      if (answer.status !== 200) return false;
      // The key itself sorts first among the keys it prefixes; listed keys come URL-encoded.
      const listed = /<Key>([^<]*)<\/Key>/.exec(Buffer.from(answer.body).toString('utf8'))?.[1];
      return listed === undefined || decodeURIComponent(listed.replace(/\+/g, ' ')) !== key;
    } catch {
      return false;
    }
  }

  /** One signed GET of `key` (or of the bucket, for a listing), retried as the S3 client would. */
  private send(key: string, query: Record<string, string>): Promise<{ status: number; body: Uint8Array }> {
    const segments = [...(this.pathStyle ? [this.options.bucket] : []), ...(key ? key.split('/') : [])];
    const basePath = this.base.pathname.replace(/\/$/, '');
    const request = new HttpRequest({
      method: 'GET',
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port: this.base.port ? Number(this.base.port) : undefined,
      path: `${basePath}/${segments.map(escapeUri).join('/')}`,
      query,
      headers: {
        host: this.base.host,
        // The payload of a GET is empty; S3 wants its hash (or UNSIGNED-PAYLOAD) in this header.
        'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
    });
    return withRetry(
      async (abortSignal) => {
        const signed = await this.signer.sign(request);
        const { response } = await this.http.handle(signed as HttpRequest, { abortSignal });
        const body = await streamCollector(response.body);
        const status = response.statusCode;
        if (status === 429 || status >= 500) throw new S3ResponseError(status, codeOf(body));
        return { status, body };
      },
      {
        maxAttempts: this.options.maxAttempts ?? 3,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        attemptTimeoutMs: this.options.timeouts.requestTimeoutMs,
        // About what the S3 client's three attempts take when S3 hangs (handlers/aws-clients.ts).
        budgetMs: 3 * this.options.timeouts.requestTimeoutMs,
        isRetryable,
      },
    );
  }
}

/** The `<Code>` of an S3 error document (`NoSuchKey`, `AccessDenied`, `SlowDown`, …). */
function codeOf(body: Uint8Array): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(Buffer.from(body).toString('utf8'))?.[1];
}
