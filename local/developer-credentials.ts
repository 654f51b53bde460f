/**
 * The developer's own AWS credentials and region, for `npm start` with real Textract or Bedrock. Resolved
 * once, before the emulators' environment is applied, with the SDK's own chain (env keys, AWS_PROFILE with
 * SSO / assumed roles / credential_process, web identity, container and instance metadata). That chain is
 * `defaultProvider` here; `fromNodeProviderChain` is the same chain re-exported by a package not installed.
 */
import { defaultProvider as nodeProviderChain } from '@aws-sdk/credential-provider-node';

// Types taken from the chain itself: @smithy/types is not a direct dependency.
type AwsCredentialIdentityProvider = () => ReturnType<ReturnType<typeof nodeProviderChain>>;
type AwsCredentialIdentity = Awaited<ReturnType<AwsCredentialIdentityProvider>>;

export interface DeveloperCredentials {
  credentials: AwsCredentialIdentity;
  /** AWS_REGION when set, else us-east-1: Textract and Bedrock need a real region. */
  region: string;
  /** Variables the handlers must run with, over the caller's environment. */
  env: Record<string, string>;
  /** Variables the handlers must run without. */
  unset: string[];
  /** When temporary credentials stop working (they are not refreshed while the backend runs). */
  expiresAt?: Date;
}

export const DEFAULT_DEVELOPER_REGION = 'us-east-1';

/** Real AWS is used only by these providers; everything else runs offline on the emulators. */
export function usesRealAws(env: Record<string, string | undefined>): boolean {
  return env.DOCUSNAP_OCR === 'textract' || env.DOCUSNAP_LLM === 'bedrock';
}

/** Thrown when no credentials are found; says what to set. */
export class MissingAwsCredentialsError extends Error {
  constructor(providers: string, cause: unknown) {
    super(
      `${providers} needs your AWS credentials, and none were found ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). Set AWS_PROFILE (a profile in ~/.aws/config, ` +
        'after `aws sso login` if it uses SSO) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
        '(and AWS_SESSION_TOKEN for temporary keys), and AWS_REGION (a region offering Textract and your ' +
        'Bedrock model; default us-east-1). Or stay offline with DOCUSNAP_OCR=tesseract DOCUSNAP_LLM=rules.',
      { cause },
    );
    this.name = 'MissingAwsCredentialsError';
  }
}

export async function resolveDeveloperCredentials(
  env: Record<string, string | undefined>,
  provider: AwsCredentialIdentityProvider = nodeProviderChain(),
): Promise<DeveloperCredentials> {
  let credentials: AwsCredentialIdentity;
  try {
    credentials = await provider();
  } catch (error) {
    throw new MissingAwsCredentialsError(chosenProviders(env), error);
  }
  const region = env.AWS_REGION || DEFAULT_DEVELOPER_REGION;
  if (!credentials.expiration) {
    // Long-lived keys: every client resolves these same keys from the developer's own environment.
    return { credentials, region, env: { AWS_REGION: region }, unset: [] };
  }
  // Each client would otherwise resolve its own temporary key (SSO and AssumeRole issue a new one per call),
  // which s3rver would not know: pin the one registered with it, and drop the profile that would shadow it.
  return {
    credentials,
    region,
    env: {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    },
    unset: ['AWS_PROFILE'],
    expiresAt: credentials.expiration,
  };
}

function chosenProviders(env: Record<string, string | undefined>): string {
  const chosen = [
    env.DOCUSNAP_OCR === 'textract' ? 'DOCUSNAP_OCR=textract' : undefined,
    env.DOCUSNAP_LLM === 'bedrock' ? 'DOCUSNAP_LLM=bedrock' : undefined,
  ].filter(Boolean);
  return chosen.join(' with ');
}
