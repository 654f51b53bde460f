import { jwtVerify, SignJWT } from 'jose';

/** Issuer and audience of local tokens; a token from elsewhere is refused like the real authorizer would. */
export const LOCAL_TOKEN_ISSUER = 'docusnap-local';
export const LOCAL_TOKEN_AUDIENCE = 'docusnap';
const DEFAULT_TTL_SECONDS = 30 * 24 * 3600;

export async function issueLocalToken(
  secret: Uint8Array,
  user: string,
  ttlSeconds: number = DEFAULT_TTL_SECONDS,
): Promise<string> {
  if (!user) throw new Error('a token needs a user id');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: 'access' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user)
    .setIssuer(LOCAL_TOKEN_ISSUER)
    .setAudience(LOCAL_TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secret);
}

/**
 * The claims of a valid token, or undefined for anything the API Gateway JWT authorizer would refuse:
 * a bad signature, another algorithm (`none` included), expired, wrong issuer or audience, no `sub`.
 */
export async function verifyLocalToken(
  secret: Uint8Array,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      issuer: LOCAL_TOKEN_ISSUER,
      audience: LOCAL_TOKEN_AUDIENCE,
    });
    return typeof payload.sub === 'string' && payload.sub.length > 0 ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** The token of an `Authorization: Bearer <token>` header value. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
