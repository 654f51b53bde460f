/**
 * What the Lambda bundles use in place of `@aws-sdk/credential-provider-node` (an esbuild alias, BUNDLING in
 * lib/handler-function.ts): Lambda always hands a function its role's credentials in the environment, which
 * is the first source the default chain tries anyway. The rest of that chain (SSO, ini files, process,
 * web identity, instance metadata, with their nested STS, SSO and sign-in clients) is ~95 KB every bundle
 * would parse on each cold start and never run. Outside Lambda (tests, `npm start`) nothing is aliased.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
