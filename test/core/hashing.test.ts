import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexMatches } from '../../lambdas/core/hashing';

const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('sha256HexMatches', () => {
  it('matches the SHA-256 of the UTF-8 bytes, for ASCII and for any other text', () => {
    for (const text of ['', 'QUJDRA==', 'Grüße, Łódź ⭁ 🙂', 'a'.repeat(100_000)]) {
      expect(sha256HexMatches(text, hex(Buffer.from(text, 'utf8'))), text.slice(0, 20)).toBe(true);
      expect(sha256HexMatches(text, sha256Hex(`${text}x`))).toBe(false);
    }
  });

  it('does not take the Latin-1 bytes of a text beyond ASCII for its UTF-8 bytes', () => {
    for (const text of ['café', 'Ł', '\u00ff\u00fe']) {
      expect(sha256HexMatches(text, hex(Buffer.from(text, 'latin1')))).toBe(false);
    }
  });
});
