/**
 * The offline `rules` model (DESIGN §7): a deterministic extractor that fills the same tool inputs as a
 * real model, from the OCR text and the library alone. It ignores the prompt and reads `request.context`;
 * its answers go through the same normalisation and validation as any model's.
 */
import type { LlmClient, LlmRequest, LlmResponse, StrategyContext } from '../../core/ports';
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
  stringValue,
} from '../../core/strategies/normalise';
import { WRAPPED_RESULT_KEY } from '../../core/strategies/tool-schema';
import { IDENTITY_TAGS, keywordTags } from './document-keywords';
import { FIELD_MATCH_THRESHOLD, fieldNameSimilarity, identityFieldName } from './field-names';
import {
  headingLine,
  headingLinesAfter,
  isHeadingLike,
  type LabelledValue,
  ocrLines,
  readLayout,
} from './text-lines';

export class RulesLlm implements LlmClient {
  readonly model = 'rules';

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const { context } = request;
    const output =
      context.type === 'form_filling'
        ? { [WRAPPED_RESULT_KEY]: fillForm(context) }
        : context.type === 'form'
          ? readForm(context)
          : readDocument(context);
    return { output, inputTokens: 0, outputTokens: 0 };
  }
}

// ── document and form ────────────────────────────────────────────────────────

const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to']);

function words(line: string): string[] {
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
function titleFrom(lines: string[], heading: string | undefined, pairs: LabelledValue[]): string {
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
function keyValues(pairs: LabelledValue[], identity: boolean): Record<string, string> {
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
function relatedItems(library: Library, text: string): RelatedRef[] {
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

function listed(texts: string[]): string {
  const shown = texts.slice(0, 3).map((text) => text.replace(/\./g, ''));
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
}

function kindSentence(noun: string, tags: string[], title: string): string {
  if (tags.length === 0) return `This ${noun} is titled ${title || 'without a heading'}.`;
  const [first, ...rest] = tags;
  const article = /^[aeiou]/i.test(first) ? 'an' : 'a';
  const also = rest.length > 0 ? `, also about ${listed(rest)}` : '';
  return `This ${noun} appears to be ${article} ${first}${also}.`;
}

interface Reading {
  lines: string[];
  heading: string | undefined;
  title: string;
  tags: string[];
  pairs: LabelledValue[];
  blanks: string[];
}

function read(context: StrategyContext): Reading {
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

function readDocument(context: StrategyContext) {
  const reading = read(context);
  const identity = reading.tags.some((tag) => IDENTITY_TAGS.has(tag));
  const kv = keyValues(reading.pairs, identity);
  const keys = Object.keys(kv);
  const facts = keys.length > 0 ? ` It lists ${keys.length} labelled values, including ${listed(keys)}.` : '';
  return {
    title: reading.title,
    tags: reading.tags.length > 0 ? reading.tags : ['document'],
    description: `${kindSentence('document', reading.tags, reading.title)}${facts}`,
    kv,
    related: relatedItems(context.library, context.ocrText),
  };
}

function readForm(context: StrategyContext) {
  const reading = read(context);
  const formType = words(reading.heading ?? '').join(' ');
  const kv = { 'Form Type': formType, ...keyValues(reading.pairs, false) };
  const blanks =
    reading.blanks.length > 0
      ? ` It has ${reading.blanks.length} blank fields to fill in, including ${listed(reading.blanks)}.`
      : ' It has no blank fields left.';
  return {
    title: reading.title,
    tags: reading.tags.length > 0 ? reading.tags : ['form'],
    description: `${kindSentence('form', reading.tags, reading.title)}${blanks}`,
    kv,
    fields: reading.blanks,
    related: relatedItems(context.library, context.ocrText),
  };
}

// ── form filling ─────────────────────────────────────────────────────────────

interface Candidate {
  /** Names the value goes by: its key, and its key qualified by a word of the item's name or tags. */
  names: string[];
  value: string;
  source: RelatedRef;
}

/** Words that say what an item is ("Passport", "Licence"), so "Passport Number" finds its "Document Number". */
function qualifiers(item: LibraryItem): string[] {
  const text = [item.name, ...(item.tags ?? [])].map(cleanText).join(' ');
  return [...new Set(text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3))];
}

function candidatesOf(item: LibraryItem, type: 'doc' | 'form'): Candidate[] {
  const filled = new Map<string, unknown>();
  for (const field of item.formFields ?? []) {
    if (isRecord(field)) filled.set(field.name, field.value);
  }
  const info = { ...Object.fromEntries(filled), ...(isRecord(item.extractedInfo) ? item.extractedInfo : {}) };
  const qualifying = qualifiers(item);
  return Object.entries(flattenKeyValues(info)).flatMap(([key, raw]) => {
    const value = stringValue(raw);
    if (value === undefined) return [];
    const names = [key, ...qualifying.map((word) => `${word} ${key}`)];
    return [{ names, value, source: { type, resource_id: String(item.id) } }];
  });
}

/** Each field's best match among the library's values at or above the threshold; others are left out. */
function fillForm(context: StrategyContext): Record<string, { value: string; source: RelatedRef }> {
  const candidates = [
    ...context.library.docs.flatMap((item) => candidatesOf(item, 'doc')),
    ...context.library.forms.flatMap((item) => candidatesOf(item, 'form')),
  ];
  const filled = new Map<string, { value: string; source: RelatedRef }>();
  for (const field of context.fields ?? []) {
    let best: { candidate: Candidate; score: number } | undefined;
    for (const candidate of candidates) {
      const score = Math.max(...candidate.names.map((name) => fieldNameSimilarity(field, name)));
      // Strictly better only: on a tie the earlier item (documents before forms) is the source.
      if (score >= FIELD_MATCH_THRESHOLD && score > (best?.score ?? 0)) best = { candidate, score };
    }
    if (best) filled.set(field, { value: best.candidate.value, source: best.candidate.source });
  }
  return Object.fromEntries(filled);
}
