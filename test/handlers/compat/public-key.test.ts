import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rsaKeyPair } from '../../core/compat/support/compat-harness';
import { publicKeyFromSettings } from '../../support/android-client';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('GET /public-key', () => {
  it('serves the configured SPKI PEM, which the app’s Settings parse into the server’s public key', async () => {
    const keys = rsaKeyPair();
    vi.stubEnv('DOCUSNAP_COMPAT_PUBLIC_KEY', keys.publicKeyPem);
    const { handler } = await import('../../../lambdas/handlers/compat/public-key');
    const response = await handler();
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const pasted = publicKeyFromSettings(response.body ?? '');
    const wrapped = publicEncrypt(
      { key: pasted, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from('k'),
    );
    const unwrapped = privateDecrypt(
      { key: keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      wrapped,
    );
    expect(unwrapped.toString()).toBe('k');
  });

  it('says so when no public key is configured', async () => {
    vi.stubEnv('DOCUSNAP_COMPAT_PUBLIC_KEY', '');
    const { handler } = await import('../../../lambdas/handlers/compat/public-key');
    const response = await handler();
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '')).toEqual({
      status: 'error',
      error_detail: 'PUBLIC_KEY_NOT_CONFIGURED',
    });
  });
});
