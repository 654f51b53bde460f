import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cachedPrivateKey, PrivateKeyUnavailableError } from '../../../lambdas/core/compat/private-key';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('cachedPrivateKey', () => {
  it('fetches and parses the key once per cold start', async () => {
    let loads = 0;
    const privateKey = cachedPrivateKey({
      loadPem: async () => {
        loads += 1;
        return pem;
      },
    });
    const [first, second] = await Promise.all([privateKey(), privateKey()]);
    expect(await privateKey()).toBe(first);
    expect(second).toBe(first);
    expect(first.asymmetricKeyType).toBe('rsa');
    expect(loads).toBe(1);
  });

  it('reports a failed load as the server’s own outage and tries again on the next call', async () => {
    const answers = [
      Promise.reject(new Error('secret unavailable')),
      Promise.resolve('not a pem'),
      Promise.resolve(pem),
    ];
    let loads = 0;
    const privateKey = cachedPrivateKey({ loadPem: () => answers[loads++] ?? Promise.resolve(pem) });
    await expect(privateKey()).rejects.toBeInstanceOf(PrivateKeyUnavailableError);
    await expect(privateKey()).rejects.toBeInstanceOf(PrivateKeyUnavailableError);
    expect((await privateKey()).asymmetricKeyType).toBe('rsa');
    expect(loads).toBe(3);
  });
});
