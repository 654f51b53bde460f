import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { COMPAT_CLIENT_KEY_PURPOSE, type KeyWrapper } from '../core/ports';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** KeyWrapper for the local runtime: AES-256-GCM under a 32-byte master key kept in a file. */
export class LocalKeyWrapper implements KeyWrapper {
  private readonly masterKey: Buffer;
  // Binds a wrapped key to its purpose, so a blob wrapped for something else never unwraps here.
  private readonly aad: Buffer;

  constructor(masterKey: Uint8Array, purpose: string = COMPAT_CLIENT_KEY_PURPOSE) {
    this.aad = Buffer.from(purpose);
    if (masterKey.byteLength !== 32)
      throw new Error(`the master key has ${masterKey.byteLength} bytes, not 32`);
    this.masterKey = Buffer.from(masterKey);
  }

  static async fromFile(path: string, purpose?: string): Promise<LocalKeyWrapper> {
    return new LocalKeyWrapper(await readFile(path), purpose);
  }

  async wrap(plaintext: Uint8Array): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv).setAAD(this.aad);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  async unwrap(wrapped: string): Promise<Uint8Array> {
    const [version, body] = wrapped.split(':');
    if (version !== VERSION || body === undefined) throw new Error('not a key wrapped by LocalKeyWrapper');
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('the wrapped key is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, bytes.subarray(0, IV_BYTES)).setAAD(
      this.aad,
    );
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return new Uint8Array(
      Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]),
    );
  }
}
