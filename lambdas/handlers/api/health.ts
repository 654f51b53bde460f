import { apiHandler } from './api-handler';

/** Route `health` (handlers/route-table.ts): no token, no dependencies. */
export const handler = apiHandler(async () => ({ status: 200, body: { status: 'ok' } }));
