import { LOCAL_ROUTES } from '../../lambdas/handlers/route-table';
import type { ConsoleAuth } from './config';

export interface Session {
  token: string;
  /** Who is signed in, as shown in the header. */
  user: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Sign-in against the local runtime: it issues a token for `dev` to a page it serves itself. */
export async function localSession(): Promise<Session> {
  const response = await fetch(LOCAL_ROUTES.consoleToken.path, { method: 'POST' });
  if (!response.ok) throw new Error(`The local runtime refused a console token (${response.status}).`);
  const body = (await response.json()) as { token: string; user: string; expiresAt: string };
  return { token: body.token, user: body.user, expiresAt: Date.parse(body.expiresAt) };
}

/** What Cognito wants next: done, a new password (admin-created users), or a TOTP code. */
export type CognitoStep =
  | { done: Session }
  | { challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA'; session: string; username: string };

type CognitoAuth = Extract<ConsoleAuth, { kind: 'cognito' }>;

interface CognitoAnswer {
  AuthenticationResult?: { IdToken: string; ExpiresIn: number };
  ChallengeName?: string;
  Session?: string;
  __type?: string;
  message?: string;
}

/** The id token's claims, for the user's name and expiry only: the API verifies it, not the page. */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

/**
 * Cognito's USER_PASSWORD_AUTH, the flow the deployed app client allows (docs/deploy.md uses it too),
 * over its JSON API: no SDK in the page, no hosted UI.
 */
export class CognitoSignIn {
  constructor(private readonly auth: CognitoAuth) {}

  private async call(target: string, body: unknown): Promise<CognitoAnswer> {
    const response = await fetch(`https://cognito-idp.${this.auth.region}.amazonaws.com/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => ({}))) as CognitoAnswer;
    if (!response.ok) {
      // Cognito's own message ("Incorrect username or password.") is meant for users.
      throw new Error(answer.message ?? `Sign-in failed (${response.status}).`);
    }
    return answer;
  }

  private step(answer: CognitoAnswer, username: string): CognitoStep {
    const result = answer.AuthenticationResult;
    if (result) {
      const claims = claimsOf(result.IdToken);
      const user = String(claims.email ?? claims['cognito:username'] ?? username);
      return { done: { token: result.IdToken, user, expiresAt: Date.now() + result.ExpiresIn * 1000 } };
    }
    const challenge = answer.ChallengeName;
    if ((challenge === 'NEW_PASSWORD_REQUIRED' || challenge === 'SOFTWARE_TOKEN_MFA') && answer.Session) {
      return { challenge, session: answer.Session, username };
    }
    throw new Error(`Sign-in needs a step this page does not support (${challenge ?? 'none'}).`);
  }

  async signIn(username: string, password: string): Promise<CognitoStep> {
    const answer = await this.call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: this.auth.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this.step(answer, username);
  }

  async answer(step: Extract<CognitoStep, { challenge: string }>, response: string): Promise<CognitoStep> {
    const key = step.challenge === 'NEW_PASSWORD_REQUIRED' ? 'NEW_PASSWORD' : 'SOFTWARE_TOKEN_MFA_CODE';
    const answer = await this.call('RespondToAuthChallenge', {
      ChallengeName: step.challenge,
      ClientId: this.auth.clientId,
      Session: step.session,
      ChallengeResponses: { USERNAME: step.username, [key]: response },
    });
    return this.step(answer, step.username);
  }
}

const STORAGE_KEY = 'docusnap.session';

/** Kept for the tab only (sessionStorage), and dropped a minute before it expires. */
export function storedSession(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return session && session.expiresAt - 60_000 > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}
