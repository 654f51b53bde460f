/**
 * Strict standard base64 (RFC 4648 §4: `A-Z a-z 0-9 + /`, at most two `=` at the end, a multiple of 4
 * characters). Buffer.from alone silently skips garbage; a regular expression over the string costs ~12 ns
 * a character (14 ms for a 0.9 MB image), so the check is the decoder's own: Node's base64 decoder skips
 * or stops at anything outside its alphabet, so the decoded length falls short of what the text announces.
 * What it would accept beyond the standard alphabet is refused first: the URL-safe `-` and `_`, and
 * characters past ASCII (whose low byte it would read as a base64 character).
 */
export function decodeStrictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  if (Buffer.byteLength(text, 'utf8') !== text.length) return undefined;
  if (text.includes('-') || text.includes('_')) return undefined;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === decodedLength(text) ? decoded : undefined;
}

/** The byte length a base64 text of a multiple of 4 characters announces: 3 per 4, less its padding. */
export function decodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

// The whitespace `\s` matches in ASCII; searching for each is far cheaper than one `\s` scan.
const ASCII_WHITESPACE = [' ', '\n', '\r', '\t', '\v', '\f'];

/**
 * Drops whitespace and line breaks (encoders wrap lines). Text without any is returned as it is, found
 * by a few `includes` rather than a `\s` scan; text with non-ASCII characters takes the full scan, as
 * `\s` also matches some of those.
 */
export function withoutWhitespace(text: string): string {
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  if (ascii && !ASCII_WHITESPACE.some((space) => text.includes(space))) return text;
  return text.replace(/\s+/g, '');
}
