import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyWrapper } from '../core/ports';
import { CLIENT_KEY_ENCRYPTION_CONTEXT } from '../core/shared-facts';
import { rethrowAwsError } from './aws-errors';

// KMS checks it on Decrypt, so a ciphertext made for another purpose cannot be unwrapped as a client key;
// the IAM grants require it too (lib/grants.ts).
const ENCRYPTION_CONTEXT = { ...CLIENT_KEY_ENCRYPTION_CONTEXT };

/** KeyWrapper on AWS: a compat client's AES key is stored only as a KMS ciphertext. */
export class KmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async wrap(plaintext: Uint8Array): Promise<string> {
    try {
      const { CiphertextBlob } = await this.kms.send(
        new EncryptCommand({
          KeyId: this.keyId,
          Plaintext: plaintext,
          EncryptionContext: ENCRYPTION_CONTEXT,
        }),
      );
      if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
      return Buffer.from(CiphertextBlob).toString('base64');
    } catch (error) {
      rethrowAwsError('KMS', error);
    }
  }

  async unwrap(wrapped: string): Promise<Uint8Array> {
    try {
      const { Plaintext } = await this.kms.send(
        new DecryptCommand({
          KeyId: this.keyId,
          CiphertextBlob: Buffer.from(wrapped, 'base64'),
          EncryptionContext: ENCRYPTION_CONTEXT,
        }),
      );
      if (!Plaintext) throw new Error('KMS returned no plaintext');
      return Plaintext;
    } catch (error) {
      rethrowAwsError('KMS', error);
    }
  }
}
