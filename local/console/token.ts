import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { issueLocalToken } from '../auth';
import { ensureLocalKeys } from '../keys';
import { tokenAnswer } from './routes';

/**
 * The local runtime's signer: its token key under DOCUSNAP_HOME. In Lambda (AWS_LAMBDA_FUNCTION_NAME is
 * set there) there is none, so the route refuses even if someone deployed it.
 */
function localSigner() {
  const home = process.env.DOCUSNAP_HOME;
  if (!home || process.env.AWS_LAMBDA_FUNCTION_NAME) return undefined;
  const keys = ensureLocalKeys(home);
  return async (user: string, ttlSeconds: number) =>
    issueLocalToken((await keys).tokenSecret, user, ttlSeconds);
}

const signer = localSigner();

/** `POST /local/console-token` (route table: LOCAL_ROUTES). */
export const handler = (event: APIGatewayProxyEventV2) => tokenAnswer(event.headers, signer);
