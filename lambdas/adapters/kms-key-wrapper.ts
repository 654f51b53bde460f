import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { COMPAT_CLIENT_KEY_PURPOSE, type KeyWrapper } from '../core/ports';
import { rethrowAwsError } from './aws-errors';

/** KeyWrapper on AWS: a compat client's AES key (or a webhook secret) is stored only as a KMS ciphertext. */
export class KmsKeyWrapper implements KeyWrapper {
  // KMS checks it on Decrypt, so a ciphertext made for another purpose cannot be unwrapped as this one.
  private readonly context: Record<string, string>;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    purpose: string = COMPAT_CLIENT_KEY_PURPOSE,
  ) {
    this.context = { purpose };
  }

  async wrap(plaintext: Uint8Array): Promise<string> {
    try {
      const { CiphertextBlob } = await this.kms.send(
        new EncryptCommand({
          KeyId: this.keyId,
          Plaintext: plaintext,
          EncryptionContext: this.context,
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
          EncryptionContext: this.context,
        }),
      );
      if (!Plaintext) throw new Error('KMS returned no plaintext');
      return Plaintext;
    } catch (error) {
      rethrowAwsError('KMS', error);
    }
  }
}
