import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { pageAnswer } from './routes';

/** `GET /`, `/app.js`, `/app.css`, `/config.json` of the local runtime (route table: LOCAL_ROUTES). */
export const handler = (event: APIGatewayProxyEventV2) => pageAnswer(event.rawPath);
