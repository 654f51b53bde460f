import { describe, expect, it } from 'vitest';
import { LOCAL_ROUTES, ROUTES } from '../../lambdas/handlers/route-table';
import { localRoutes, matchRoute } from '../../local/routes';

const routeKeys = (routes: { method: string; path: string }[]) =>
  routes.map((route) => `${route.method} ${route.path}`).sort();

describe('local routes (from the route table)', () => {
  it('serve every row of the route table, the DocuSnap Android ones only with compat on', () => {
    const every = Object.values(ROUTES);
    const localOnly = Object.values(LOCAL_ROUTES);
    expect(routeKeys(localRoutes({ compat: true }))).toEqual(routeKeys([...every, ...localOnly]));
    expect(routeKeys(localRoutes({ compat: false }))).toEqual(
      routeKeys([...every.filter((row) => row.api === 'v1'), ...localOnly]),
    );
  });

  it('ask for a token exactly where the deployed API has the JWT authorizer', () => {
    const local = localRoutes({ compat: true });
    for (const row of [...Object.values(ROUTES), ...Object.values(LOCAL_ROUTES)]) {
      const route = local.find((candidate) => candidate.method === row.method && candidate.path === row.path);
      expect(route?.authenticated, `${row.method} ${row.path}`).toBe(row.access === 'authorized');
    }
  });

  it("load each route's handler module from its entry path", async () => {
    const routes = localRoutes({ compat: true });
    const match = matchRoute(routes, 'POST', ROUTES.submitDocument.path);
    expect(match?.routeKey).toBe('POST /v1/tasks/document');
    for (const route of routes) {
      const module = await route.load();
      expect(typeof module.handler, `${route.method} ${route.path}`).toBe('function');
    }
  });
});
