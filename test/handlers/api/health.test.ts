import { describe, expect, it } from 'vitest';
import { handler } from '../../../lambdas/handlers/api/health';
import { apiEvent } from '../../support/events';

describe('GET /v1/health', () => {
  it('answers 200 {"status":"ok"} without a token', async () => {
    const result = await handler(apiEvent('GET /v1/health', { sub: null }));
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(result.body ?? '')).toEqual({ status: 'ok' });
  });
});
