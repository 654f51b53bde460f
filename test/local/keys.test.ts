import { constants, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { issueLocalToken, verifyLocalToken } from '../../local/auth';
import { ensureLocalKeys } from '../../local/keys';

describe('local keys', () => {
  const homes: string[] = [];
  const newHome = async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'docusnap-keys-'));
    homes.push(home);
    return home;
  };
  afterAll(async () => {
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  it('creates an RSA-2048 compat key pair and a 32-byte master key, secrets readable by the owner only', async () => {
    const home = await newHome();
    const keys = await ensureLocalKeys(home);

    expect(keys.compatPublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await readFile(path.join(home, 'keys', 'public.pem'), 'utf8')).toBe(keys.compatPublicKeyPem);
    expect((await readFile(keys.masterKeyFile)).length).toBe(32);
    for (const file of [
      keys.compatPrivateKeyFile,
      keys.masterKeyFile,
      path.join(home, 'keys', 'token.key'),
    ]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }

    // The app encrypts its AES key with RSA-OAEP SHA-256 under the public key (DESIGN §4).
    const aesKey = randomBytes(32);
    const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    const wrapped = publicEncrypt({ key: keys.compatPublicKeyPem, ...oaep }, aesKey);
    const privatePem = await readFile(keys.compatPrivateKeyFile, 'utf8');
    expect(privateDecrypt({ key: privatePem, ...oaep }, wrapped)).toEqual(aesKey);
  });

  it('keeps the same keys across restarts, so earlier tokens stay valid', async () => {
    const home = await newHome();
    const first = await ensureLocalKeys(home);
    const token = await issueLocalToken(first.tokenSecret, 'bob');
    const second = await ensureLocalKeys(home);

    expect(second.compatPublicKeyPem).toBe(first.compatPublicKeyPem);
    expect((await verifyLocalToken(second.tokenSecret, token))?.sub).toBe('bob');
    const other = await ensureLocalKeys(await newHome());
    expect(await verifyLocalToken(other.tokenSecret, token)).toBeUndefined();
  });
});
