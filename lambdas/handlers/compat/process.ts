import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NOT_JSON, parseJsonBody } from '../../core/compat/json-body';
import { processCompatRequest } from '../../core/compat/process-job';
import { type CompatAnswer, failed, PROCESSING } from '../../core/compat/protocol';
import { DependencyThrottledError, DependencyUnavailableError } from '../../core/errors';
import { logger } from '../powertools';
import { type CompatDependencies, compatDependencies } from './dependencies';

const STATUS_CODE: Record<CompatAnswer['status'], number> = { processing: 202, completed: 200, error: 400 };

function respond(answer: CompatAnswer): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: STATUS_CODE[answer.status],
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer),
  };
}

/** Route `compatProcess`, the DocuSnap Android app's job submission and poll: every failure is a 400 with an `error_detail`, never a trace. */
export const handler = processRequest;

async function processRequest(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  if (body === NOT_JSON) return respond(failed('INVALID_JSON'));
  let deps: CompatDependencies | undefined;
  try {
    deps = compatDependencies();
    return respond(await processCompatRequest(deps, body));
  } catch (error) {
    const transient =
      error instanceof DependencyThrottledError || error instanceof DependencyUnavailableError;
    // Never the body: it carries the client's ciphertext and wrapped key.
    (deps?.logger ?? logger).error('compat /process failed', {
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : undefined,
      transient,
    });
    // The app marks a job failed for good on any non-2xx poll answer; a passing outage should not do that.
    const isPoll =
      typeof body === 'object' && body !== null && (body as { has_content?: unknown }).has_content === false;
    return respond(transient && isPoll ? PROCESSING : failed('PROCESSING_ERROR'));
  }
}
