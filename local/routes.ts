import { existsSync } from 'node:fs';

/** A handler module as Lambda loads it: whatever it exports as `handler`. */
export type HandlerModule = { handler: unknown };

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** API Gateway route path, `{name}` for a path parameter. */
  path: string;
  /** Behind the JWT authorizer, as every `/v1` route but health is in the deployed API. */
  authenticated: boolean;
  load: () => Promise<HandlerModule>;
}

/** The deployed HTTP API's routes (DESIGN §3), each with the very handler module Lambda runs. */
export const V1_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/health',
    authenticated: false,
    load: () => import('../lambdas/handlers/api/health'),
  },
  {
    method: 'POST',
    path: '/v1/uploads',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/create-upload'),
  },
  {
    method: 'POST',
    path: '/v1/tasks/document',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/submit-document'),
  },
  {
    method: 'POST',
    path: '/v1/tasks/form',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/submit-form'),
  },
  {
    method: 'POST',
    path: '/v1/tasks/form-filling',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/submit-form-filling'),
  },
  {
    method: 'GET',
    path: '/v1/tasks/{taskId}',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/get-task'),
  },
  {
    method: 'GET',
    path: '/v1/tasks',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/list-tasks'),
  },
  {
    method: 'DELETE',
    path: '/v1/tasks/{taskId}',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/delete-task'),
  },
  {
    method: 'POST',
    path: '/v1/webhooks',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/create-webhook'),
  },
  {
    method: 'GET',
    path: '/v1/webhooks',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/list-webhooks'),
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/{webhookId}',
    authenticated: true,
    load: () => import('../lambdas/handlers/api/delete-webhook'),
  },
];

const COMPAT_ROUTES: readonly [Route['method'], string, URL][] = [
  ['POST', '/process', new URL('../lambdas/handlers/compat/process', import.meta.url)],
  ['POST', '/clear', new URL('../lambdas/handlers/compat/clear', import.meta.url)],
  ['GET', '/check_status', new URL('../lambdas/handlers/compat/check-status', import.meta.url)],
  ['GET', '/public-key', new URL('../lambdas/handlers/compat/public-key', import.meta.url)],
];

/** The module's file URL with its extension (source under tsx/vitest, `.js` when built), if it exists. */
function handlerFile(module: URL): string | undefined {
  const extension = ['.ts', '.js'].find((candidate) => existsSync(`${module.pathname}${candidate}`));
  return extension && `${module.href}${extension}`;
}

/**
 * The DocuSnap Android routes (DESIGN §4), unauthenticated. They are optional (switched off by
 * DOCUSNAP_COMPAT=off), so their modules are found by path and only routed when the file exists.
 */
export function compatRoutes(): Route[] {
  return COMPAT_ROUTES.flatMap(([method, path, module]) => {
    const file = handlerFile(module);
    if (!file) return [];
    return [{ method, path, authenticated: false, load: () => import(file) as Promise<HandlerModule> }];
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
