import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

let publicKeyPem: string | undefined;

/**
 * Route `compatPublicKey`: the RSA public key (SPKI PEM) to paste into the app's Settings. It comes from
 * DOCUSNAP_COMPAT_PUBLIC_KEY, read on first use; this handler never touches the private key.
 */
export async function handler(): Promise<APIGatewayProxyStructuredResultV2> {
  publicKeyPem ??= process.env.DOCUSNAP_COMPAT_PUBLIC_KEY?.trim() || undefined;
  if (!publicKeyPem) {
    return {
      statusCode: 503,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'error', error_detail: 'PUBLIC_KEY_NOT_CONFIGURED' }),
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' },
    body: `${publicKeyPem}\n`,
  };
}
