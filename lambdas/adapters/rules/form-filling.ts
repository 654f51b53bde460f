/** The `rules` model's form filling: each field's best match among the library's values, with its source. */
import type { StrategyContext } from '../../core/ports';
import type { LibraryItem } from '../../core/schemas/library';
import {
  cleanText,
  flattenKeyValues,
  isRecord,
  type RelatedRef,
  stringValue,
} from '../../core/strategies/normalise';
import { FIELD_MATCH_THRESHOLD, fieldNameSimilarity, PARTY_WORDS } from './field-names';

interface Candidate {
  /** Names the value goes by: its key, and its key qualified by a word of the item's name or tags. */
  names: string[];
  value: string;
  source: RelatedRef;
}

/** Words that say what an item is ("Passport", "Licence"), so "Passport Number" finds its "Document Number". */
function qualifiers(item: LibraryItem): string[] {
  const text = [item.name, ...(item.tags ?? [])].map(cleanText).join(' ');
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3);
  // A party's word would hand the subject's values to that party (no fill from the wrong party).
  return [...new Set(words.filter((word) => !PARTY_WORDS.has(word.toLowerCase())))];
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
export function fillForm(context: StrategyContext): Record<string, { value: string; source: RelatedRef }> {
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
