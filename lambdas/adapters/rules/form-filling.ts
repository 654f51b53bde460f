/**
 * The `rules` model's form filling: each field's best match among the values of the library items about
 * the library's own person, of the kind of value the field takes, with the item it came from. Values the
 * canonical table derives (monthly from annual income, a full name from its parts) count as the item's.
 */
import type { StrategyContext } from '../../core/ports';
import type { LibraryItem } from '../../core/schemas/library';
import { derivedValues, fieldType, valueFitsType } from '../../core/strategies/field-names';
import { otherPeoplesItems } from '../../core/strategies/library-people';
import { itemValues } from '../../core/strategies/library-summary';
import { cleanText, type RelatedRef, stringValue } from '../../core/strategies/normalise';
import { FIELD_MATCH_THRESHOLD, fieldNameSimilarity, PARTY_WORDS } from './field-names';

interface Candidate {
  /** Names the value goes by: its key, and its key qualified by a word of the item's name or tags. */
  names: string[];
  value: string;
  source: RelatedRef;
  /** Worked out from other values of the item: a stated value of the same name comes first. */
  derived: boolean;
}

/** A derived value ranks just below a stated one of the same name. */
const DERIVED_FACTOR = 0.99;

/** Words that say what an item is ("Passport", "Licence"), so "Passport Number" finds its "Document Number". */
function qualifiers(item: LibraryItem): string[] {
  const text = [item.name, ...(item.tags ?? [])].map(cleanText).join(' ');
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= 3);
  // A party's word would hand the subject's values to that party (no fill from the wrong party).
  return [...new Set(words.filter((word) => !PARTY_WORDS.has(word.toLowerCase())))];
}

function candidatesOf(item: LibraryItem, type: 'doc' | 'form'): Candidate[] {
  const values = itemValues(item);
  const qualifying = qualifiers(item);
  const source = { type, resource_id: String(item.id) };
  const named = (key: string) => [key, ...qualifying.map((word) => `${word} ${key}`)];
  const stated = Object.entries(values).flatMap(([key, raw]) => {
    const value = stringValue(raw);
    return value === undefined ? [] : [{ names: named(key), value, source, derived: false }];
  });
  const derived = derivedValues(values).map(({ field, value }) => ({
    names: named(field),
    value,
    source,
    derived: true,
  }));
  return [...stated, ...derived];
}

/** Each field's best match at or above the threshold, of the field's type; others are left out. */
export function fillForm(context: StrategyContext): Record<string, { value: string; source: RelatedRef }> {
  const others = otherPeoplesItems(context.library);
  const about = (item: LibraryItem) => !others.has(item);
  const candidates = [
    ...context.library.docs.filter(about).flatMap((item) => candidatesOf(item, 'doc')),
    ...context.library.forms.filter(about).flatMap((item) => candidatesOf(item, 'form')),
  ];
  const filled = new Map<string, { value: string; source: RelatedRef }>();
  for (const field of context.fields ?? []) {
    const type = fieldType(field);
    let best: { candidate: Candidate; score: number } | undefined;
    for (const candidate of candidates) {
      if (!valueFitsType(type, candidate.value)) continue;
      const similarity = Math.max(...candidate.names.map((name) => fieldNameSimilarity(field, name)));
      const score = similarity * (candidate.derived ? DERIVED_FACTOR : 1);
      // Strictly better only: on a tie the earlier item (documents before forms) is the source.
      if (similarity >= FIELD_MATCH_THRESHOLD && score > (best?.score ?? 0)) best = { candidate, score };
    }
    if (!best) continue;
    filled.set(field, { value: best.candidate.value, source: best.candidate.source });
  }
  return Object.fromEntries(filled);
}
