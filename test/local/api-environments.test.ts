import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEnvironments, startApiThreads } from '../../local/api-environments';
import { toApiGatewayEvent } from '../../local/api-gateway-event';
import { localRoutes } from '../../local/routes';

const routes = localRoutes({ compat: true });
const indexOf = (method: string, path: string) =>
  routes.findIndex((route) => route.method === method && route.path === path);
/** The event the local API makes of `GET <path>`. */
const getEvent = (routeIndex: number) => {
  const route = routes[routeIndex] as (typeof routes)[number];
  const request = {
    method: 'GET',
    url: route.path,
    headers: {},
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
  };
  return toApiGatewayEvent(request, { route, routeKey: `GET ${route.path}` });
};

describe('API threads (the local API functions’ execution environments)', () => {
  let environments: ApiEnvironments;
  beforeAll(async () => {
    environments = await startApiThreads(2, { compat: true });
  });
  afterAll(async () => {
    await environments?.stop();
  });

  it('runs the route’s own handler module in a thread and hands back its answer', async () => {
    const health = indexOf('GET', '/v1/health');
    const status = indexOf('GET', '/check_status');
    // More requests at once than threads: each is answered, by its own handler.
    const answers = await Promise.all(
      [health, status, health, status].map((route) =>
        environments.invoke(route, getEvent(route), 'docusnap-api-test', 5_000),
      ),
    );
    expect(answers.map((answer) => JSON.parse((answer as { body: string }).body))).toEqual([
      { status: 'ok' },
      { server_status: 'ok', status: 'ok' },
      { status: 'ok' },
      { server_status: 'ok', status: 'ok' },
    ]);
  });

  it('turns a failed invocation into a rejection, and the thread goes on serving', async () => {
    await expect(environments.invoke(routes.length, {}, 'docusnap-api-test', 5_000)).rejects.toThrow(
      `no route ${routes.length}`,
    );
    const health = indexOf('GET', '/v1/health');
    const answer = await environments.invoke(health, getEvent(health), 'docusnap-api-test', 5_000);
    expect(answer).toMatchObject({ statusCode: 200 });
  });
});
