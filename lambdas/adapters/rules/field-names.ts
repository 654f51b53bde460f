/**
 * Similarity of field names as people write them ("DOB", "Date of birth", "Birth date"): case,
 * punctuation and word order do not matter, and a few common synonyms mean the same thing.
 */
import { distance } from 'fastest-levenshtein';
import { plainWords } from '../../core/layout';
import {
  CANONICAL_FIELDS,
  canonicalFieldName,
  IDENTITY_FIELD_NAMES,
  nameVariants,
  PRINTED_LABELS,
} from '../../core/strategies/field-names';

/** Dice similarity at or above which two field names are taken to mean the same field. */
export const FIELD_MATCH_THRESHOLD = 0.8;

// A Map: a word such as `constructor` must not find Object.prototype's members.
const TOKEN_SYNONYMS = new Map<string, string>(
  Object.entries({
    no: 'number',
    nr: 'number',
    num: 'number',
    tel: 'telephone',
    phone: 'telephone',
    mobile: 'telephone',
    cell: 'telephone',
    dob: 'date birth',
    birthday: 'date birth',
    birthdate: 'date birth',
    birthplace: 'place birth',
    surname: 'last name',
    lastname: 'last name',
    forename: 'first name',
    firstname: 'first name',
    names: 'name',
    zip: 'postal code',
    zipcode: 'postal code',
    postcode: 'postal code',
    addr: 'address',
    gender: 'sex',
    expiry: 'expiry date',
    expires: 'expiry date',
    expiration: 'expiry date',
  }),
);

/** Words that add nothing to what a field is ("Applicant's name" is the name). */
const FILLER_WORDS = new Set([
  'of',
  'the',
  'a',
  'an',
  'your',
  'my',
  'in',
  'for',
  'to',
  'please',
  'enter',
  's',
  'applicant',
  'holder',
  'bearer',
  'customer',
  'client',
]);

/** Applied after the word synonyms, on whole words, in this order. */
const PHRASE_SYNONYMS: [string, string][] = [
  ['e mail', 'email'],
  ['email address', 'email'],
  ['telephone number', 'telephone'],
  ['full name', 'name'],
  ['complete name', 'name'],
  ['given name', 'first name'],
  ['christian name', 'first name'],
  ['family name', 'last name'],
];

/** The words a field name is made of, after synonyms, without filler words. */
export function fieldNameWords(name: string): Set<string> {
  const words = name
    .toLowerCase()
    .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, '$1')
    .replace(/#/g, ' number ')
    .split(/[^\p{L}\p{N}]+/u)
    .flatMap((word) => (TOKEN_SYNONYMS.get(word) ?? word).split(' '))
    .filter((word) => word.length > 0 && !FILLER_WORDS.has(word));
  let phrase = ` ${words.join(' ')} `;
  for (const [from, to] of PHRASE_SYNONYMS) phrase = phrase.replaceAll(` ${from} `, ` ${to} `);
  return new Set(phrase.split(' ').filter(Boolean));
}

/** Edit distance of at most one, so an OCR slip ("Adress") still matches a long enough word. */
function nearlyEqual(a: string, b: string): boolean {
  if (a === b) return true;
  // "employer" and "employee" are one letter apart and two different people.
  if (PARTY_WORDS.has(a) || PARTY_WORDS.has(b)) return false;
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Words that name another party than the item's subject: an employment letter's "Name" is the
 * employee's, so "employer" must not qualify it into an "Employer Name".
 */
export const PARTY_WORDS = new Set([
  'employer',
  'employee',
  'company',
  'bank',
  'insurer',
  'landlord',
  'tenant',
  'spouse',
  'partner',
  'parent',
  'guardian',
  'emergency',
  'contact',
  'beneficiary',
  'agent',
  'issuer',
  'merchant',
  'vendor',
  'sender',
  'recipient',
  'colleague',
  'referee',
  'witness',
  'doctor',
  'mother',
  'father',
]);

/** The party words of a name, in order, as one key ("" for none). */
function partiesOf(name: string): string {
  return [...fieldNameWords(name)]
    .filter((word) => PARTY_WORDS.has(word))
    .sort()
    .join(' ');
}

/**
 * How alike two field names are, 0..1: 1 or 0 when the canonical table (core/strategies/field-names)
 * knows both, else the Dice coefficient of their word sets (0 = nothing shared, 1 = the same words), and
 * 0 when they name different parties ("Emergency Contact Phone" is not the "Phone").
 */
export function fieldNameSimilarity(a: string, b: string): number {
  const canonicalA = canonicalFieldName(a);
  const canonicalB = canonicalFieldName(b);
  if (canonicalA !== undefined && canonicalB !== undefined) return canonicalA === canonicalB ? 1 : 0;
  // "Bank Account (IBAN)" is as alike as the closest of its alternatives.
  let best = 0;
  for (const left of nameVariants(a))
    for (const right of nameVariants(b))
      if (partiesOf(left) === partiesOf(right)) best = Math.max(best, wordSimilarity(left, right));
  return best;
}

function wordSimilarity(a: string, b: string): number {
  const left = [...fieldNameWords(a)];
  const right = [...fieldNameWords(b)];
  if (left.length === 0 || right.length === 0) return 0;
  const unmatched = [...right];
  let shared = 0;
  for (const word of left) {
    const index = unmatched.findIndex((other) => nearlyEqual(word, other));
    if (index === -1) continue;
    unmatched.splice(index, 1);
    shared++;
  }
  return (2 * shared) / (left.length + right.length);
}

/** Labels identity documents print that name one of the canonical identity fields. */
const IDENTITY_ALIASES: [RegExp, (typeof IDENTITY_FIELD_NAMES)[number]][] = [
  [/^(passport|licen[cs]e|card|id|document|doc)\s*(no|nr|number|#)\.?$/i, 'Document Number'],
  [/^(name|full name|holder'?s? name|name of holder)$/i, 'Full Name'],
  [/^(valid (until|thru|to)|date of expiry|expiry|expires)$/i, 'Expiry Date'],
  [/^(issued|issued on|date of issue)$/i, 'Issue Date'],
  [/^(issued by|authority)$/i, 'Issuing Authority'],
  [/^(gender)$/i, 'Sex'],
  [/^(citizenship)$/i, 'Nationality'],
  [/^(pob|birth ?place)$/i, 'Place of Birth'],
  [/^(residence|residential address|home address)$/i, 'Address'],
];

/** The canonical identity field a printed label names (`DOB` → `Date of Birth`), or undefined. */
export function identityFieldName(label: string): string | undefined {
  // Bilingual documents print "Surname / Nom": the first language decides.
  const printed = label.split('/')[0].trim();
  const alias = IDENTITY_ALIASES.find(([pattern]) => pattern.test(printed));
  if (alias) return alias[1];
  return IDENTITY_FIELD_NAMES.find((name) => wordSimilarity(name, printed) === 1);
}

// ── labels OCR misread ───────────────────────────────────────────────────────

/** A label's letters run together: `Sub tal` and `Subtotal` compare as `subtal` and `subtotal`. */
const letters = (text: string) => plainWords(text.replace(/\d+/g, ' ')).join('');

/** Every label the table knows, by its letters; the first printed form of each is the one returned. */
const KNOWN_LABELS = new Map<string, string>();
for (const label of [...PRINTED_LABELS, ...Object.values(CANONICAL_FIELDS).flatMap((field) => field.names)])
  if (!KNOWN_LABELS.has(letters(label))) KNOWN_LABELS.set(letters(label), label);

/**
 * Labels of fewer letters are never matched loosely: `Dare` is one letter from `Date` and from `Care`, and
 * short words are where values and labels meet.
 */
export const MIN_MISREAD_LABEL_LETTERS = 6;

/** Edits allowed between a misread label and the one it stands for: one per four letters, at most three. */
const allowedEdits = (letterCount: number) => Math.min(3, Math.floor(letterCount / 4));

/**
 * The known label (core/strategies/field-names) a printed label is a misreading of (`Suttota’` →
 * `Subtotal`, `Noma of pansenge` → `Name of Passenger`, `Booking Ret` → `Booking Ref`), or undefined: for a
 * label the table knows as it is, one too short to tell (MIN_MISREAD_LABEL_LETTERS), or one as near two
 * known labels. Only for labels, never values: a name one letter from a label is still a name.
 */
export function misreadLabel(label: string): string | undefined {
  const read = letters(label.split('/')[0]);
  if (read.length < MIN_MISREAD_LABEL_LETTERS || KNOWN_LABELS.has(read)) return undefined;
  let best: string | undefined;
  let bestEdits = Number.POSITIVE_INFINITY;
  let tied = false;
  for (const [known, printed] of KNOWN_LABELS) {
    const allowed = allowedEdits(Math.max(known.length, read.length));
    if (Math.abs(known.length - read.length) > allowed) continue;
    const edits = distance(read, known);
    if (edits > allowed) continue;
    if (edits < bestEdits) {
      best = printed;
      bestEdits = edits;
      tied = false;
    } else if (edits === bestEdits) tied = true;
  }
  return tied ? undefined : best;
}
