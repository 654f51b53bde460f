import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Key files of a local backend; all live under `${DOCUSNAP_HOME}/keys`. */
export interface LocalKeys {
  /** HS256 secret that signs and verifies local bearer tokens. */
  tokenSecret: Uint8Array;
  /** Compat protocol RSA-2048 private key (PKCS#8 PEM), mode 0600. */
  compatPrivateKeyFile: string;
  /** The matching SPKI public key PEM the app pastes into its Settings. */
  compatPublicKeyPem: string;
  /** 32-byte master key that wraps compat clients' AES keys, mode 0600. */
  masterKeyFile: string;
}

export function keysDir(home: string): string {
  return path.join(home, 'keys');
}

async function writeSecret(file: string, content: string | Uint8Array): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  // writeFile's mode is masked by the umask; a key must not stay group-readable.
  await chmod(file, 0o600);
}

/** Reads the local keys, creating whichever are missing; reused across restarts so tokens stay valid. */
export async function ensureLocalKeys(home: string): Promise<LocalKeys> {
  const dir = keysDir(home);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  const tokenSecretFile = path.join(dir, 'token.key');
  if (!existsSync(tokenSecretFile)) await writeSecret(tokenSecretFile, randomBytes(32));

  const compatPrivateKeyFile = path.join(dir, 'private.pem');
  const publicKeyFile = path.join(dir, 'public.pem');
  if (!existsSync(compatPrivateKeyFile)) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await writeSecret(compatPrivateKeyFile, privateKey);
    await writeFile(publicKeyFile, publicKey);
  }

  const masterKeyFile = path.join(dir, 'master.key');
  if (!existsSync(masterKeyFile)) await writeSecret(masterKeyFile, randomBytes(32));

  return {
    tokenSecret: new Uint8Array(await readFile(tokenSecretFile)),
    compatPrivateKeyFile,
    compatPublicKeyPem: await readFile(publicKeyFile, 'utf8'),
    masterKeyFile,
  };
}
