import { apiHandler } from './api-handler';

/** `GET /v1/health`: no token, no dependencies. */
export const handler = apiHandler(async () => ({ status: 200, body: { status: 'ok' } }));
