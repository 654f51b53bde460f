/**
 * Whom a library's items are about. A user's library holds their own documents, and sometimes another
 * person's (a colleague's ID card, a spouse's passport): a form is filled from the user's items only.
 */
import type { Library, LibraryItem } from '../schemas/library';
import { type CanonicalFieldName, canonicalFieldName, derivedValues } from './field-names';
import { itemValues } from './library-summary';

/** Keys that name the person an item is about (not an employer, a contact, a doctor). */
const PERSON_FIELDS = new Set<CanonicalFieldName>(['Full Name', 'Account Holder Name', 'Policyholder Name']);
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir']);

function personWords(name: string): string[] {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((word) => word.length > 0 && !HONORIFICS.has(word));
  return [...new Set(words)].sort();
}

/** The person an item names first among its person keys (a name joined from first and last counts). */
function personOf(item: LibraryItem): string[] | undefined {
  const values = itemValues(item);
  const derived = derivedValues(values).map(({ field, value }) => [field, value] as const);
  for (const [key, value] of [...Object.entries(values), ...derived]) {
    const canonical = canonicalFieldName(key);
    if (canonical === undefined || !PERSON_FIELDS.has(canonical) || typeof value !== 'string') continue;
    const words = personWords(value);
    if (words.length > 0) return words;
  }
  return undefined;
}

/** One name within the other ("Jane Doe" in "Jane Marie Doe"), at least first and last name shared. */
function samePerson(a: readonly string[], b: readonly string[]): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  if (shorter.length < 2 && shorter.length !== longer.length) return false;
  return shorter.every((word) => longer.includes(word));
}

/**
 * Items about someone other than the library's subject: the person named by the most items (at least
 * two, and more than name anyone else). When no one stands out, no item is set aside.
 */
export function otherPeoplesItems(library: Library): Set<LibraryItem> {
  const named = [...library.docs, ...library.forms]
    .map((item) => ({ item, person: personOf(item) }))
    .filter((entry): entry is { item: LibraryItem; person: string[] } => entry.person !== undefined);
  const counts = named.map(({ person }) => named.filter((other) => samePerson(person, other.person)).length);
  const most = Math.max(0, ...counts);
  const subjectIndex = counts.indexOf(most);
  const others = new Set<LibraryItem>();
  if (most < 2) return others;
  const subject = named[subjectIndex].person;
  const rival = Math.max(0, ...counts.filter((_, index) => !samePerson(named[index].person, subject)));
  if (rival >= most) return others;
  for (const { item, person } of named) if (!samePerson(person, subject)) others.add(item);
  return others;
}
