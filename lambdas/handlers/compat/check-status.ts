import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Route `compatCheckStatus`: the app's liveness probe; it reads `status`, the original server sent `server_status`. */
export async function handler(): Promise<APIGatewayProxyStructuredResultV2> {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ server_status: 'ok', status: 'ok' }),
  };
}
