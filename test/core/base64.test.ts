import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeStrictBase64, withoutWhitespace } from '../../lambdas/core/base64';

// The definition the decoder replaces: standard alphabet, at most two `=` at the end, whole quads.
const STRICT = /^[A-Za-z0-9+/]*={0,2}$/;
const byDefinition = (text: string) => text.length % 4 === 0 && STRICT.test(text);

describe('decodeStrictBase64', () => {
  it('decodes standard base64 of every padding length to the original bytes', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 300, 4097, 70_000]) {
      const bytes = randomBytes(length);
      expect(decodeStrictBase64(bytes.toString('base64'))?.equals(bytes)).toBe(true);
    }
  });

  it('refuses what Buffer.from would quietly accept: URL-safe letters, garbage, inner padding, line breaks', () => {
    for (const bad of [
      'QUJD-A==',
      'QUJD_A==',
      'QUJ!RA==',
      'QU=JDRA=',
      'QUJ DRA=',
      'QUJD\nRA=',
      'Q===',
      '====',
    ]) {
      expect(decodeStrictBase64(bad), bad).toBeUndefined();
    }
  });

  it('refuses characters past ASCII, whose low byte Node would read as a base64 letter', () => {
    // U+0141 ends in 0x41 ('A'), U+2B41 too: Buffer.from(text, 'base64') decodes both without complaint.
    for (const bad of ['QUJŁ', 'QU⭁D', 'QUJé', 'QUJ\u00a0'])
      expect(decodeStrictBase64(bad), bad).toBeUndefined();
  });

  it('agrees with the regular-expression definition on random mixtures of valid and invalid characters', () => {
    const alphabet = [
      'Q',
      'U',
      'J',
      'D',
      'b',
      '9',
      '+',
      '/',
      '=',
      '-',
      '_',
      ' ',
      '\n',
      '!',
      'Ł',
      'é',
      '\0',
      '⭁',
    ];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 20_000; n++) {
      const length = 4 * (1 + Math.floor(next() * 3));
      let text = '';
      for (let i = 0; i < length; i++) {
        text +=
          next() < 0.7
            ? ('QUJD'[i % 4] as string)
            : (alphabet[Math.floor(next() * alphabet.length)] as string);
      }
      expect(decodeStrictBase64(text) !== undefined, JSON.stringify(text)).toBe(byDefinition(text));
    }
  });
});

describe('withoutWhitespace', () => {
  it('drops spaces and line breaks, and returns text without any unchanged', () => {
    expect(withoutWhitespace('QUJD\r\nRA==\n')).toBe('QUJDRA==');
    expect(withoutWhitespace('QU JD\tRA==')).toBe('QUJDRA==');
    expect(withoutWhitespace('QUJD\u00a0RA==')).toBe('QUJDRA==');
    expect(withoutWhitespace('QUJDRA==')).toBe('QUJDRA==');
  });
});
