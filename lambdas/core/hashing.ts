import { createHash } from 'node:crypto';

/** Work left: text to write as is, or a value to write (already through its `toJSON`, if it had one). */
type Pending = { text: string } | { value: unknown };

/** Array indices first, ascending, then the other keys by code unit: the order JavaScript objects keep. */
function canonicalKeys(object: object): string[] {
  const isIndex = (key: string) => /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
  const keys = Object.keys(object);
  const indices = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  const names = keys.filter((key) => !isIndex(key)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...indices, ...names];
}

/** The value JSON.stringify would write for `value` under `key` (a Date's toJSON, for example). */
function written(value: unknown, key: string): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof value === 'object' && value !== null && typeof toJSON === 'function'
    ? toJSON.call(value, key)
    : value;
}

/** What JSON.stringify leaves out of an object and writes as `null` in an array. */
const isUnwritable = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * JSON with object keys sorted, so equal values always serialise (and hash) alike: the text of
 * JSON.stringify with sorted keys, built iteratively, so a value nested thousands of levels deep is
 * hashed instead of overflowing the stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const pending: Pending[] = [{ value: written(value, '') }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const item = next.value;
    if (isUnwritable(item)) out.push('null');
    else if (item === null || typeof item !== 'object') out.push(JSON.stringify(item));
    else {
      // Collected in order, then pushed in reverse: the stack pops the opening bracket first.
      const parts: Pending[] = [];
      if (Array.isArray(item)) {
        parts.push({ text: '[' });
        item.forEach((child, index) => {
          if (index > 0) parts.push({ text: ',' });
          parts.push({ value: written(child, String(index)) });
        });
        parts.push({ text: ']' });
      } else {
        parts.push({ text: '{' });
        let first = true;
        for (const key of canonicalKeys(item)) {
          const child = written((item as Record<string, unknown>)[key], key);
          if (isUnwritable(child)) continue;
          parts.push({ text: `${first ? '' : ','}${JSON.stringify(key)}:` }, { value: child });
          first = false;
        }
        parts.push({ text: '}' });
      }
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i] as Pending);
    }
  }
  return out.join('');
}

/** Lower-case hex SHA-256; a string is hashed as its UTF-8 bytes (how the Android app names a job). */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Whether `text`'s UTF-8 bytes hash to `expectedHex`, as `sha256Hex(text) === expectedHex`. An ASCII text's
 * UTF-8 bytes are its Latin-1 bytes, which Node hashes in well under half the time (no transcoding of a
 * multi-megabyte string); any other text is hashed as UTF-8.
 */
export function sha256HexMatches(text: string, expectedHex: string): boolean {
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  return (
    createHash('sha256')
      .update(text, ascii ? 'latin1' : 'utf8')
      .digest('hex') === expectedHex
  );
}
