import type { Library, LibraryItem } from '../schemas/library';
import { cleanText, flattenKeyValues, isRecord, type Scalar } from './normalise';

/** Longest string kept from any one library field; the prompt needs the gist, not whole texts. */
const MAX_FIELD_CHARS = 160;
const MAX_INFO_ENTRIES = 40;
const MAX_TAGS = 8;

function clip(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text;
}

function clippedInfo(info: Record<string, Scalar>): Record<string, Scalar> | undefined {
  const entries = Object.entries(info)
    .slice(0, MAX_INFO_ENTRIES)
    .map(([key, value]): [string, Scalar] => [clip(key), typeof value === 'string' ? clip(value) : value]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** Values already filled in a library form (`formFields` entries with a value). */
function filledFormFields(item: LibraryItem): Record<string, unknown> {
  const filled = new Map<string, unknown>();
  for (const field of item.formFields ?? []) {
    if (isRecord(field) && field.value !== undefined && field.value !== null && !filled.has(field.name))
      filled.set(field.name, field.value);
  }
  return Object.fromEntries(filled);
}

/** An item's values by flat key: its filled form fields, then its extracted info (which wins on a clash). */
export function itemValues(item: LibraryItem): Record<string, Scalar> {
  return flattenKeyValues({
    ...filledFormFields(item),
    ...(isRecord(item.extractedInfo) ? item.extractedInfo : {}),
  });
}

function itemLine(item: LibraryItem, type: 'doc' | 'form'): string {
  const name = cleanText(item.name);
  const description = cleanText(item.description);
  const tags = (item.tags ?? []).map(cleanText).filter(Boolean).slice(0, MAX_TAGS).map(clip);
  return JSON.stringify({
    type,
    id: String(item.id),
    name: name ? clip(name) : undefined,
    description: description ? clip(description) : undefined,
    tags: tags.length > 0 ? tags : undefined,
    extractedInfo: clippedInfo(itemValues(item)),
  });
}

/**
 * The library as compact JSON lines (type, id, name, description, tags, extractedInfo), at most
 * `maxChars` long; items past the budget are counted, not shown.
 */
export function summariseLibrary(library: Library, maxChars: number): string {
  const items = [
    ...library.docs.map((item) => itemLine(item, 'doc')),
    ...library.forms.map((item) => itemLine(item, 'form')),
  ];
  if (items.length === 0) return '(empty: the user has no earlier items)';
  const shown: string[] = [];
  let size = 0;
  for (const line of items) {
    if (size + line.length + 1 > maxChars) break;
    shown.push(line);
    size += line.length + 1;
  }
  const omitted = items.length - shown.length;
  if (omitted > 0) shown.push(`(${omitted} more items not shown)`);
  return shown.join('\n');
}
