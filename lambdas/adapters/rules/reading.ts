/** What the document and form readers share: the page read into heading, title, tags and labelled values. */
import type { StrategyContext } from '../../core/ports';
import type { Library, LibraryItem } from '../../core/schemas/library';
import { normaliseDate } from '../../core/strategies/dates';
import {
  cleanText,
  flattenKeyValues,
  isRecord,
  MAX_RELATED,
  MAX_TAGS,
  MAX_TITLE_WORDS,
  MIN_TITLE_WORDS,
  type RelatedRef,
} from '../../core/strategies/normalise';
import { keywordTags } from './document-keywords';
import { identityFieldName } from './field-names';
import {
  headingLine,
  headingLinesAfter,
  isHeadingLike,
  type LabelledValue,
  ocrLines,
  readLayout,
} from './text-lines';

const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

export function words(line: string): string[] {
  // An all-capitals line (a typical heading) is written in title case.
  const shouting = !/\p{Ll}/u.test(line);
  return line
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((word) => word.length > 0)
    .map((word, index) => {
      if (!shouting) return word;
      const lower = word.toLowerCase();
      return index > 0 && MINOR_WORDS.has(lower) ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    });
}

/**
 * 3–5 words of the heading; a shorter one is padded with words of the next heading-like lines, then of
 * name-like values ("Identity Card" + "John Smith").
 */
export function titleFrom(lines: string[], heading: string | undefined, pairs: LabelledValue[]): string {
  const title = words(heading ?? '').slice(0, MAX_TITLE_WORDS);
  const namelike = pairs.map((pair) => pair.value).filter(isHeadingLike);
  for (const line of [...headingLinesAfter(lines, heading), ...namelike]) {
    if (title.length >= MIN_TITLE_WORDS) break;
    // A padding line is taken whole where it fits, so a name is not cut in half.
    for (const word of words(line)) {
      if (title.length >= MAX_TITLE_WORDS) break;
      if (!title.some((w) => w.toLowerCase() === word.toLowerCase())) title.push(word);
    }
  }
  return title.join(' ');
}

/** `kv` from labelled values: first label wins, dates normalised, identity labels made canonical. */
export function keyValues(pairs: LabelledValue[], identity: boolean): Record<string, string> {
  // A Map, then own properties: a label such as `constructor` is kept like any other.
  const found = new Map<string, string>();
  for (const { label, value } of pairs) {
    const key = (identity ? identityFieldName(label) : undefined) ?? label;
    if (!found.has(key)) found.set(key, normaliseDate(value));
  }
  const kv = Object.fromEntries(found);
  if (identity) addFullName(kv);
  return kv;
}

/** Identity documents print surname and given names apart; the canonical "Full Name" joins them. */
function addFullName(kv: Record<string, string>): void {
  if (kv['Full Name']) return;
  const find = (pattern: RegExp) => Object.entries(kv).find(([key]) => pattern.test(key))?.[1];
  const surname = find(/^(surname|last name|family name)\b/i);
  const given = find(/^(given names?|first names?|forenames?)\b/i);
  if (surname && given) kv['Full Name'] = `${given} ${surname}`;
}

function squash(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Shorter values ("Paid", "Yes") say nothing about which item a document belongs with. */
const MIN_CLUE_CHARS = 5;

/** What of a library item could appear in a document about the same thing: its name and its values. */
function clues(item: LibraryItem): string[] {
  const values = Object.values(flattenKeyValues(isRecord(item.extractedInfo) ? item.extractedInfo : {}));
  return [item.name, ...values]
    .map((clue) => squash(cleanText(clue)))
    .filter((clue) => clue.length >= MIN_CLUE_CHARS);
}

/** Library items whose name or extracted values appear in the text, most clues first. */
export function relatedItems(library: Library, text: string): RelatedRef[] {
  const haystack = squash(text);
  const items = [
    ...library.docs.map((item) => ({ item, type: 'doc' as const })),
    ...library.forms.map((item) => ({ item, type: 'form' as const })),
  ];
  return items
    .map(({ item, type }) => ({
      ref: { type, resource_id: String(item.id) },
      score: clues(item).filter((clue) =>
        new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(clue)}($|[^\\p{L}\\p{N}])`, 'u').test(haystack),
      ).length,
    }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_RELATED)
    .map(({ ref }) => ref);
}

export function listed(texts: string[]): string {
  const shown = texts.slice(0, 3).map((text) => text.replace(/\./g, ''));
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
}

export function kindSentence(noun: string, tags: string[], title: string): string {
  if (tags.length === 0) return `This ${noun} is titled ${title || 'without a heading'}.`;
  const [first, ...rest] = tags;
  const article = /^[aeiou]/i.test(first) ? 'an' : 'a';
  const also = rest.length > 0 ? `, also about ${listed(rest)}` : '';
  return `This ${noun} appears to be ${article} ${first}${also}.`;
}

export interface Reading {
  lines: string[];
  heading: string | undefined;
  title: string;
  tags: string[];
  pairs: LabelledValue[];
  blanks: string[];
}

export function read(context: StrategyContext): Reading {
  const lines = ocrLines(context.ocrText);
  const heading = headingLine(lines);
  const { pairs, blanks } = readLayout(lines);
  return {
    lines,
    heading,
    title: titleFrom(lines, heading, pairs),
    tags: keywordTags(context.ocrText).slice(0, MAX_TAGS),
    pairs,
    blanks,
  };
}
