import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config';

// Endpoints come from the SDK itself (AWS_ENDPOINT_URL_<SERVICE>); nothing here names one.

type Instrumentation = <Client>(client: Client) => Client;
let instrument: Instrumentation = (client) => client;

/**
 * Wraps every client built from now on (tracing.ts: X-Ray subsegments in the background handlers). Nothing the API
 * routes import calls it: their clients stay plain, and their bundles free of the X-Ray SDK.
 */
export function instrumentClients(instrumentation: Instrumentation): void {
  instrument = instrumentation;
}

/** Time limits of one attempt of an SDK call; the SDK's own retries repeat them (DESIGN §6, per-call timeouts). */
export interface ClientTimeouts {
  /** Establishing the TCP connection. */
  connectionTimeoutMs: number;
  /** From sending the request to the response headers, the upload of a request body included. */
  requestTimeoutMs: number;
  /** No byte either way for this long fails the attempt: a silent server, or a response body that stalls. */
  idleTimeoutMs: number;
}

/**
 * Sized so that a hung service fails a call, the SDK's retries included (DynamoDB 4 attempts, the others 3),
 * in about 6-7 s: inside the shortest API function timeout (9 s, compat POST /process, which must answer
 * the app within its 10 s) and far inside the 15 s of the v1 routes. A healthy call takes milliseconds.
 * S3 moves bodies up to 10 MiB: an attempt may take 5 s while bytes flow, but 2 s of silence still fails it.
 */
export const CLIENT_TIMEOUTS = {
  dynamodb: { connectionTimeoutMs: 1_000, requestTimeoutMs: 1_500, idleTimeoutMs: 1_500 },
  s3: { connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, idleTimeoutMs: 2_000 },
  sqs: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 2_000 },
  kms: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 2_000 },
  secretsManager: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 2_000 },
  eventBridge: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 2_000 },
} as const satisfies Record<string, ClientTimeouts>;

/**
 * The `requestHandler` option (NodeHttpHandler shorthand) of an SDK v3 client. `throwOnRequestTimeout` is
 * required: without it @smithy/node-http-handler only logs a warning when `requestTimeout` passes.
 */
export function requestHandler(timeouts: ClientTimeouts) {
  return {
    connectionTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: timeouts.idleTimeoutMs,
  };
}

export function documentClient(timeouts: ClientTimeouts = CLIENT_TIMEOUTS.dynamodb): DynamoDBDocumentClient {
  const dynamodb = instrument(new DynamoDBClient({ requestHandler: requestHandler(timeouts) }));
  return DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
}

export function s3Client(
  config: Pick<Config, 's3ForcePathStyle'>,
  timeouts: ClientTimeouts = CLIENT_TIMEOUTS.s3,
): S3Client {
  return instrument(
    new S3Client({
      // Otherwise presigned URLs carry an empty-body CRC32 the upload cannot match.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      forcePathStyle: config.s3ForcePathStyle,
      requestHandler: requestHandler(timeouts),
    }),
  );
}

export function sqsClient(timeouts: ClientTimeouts = CLIENT_TIMEOUTS.sqs): SQSClient {
  // Traced or not, the SDK sends the invocation's trace header with each message, so the worker's trace follows on.
  return instrument(new SQSClient({ requestHandler: requestHandler(timeouts) }));
}
