/**
 * The console's small config file (`config.json`, served beside the page): where the API is and how to
 * sign in. The local runtime answers it itself; a deployment writes it next to the page at deploy time,
 * so one build of the page serves every stage.
 */
export const CONFIG_FILE = 'config.json';
/** Who the local runtime signs the console in as (its token route: LOCAL_ROUTES.consoleToken). */

export const LOCAL_CONSOLE_USER = 'dev';

export type ConsoleAuth =
  | { kind: 'local' }
  | { kind: 'cognito'; region: string; userPoolId: string; clientId: string };

export interface ConsoleConfig {
  /** Base URL of the API without a trailing slash; empty: the page's own origin (the local runtime). */
  apiUrl: string;
  auth: ConsoleAuth;
}

export class ConfigError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown, name: string) => {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`config: ${name} is missing`);
  return value.trim();
};

export function parseConsoleConfig(value: unknown): ConsoleConfig {
  if (!isRecord(value) || !isRecord(value.auth)) throw new ConfigError('config: not a console config');
  const apiUrl = typeof value.apiUrl === 'string' ? value.apiUrl.trim().replace(/\/+$/, '') : '';
  if (apiUrl && !/^https?:\/\/[^/]+/.test(apiUrl)) throw new ConfigError('config: apiUrl is not a URL');
  const { auth } = value;
  if (auth.kind === 'local') return { apiUrl, auth: { kind: 'local' } };
  if (auth.kind === 'cognito') {
    return {
      apiUrl,
      auth: {
        kind: 'cognito',
        region: text(auth.region, 'auth.region'),
        userPoolId: text(auth.userPoolId, 'auth.userPoolId'),
        clientId: text(auth.clientId, 'auth.clientId'),
      },
    };
  }
  throw new ConfigError('config: auth.kind must be "local" or "cognito"');
}
