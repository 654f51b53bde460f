import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKGROUND_HANDLERS, type HandlerName, ROUTES } from '../lambdas/handlers/route-table';

export type { HandlerName };

/** Repository root: NodejsFunction bundles from here with the committed package-lock.json. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every Lambda entry point the stack deploys, by handler name (from lambdas/handlers/route-table.ts). */
export const HANDLER_ENTRIES = Object.fromEntries(
  Object.entries({ ...ROUTES, ...BACKGROUND_HANDLERS }).map(([name, row]) => [name, row.entry]),
) as Record<HandlerName, string>;

/** Where a handler's source lives; tests may substitute entries that are not written yet. */
export type HandlerEntryResolver = (name: HandlerName) => string;

export const handlerSourcePath: HandlerEntryResolver = (name) =>
  path.join(PROJECT_ROOT, HANDLER_ENTRIES[name]);
