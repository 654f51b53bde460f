import { randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsKeyWrapper } from '../../lambdas/adapters/kms-key-wrapper';
import { DependencyThrottledError } from '../../lambdas/core/errors';

const kms = mockClient(KMSClient);
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234';
const CONTEXT = { purpose: 'docusnap-compat-client-key' };

beforeEach(() => kms.reset());
afterAll(() => kms.restore());

describe('KmsKeyWrapper', () => {
  it('stores only the KMS ciphertext of a client key, bound to its purpose', async () => {
    const clientKey = randomBytes(32);
    const ciphertext = randomBytes(184);
    kms.on(EncryptCommand).resolves({ CiphertextBlob: ciphertext });
    const wrapped = await new KmsKeyWrapper(new KMSClient({}), KEY).wrap(clientKey);

    expect(wrapped).toBe(ciphertext.toString('base64'));
    expect(wrapped).not.toContain(clientKey.toString('base64'));
    const input = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ KeyId: KEY, EncryptionContext: CONTEXT });
    expect(Buffer.from(input?.Plaintext ?? []).equals(clientKey)).toBe(true);
  });

  it('unwraps through KMS Decrypt with the same key and context', async () => {
    const clientKey = randomBytes(32);
    kms.on(DecryptCommand).resolves({ Plaintext: clientKey });
    const ciphertext = randomBytes(184);
    const unwrapped = await new KmsKeyWrapper(new KMSClient({}), KEY).unwrap(ciphertext.toString('base64'));
    expect(Buffer.from(unwrapped).equals(clientKey)).toBe(true);
    const input = kms.commandCalls(DecryptCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ KeyId: KEY, EncryptionContext: CONTEXT });
    expect(Buffer.from(input?.CiphertextBlob ?? []).equals(ciphertext)).toBe(true);
  });

  it('reports KMS throttling as a dependency throttle', async () => {
    kms.on(EncryptCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(new KmsKeyWrapper(new KMSClient({}), KEY).wrap(randomBytes(32))).rejects.toBeInstanceOf(
      DependencyThrottledError,
    );
  });
});

describe('KmsKeyWrapper for webhook secrets', () => {
  it('binds the ciphertext to the webhook-secret purpose on both wrap and unwrap', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: randomBytes(184) });
    kms.on(DecryptCommand).resolves({ Plaintext: randomBytes(32) });
    const wrapper = new KmsKeyWrapper(new KMSClient({}), KEY, 'docusnap-webhook-secret');
    await wrapper.unwrap(await wrapper.wrap(randomBytes(32)));
    const context = { EncryptionContext: { purpose: 'docusnap-webhook-secret' } };
    expect(kms.commandCalls(EncryptCommand)[0]?.args[0].input).toMatchObject(context);
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toMatchObject(context);
  });
});
