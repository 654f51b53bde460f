import { LOCAL_ROUTES, ROUTES, type RouteRow } from '../lambdas/handlers/route-table';

/** A handler module as Lambda loads it: whatever it exports as `handler`. */
export type HandlerModule = { handler: unknown };

export interface Route {
  method: RouteRow['method'];
  /** API Gateway route path, `{name}` for a path parameter. */
  path: string;
  /** Behind the JWT authorizer, as in the deployed API (here: a local token). */
  authenticated: boolean;
  load: () => Promise<HandlerModule>;
}

/**
 * The deployed HTTP API's routes from the route table, each with the very handler module Lambda runs
 * (imported by its entry path, on first use). The DocuSnap Android routes only with `compat` (DOCUSNAP_COMPAT).
 * Then the local runtime's own rows (LOCAL_ROUTES: the web console), which no deployment has.
 */
export function localRoutes(options: { compat: boolean }): Route[] {
  const deployed = Object.values(ROUTES as Record<string, RouteRow>).filter(
    (row) => row.api === 'v1' || options.compat,
  );
  return [...deployed, ...Object.values(LOCAL_ROUTES as Record<string, RouteRow>)].map((row) => {
    const module = new URL(`../${row.entry}`, import.meta.url).href;
    return {
      method: row.method,
      path: row.path,
      authenticated: row.access === 'authorized',
      load: () => import(module) as Promise<HandlerModule>,
    };
  });
}

export interface RouteMatch {
  route: Route;
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/** Finds the route for a method and raw path the way API Gateway does: exact segments, `{name}` = one segment. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  rawPath: string,
): RouteMatch | undefined {
  const segments = rawPath.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const templateSegments = route.path.split('/');
    if (templateSegments.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    const matches = templateSegments.every((template, index) => {
      const segment = segments[index] as string;
      const parameter = /^\{(\w+)\}$/.exec(template)?.[1];
      if (!parameter) return template === segment;
      if (segment === '') return false;
      parameters[parameter] = safeDecode(segment);
      return true;
    });
    if (matches) {
      const hasParameters = Object.keys(parameters).length > 0;
      return {
        route,
        routeKey: `${route.method} ${route.path}`,
        pathParameters: hasParameters ? parameters : undefined,
      };
    }
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
