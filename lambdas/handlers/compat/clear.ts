import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ClearAnswer, clearCompatJobs } from '../../core/compat/clear-jobs';
import { NOT_JSON, parseJsonBody } from '../../core/compat/json-body';
import { logger } from '../powertools';
import { type CompatClearRouteDependencies, compatClearDependencies } from './dependencies';

function respond(answer: ClearAnswer): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: answer.status === 'ok' ? 200 : 400,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer),
  };
}

/** Route `compatClear` `{"client_id","SHA256"?,"type"?}` → 200 `{"status":"ok"}`. */
export const handler = clearRequest;

async function clearRequest(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  if (body === NOT_JSON) return respond({ status: 'error', error_detail: 'INVALID_JSON' });
  let deps: CompatClearRouteDependencies | undefined;
  try {
    deps = compatClearDependencies();
    return respond(await clearCompatJobs(deps, body));
  } catch (error) {
    (deps?.logger ?? logger).error('compat /clear failed', {
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : undefined,
    });
    return respond({ status: 'error', error_detail: 'PROCESSING_ERROR' });
  }
}
