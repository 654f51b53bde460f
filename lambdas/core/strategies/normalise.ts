/**
 * Shared normalisation of raw model answers into the result contract (DESIGN §5). Every function here is
 * total: it accepts anything a model may return and never throws; the caller validates the outcome.
 */
import type { Library } from '../schemas/library';
import type { TaskType } from '../task';
import { normaliseDate } from './dates';

export type Scalar = string | number | boolean;
export type RelatedRef = { type: 'doc' | 'form'; resource_id: string };

export const MAX_TITLE_WORDS = 5;
export const MIN_TITLE_WORDS = 3;
export const MAX_TAGS = 4;
export const MAX_SENTENCES = 3;
export const MAX_RELATED = 5;
/** Deeper nesting than this is kept as a JSON string rather than flattened further. */
const MAX_FLATTEN_DEPTH = 6;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whitespace collapsed and trimmed; numbers and booleans as text; anything else empty. */
export function cleanText(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return '';
}

/** Models sometimes write JSON's null as text; such a value is as empty as a missing one. */
function isEmptyText(text: string): boolean {
  return text === '' || text === 'null' || text === 'undefined';
}

/** A kv leaf: trimmed string (dates rewritten), finite number or boolean; undefined when empty. */
export function scalarValue(value: unknown): Scalar | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const text = cleanText(value);
    return isEmptyText(text) ? undefined : normaliseDate(text);
  }
  return undefined;
}

/** Any value as a non-empty string for a filled field, or undefined. */
export function stringValue(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') {
    const json = JSON.stringify(value);
    return json === '{}' || json === '[]' ? undefined : json;
  }
  const scalar = scalarValue(value);
  return scalar === undefined ? undefined : String(scalar);
}

/** A list a model wrote as `[{ "key": "Total", "value": 5 }]` instead of an object. */
function pairsToRecord(list: unknown[]): Record<string, unknown> | undefined {
  const entries: [string, unknown][] = [];
  for (const item of list) {
    if (!isRecord(item)) return undefined;
    const key = cleanText(item.key ?? item.name ?? item.label);
    if (!key || !('value' in item)) return undefined;
    entries.push([key, item.value]);
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * Flattens a nested `kv` into `a.b` keys, list items `a.1`, `a.2` (1-based). Empty values are dropped and
 * reported through `onEmpty` (a form turns them into blank fields); the first of two equal keys wins.
 */
export function flattenKeyValues(raw: unknown, onEmpty?: (key: string) => void): Record<string, Scalar> {
  // A Map, then own properties: keys like `constructor` or `__proto__` are data, not Object.prototype's.
  const flat = new Map<string, Scalar>();
  const visit = (value: unknown, key: string, depth: number): void => {
    if (Array.isArray(value) || isRecord(value)) {
      const entries: [string, unknown][] = Array.isArray(value)
        ? value.map((item, index) => [String(index + 1), item])
        : Object.entries(value);
      if (depth >= MAX_FLATTEN_DEPTH) {
        if (entries.length > 0 && key && !flat.has(key)) flat.set(key, JSON.stringify(value));
        return;
      }
      for (const [childKey, child] of entries) {
        const name = cleanText(childKey);
        if (!name) continue;
        visit(child, key ? `${key}.${name}` : name, depth + 1);
      }
      return;
    }
    if (!key) return;
    const scalar = scalarValue(value);
    if (scalar === undefined) {
      onEmpty?.(key);
      return;
    }
    if (!flat.has(key)) flat.set(key, scalar);
  };
  const root = Array.isArray(raw) ? (pairsToRecord(raw) ?? raw) : raw;
  if (Array.isArray(root) || isRecord(root)) visit(root, '', 0);
  return Object.fromEntries(flat);
}

/** A list of strings from an array, a comma-separated string, or items with a `name`. */
export function textList(raw: unknown): string[] {
  const items = typeof raw === 'string' ? raw.split(/[,;\n]/) : Array.isArray(raw) ? raw : [];
  return items
    .map((item) => cleanText(isRecord(item) ? (item.name ?? item.label ?? item.value) : item))
    .filter((text) => text.length > 0);
}

/** Case-insensitive identity of a label or tag. */
export function labelKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function dedupe(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  return texts.filter((text) => {
    const key = labelKey(text);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The fallback tag when a model gives none: what kind of task it was. */
export function typeTag(type: TaskType): string {
  return type === 'form' ? 'form' : 'document';
}

/** Tags trimmed, deduplicated (case-insensitively, first spelling kept), at most 4, at least the type tag. */
export function normaliseTags(raw: unknown, type: TaskType): string[] {
  const tags = dedupe(textList(raw)).slice(0, MAX_TAGS);
  return tags.length > 0 ? tags : [typeTag(type)];
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function titleWords(raw: unknown): string[] {
  return cleanText(raw)
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
    .split(' ')
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[.,;:!?]+$/gu, ''))
    .filter((word) => word.length > 0);
}

/**
 * Title of 3–5 words: trimmed and clamped to 5 words; a shorter one is padded with the kind of item
 * ("Document"/"Form", "Scanned", "Untitled"); an empty one is built from the tags.
 */
export function normaliseTitle(raw: unknown, tags: readonly string[], type: TaskType): string {
  let words = titleWords(raw).slice(0, MAX_TITLE_WORDS);
  if (words.length === 0) words = titleWords(tags.map(capitalise).join(' ')).slice(0, MAX_TITLE_WORDS - 1);
  const has = (word: string) => words.some((w) => w.toLowerCase() === word.toLowerCase());
  const noun = capitalise(typeTag(type));
  if (words.length < MIN_TITLE_WORDS && !has(noun)) words = [...words, noun];
  for (const pad of ['Scanned', 'Untitled']) {
    if (words.length < MIN_TITLE_WORDS && !has(pad)) words = [pad, ...words];
  }
  return words.join(' ');
}

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'no',
  'inc',
  'ltd',
  'co',
  'vs',
  'etc',
  'e.g',
  'i.e',
]);

/** Sentences of a text; a period after a known abbreviation or an initial does not end one. */
export function sentences(text: string): string[] {
  const result: string[] = [];
  let start = 0;
  const boundary = /[.!?]+["')\]]*\s+(?=["'(\p{Lu}\p{N}])/gu;
  for (const match of text.matchAll(boundary)) {
    const end = match.index + match[0].length;
    const lastWord = text.slice(start, match.index).split(' ').pop()?.toLowerCase() ?? '';
    if (match[0].startsWith('.') && (ABBREVIATIONS.has(lastWord) || /^\p{L}$/u.test(lastWord))) continue;
    result.push(text.slice(start, end).trim());
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) result.push(rest);
  return result;
}

/** Description of 1–3 sentences: extra sentences dropped, a final full stop added; empty → the fallback. */
export function normaliseDescription(raw: unknown, fallback: string): string {
  const text = cleanText(raw) || fallback;
  const kept = sentences(text).slice(0, MAX_SENTENCES).join(' ');
  return /[.!?]["')\]]*$/.test(kept) ? kept : `${kept}.`;
}

/**
 * The library item an id names, with its type taken from the list it is in (docs → doc, forms → form).
 * When the id is in both lists the claimed type decides. Unknown ids → undefined.
 */
export function resolveLibraryRef(
  library: Library,
  id: unknown,
  claimedType?: unknown,
): RelatedRef | undefined {
  const resourceId = cleanText(id);
  if (!resourceId) return undefined;
  const inDocs = library.docs.some((item) => String(item.id) === resourceId);
  const inForms = library.forms.some((item) => String(item.id) === resourceId);
  if (inDocs && inForms) return { type: claimedType === 'form' ? 'form' : 'doc', resource_id: resourceId };
  if (inDocs) return { type: 'doc', resource_id: resourceId };
  if (inForms) return { type: 'form', resource_id: resourceId };
  return undefined;
}

/** A reference written as an id, or as an object with `resource_id` / `id` and maybe `type`. */
export function readReference(library: Library, raw: unknown): RelatedRef | undefined {
  if (isRecord(raw)) return resolveLibraryRef(library, raw.resource_id ?? raw.id, raw.type);
  return resolveLibraryRef(library, raw);
}

/** Related items: only ids in the library (typed by the list they are in), deduplicated, at most 5. */
export function normaliseRelated(raw: unknown, library: Library): RelatedRef[] {
  const related: RelatedRef[] = [];
  for (const item of Array.isArray(raw) ? raw : []) {
    const ref = readReference(library, item);
    if (!ref) continue;
    if (related.some((r) => r.type === ref.type && r.resource_id === ref.resource_id)) continue;
    related.push(ref);
    if (related.length === MAX_RELATED) break;
  }
  return related;
}
