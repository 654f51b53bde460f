/**
 * Deploy-time custom resource (Provider framework onEvent) that creates the compat RSA-2048 key pair: the
 * private PEM (PKCS#8) goes straight into the Secrets Manager secret named by `SecretId`; only the public
 * PEM comes back, as `Data.PublicKeyPem`. The private key is never in the response or a log.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export interface KeyPairResponse {
  PhysicalResourceId: string;
  Data?: { PublicKeyPem: string };
}

let secrets: SecretsManagerClient | undefined;
const client = () => {
  secrets ??= new SecretsManagerClient({});
  return secrets;
};

// The public key rides in the physical id (≈ 420 of its 1,024 characters): an update can hand it back
// without reading the secret, so only the /process handler ever needs read access to it.
const PHYSICAL_ID_PREFIX = 'docusnap-compat-key/v1/';
const physicalIdOf = (publicKeyPem: string) =>
  `${PHYSICAL_ID_PREFIX}${createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }).toString('base64')}`;

function publicKeyFromPhysicalId(physicalId: string): string | undefined {
  if (!physicalId.startsWith(PHYSICAL_ID_PREFIX)) return undefined;
  try {
    const der = Buffer.from(physicalId.slice(PHYSICAL_ID_PREFIX.length), 'base64');
    return createPublicKey({ key: der, format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  } catch {
    return undefined;
  }
}

function secretIdOf(properties: Record<string, unknown> | undefined): string {
  const secretId = properties?.SecretId;
  if (typeof secretId !== 'string' || secretId.length === 0)
    throw new Error('the SecretId property is required');
  return secretId;
}

async function createKeyPair(secretId: string): Promise<KeyPairResponse> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await client().send(new PutSecretValueCommand({ SecretId: secretId, SecretString: privateKey }));
  return { PhysicalResourceId: physicalIdOf(publicKey), Data: { PublicKeyPem: publicKey } };
}

/** An update that keeps the secret keeps the key pair: the apps already hold its public half. */
function currentKeyPair(physicalId: string, secretId: string): Promise<KeyPairResponse> | KeyPairResponse {
  const publicKey = publicKeyFromPhysicalId(physicalId);
  if (!publicKey) return createKeyPair(secretId);
  return { PhysicalResourceId: physicalId, Data: { PublicKeyPem: publicKey } };
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<KeyPairResponse> {
  switch (event.RequestType) {
    case 'Create':
      return createKeyPair(secretIdOf(event.ResourceProperties));
    case 'Update': {
      const secretId = secretIdOf(event.ResourceProperties);
      return secretId === secretIdOf(event.OldResourceProperties)
        ? currentKeyPair(event.PhysicalResourceId, secretId)
        : createKeyPair(secretId);
    }
    case 'Delete':
      // The secret belongs to the stack, which deletes (or retains) it; nothing to undo here.
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
}
