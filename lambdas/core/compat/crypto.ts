import {
  constants,
  createCipheriv,
  createDecipheriv,
  type KeyObject,
  privateDecrypt,
  randomBytes,
} from 'node:crypto';
import { decodeStrictBase64 } from '../base64';
import { sha256Hex } from '../hashing';

/** The Android app's hybrid scheme (DESIGN §4): RSA-OAEP(SHA-256, MGF1-SHA-256) wraps an AES-256-CBC key. */
export const AES_KEY_BYTES = 32;
export const IV_BYTES = 16;
const BLOCK_BYTES = 16;

/** Strict standard base64: the app sends NO_WRAP. */
export const decodeBase64 = decodeStrictBase64;

/**
 * Names a client AES key for the failure counter without storing the key: SHA-256 over a domain prefix
 * and the unwrapped key, so every encoding of one wrapped key (base64 slack bits, RSA leading zeros) is one.
 */
export function clientKeyFingerprint(key: Uint8Array): string {
  return sha256Hex(Buffer.concat([Buffer.from('docusnap/compat-aes-key\0'), key]));
}

/** Unwraps the client's AES key; throws unless it is a valid OAEP block holding exactly 32 bytes. */
export function unwrapClientAesKey(privateKey: KeyObject, wrappedBase64: string): Buffer {
  const wrapped = decodeBase64(wrappedBase64);
  if (!wrapped || wrapped.length === 0) throw new Error('the wrapped key is not base64');
  const key = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    wrapped,
  );
  if (key.length !== AES_KEY_BYTES)
    throw new Error(`the client key has ${key.length} bytes, not ${AES_KEY_BYTES}`);
  return key;
}

/** base64(IV ‖ AES-256-CBC-PKCS7(plaintext)) → plaintext; throws on bad base64, length or padding. */
export function openEnvelope(key: Uint8Array, envelopeBase64: string): Buffer {
  const envelope = decodeBase64(envelopeBase64);
  if (!envelope) throw new Error('the envelope is not base64');
  const ciphertext = envelope.subarray(IV_BYTES);
  if (ciphertext.length === 0 || ciphertext.length % BLOCK_BYTES !== 0) {
    throw new Error('the ciphertext is not a whole number of AES blocks');
  }
  const decipher = createDecipheriv('aes-256-cbc', key, envelope.subarray(0, IV_BYTES));
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** plaintext → base64(fresh IV ‖ AES-256-CBC-PKCS7(plaintext)): what the app decrypts. */
export function sealEnvelope(key: Uint8Array, plaintext: Uint8Array | string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const body = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return Buffer.concat([iv, cipher.update(body), cipher.final()]).toString('base64');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decrypted bytes as text; garbage from a wrong key or a tampered block is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  return strictUtf8.decode(bytes);
}
