/** The `rules` model's document reading: title, tags, description, `kv` and related library items. */

import { icaoCheckDigit } from '../../core/check-digit';
import { type LayoutWord, plainWords } from '../../core/layout';
import type { StrategyContext } from '../../core/ports';
import {
  type NumericDateOrder,
  normaliseDate,
  numericDateOrder,
  parseDate,
  parseTime,
  splitDateTime,
} from '../../core/strategies/dates';
import { headerRole, IDENTITY_TAGS } from './document-keywords';
import { identityFieldName } from './field-names';
import { readZone, type ZoneFacts, zoneLine } from './machine-readable-zone';
import {
  firstLanguage,
  isAmountText,
  LABEL_WORDS,
  labelWordCount,
  type PagePair,
  type PageReading,
  type PageRow,
  readPages,
  type Segment,
  textPages,
} from './page-rows';
import { kindSentence, listed, read, relatedItems } from './reading';

export function readDocument(context: StrategyContext) {
  const reading = read(context);
  const pages = context.pages.length > 0 ? context.pages : textPages(context.ocrText);
  const page = readPages(pages);
  const identity = reading.tags.some((tag) => IDENTITY_TAGS.has(tag)) || looksLikeIdentity(page);
  const kv = documentFacts(page, context.ocrText, identity);
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

/** `kv` keys as a Map first: a label such as `constructor` is kept like any other. */
class Facts {
  readonly found = new Map<string, string>();

  has(key: string): boolean {
    return this.found.has(key);
  }

  /** The first value of a key wins: documents print their facts before repeating them. */
  set(key: string, value: string): void {
    if (key && value && !this.found.has(key)) this.found.set(key, value);
  }

  keys(): string[] {
    return [...this.found.keys()];
  }

  record(): Record<string, string> {
    return Object.fromEntries(this.found);
  }
}

const isDateLabel = (label: string) => plainWords(label).some((word) => word === 'date' || word === 'dated');
const isTimeLabel = (label: string) => plainWords(label).includes('time');

/** Sex as `M`/`F`/`X` when the text is one of their printed forms. */
function sexValue(text: string): string | undefined {
  const word = plainWords(text)[0];
  if (word === 'm' || word === 'male') return 'M';
  if (word === 'f' || word === 'female') return 'F';
  if (word === 'x') return 'X';
  return undefined;
}

/** Every fact of the document: labelled pairs, then dates, header and addressee printed without a label. */
export function documentFacts(page: PageReading, text: string, identity: boolean): Record<string, string> {
  const facts = new Facts();
  const order = numericDateOrder(page.rows.map(rowText));
  const headings = headingPairs(page);
  for (const pair of page.pairs) if (!headings.has(pair)) addPair(facts, pair, identity, order);
  if (identity) {
    addFullName(facts);
    const printed = new Set(page.rows.flatMap((row) => row.words.map((word) => word.text.toUpperCase())));
    addZone(facts, readZone(page.rows.map(rowText), new Date(), printed));
  } else {
    addUnlabelledDates(facts, page, order);
    const role = headerRole(text);
    const header = role ? headerEntity(page, headings) : undefined;
    if (role && header) facts.set(role, header.text);
    addAddressee(facts, page, header, role === 'Sender' ? 'Recipient' : 'Customer');
  }
  return facts.record();
}

/** Labels only identity documents print together. */
const IDENTITY_LABELS =
  /^(surname|given names?|nationality|sex|date of birth|place of birth|date of expiry|date of issue)\b/i;

/**
 * An identity document whose title OCR missed: a machine-readable zone, or three of the labels that
 * identity documents print.
 */
function looksLikeIdentity(page: PageReading): boolean {
  if (page.rows.some((row) => zoneLine(rowText(row)) !== undefined)) return true;
  return (
    new Set(page.pairs.filter((pair) => IDENTITY_LABELS.test(pair.label)).map((pair) => pair.label)).size >= 3
  );
}

/**
 * The canonical identity name of a printed label; a bilingual label whose slash OCR lost (`Sex Sexe`)
 * is tried by its first words.
 */
function identityKey(label: string): string {
  const first = firstLanguage(label);
  const words = first.split(/\s+/);
  // A code or number after the label (`Nationality BEL`) is a value OCR ran into it, not a translation.
  const isValue = (word: string) => /\d/.test(word) || /^\p{Lu}{1,3}$/u.test(word);
  for (let length = words.length; length >= 1; length--) {
    if (words.slice(length).some(isValue)) return first;
    const name = identityFieldName(words.slice(0, length).join(' '));
    if (name) return name;
  }
  // `Surname Nom` is the surname.
  const prefix = IDENTITY_LABELS.exec(first);
  return prefix && !first.slice(prefix[0].length).split(/\s+/).some(isValue) ? prefix[0] : first;
}

function addPair(facts: Facts, pair: PagePair, identity: boolean, order: NumericDateOrder | undefined): void {
  const label = pair.label;
  const key = identity ? identityKey(label) : label;
  const value = pair.value;
  const both = splitDateTime(value, order);
  if (both && !isTimeLabel(label)) {
    facts.set(key, both.date);
    facts.set('Time', both.time);
    return;
  }
  if (identity && key === 'Sex') {
    const sex = sexValue(value);
    if (sex) facts.set(key, sex);
    return;
  }
  if (identity && /^(surname|last name|family name|given names?|first names?|forenames?)$/i.test(key)) {
    // Names are letters: a stray mark read into one (`KEN]JI`) is an OCR slip.
    const name = value
      .replace(/[^\p{L}\s'’-]/gu, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (/\p{L}{2}/u.test(name)) facts.set(key, name);
    return;
  }
  facts.set(key, normaliseDate(value, order));
}

const rowText = (row: PageRow) => row.words.map((word) => word.text).join(' ');

const CLOCK_TIME =
  /^\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?$|^\d{1,2}(?:[.:]\d{2})?\s*[AaPp]\.?[Mm]\.?$/;

/** Dates and times printed without a label (a letter's date, a receipt's date and time). */
function addUnlabelledDates(facts: Facts, page: PageReading, order: NumericDateOrder | undefined): void {
  const hasDate = facts.keys().some(isDateLabel);
  const hasTime = facts.keys().some(isTimeLabel);
  for (const segments of page.loose.values()) {
    for (const segment of segments) {
      const both = splitDateTime(segment.text, order);
      if (both) {
        if (!hasDate) facts.set('Date', both.date);
        if (!hasTime) facts.set('Time', both.time);
        continue;
      }
      const date = parseDate(segment.text, order);
      if (date && !hasDate) facts.set('Date', date);
      // A time alone must look like one (`14:32`, `2:32 PM`): `3.50` is a price.
      else if (CLOCK_TIME.test(segment.text) && parseTime(segment.text) && !hasTime)
        facts.set('Time', segment.text);
    }
  }
}

/** Words that name the kind of document, not who issued it: dropped at either end of a header. */
const KIND_WORDS = new Set([
  'invoice',
  'receipt',
  'boarding',
  'pass',
  'passport',
  'ticket',
  'e',
  'statement',
  'bill',
  'copy',
]);

/** Words that, with kind words only, make a header that names the document (`Monthly statement`, `Your bill`). */
const DOCUMENT_WORDS = new Set([
  ...KIND_WORDS,
  'tax',
  'identity',
  'id',
  'card',
  'national',
  'travel',
  'your',
  'monthly',
  'annual',
  'electricity',
  'gas',
  'water',
  'utility',
  'customer',
  'original',
  'page',
  'of',
]);

/** A header without the words naming the document's kind around it (`CORNER CAFE RECEIPT` → `CORNER CAFE`). */
function withoutDocumentWords(text: string): string {
  const words = text.trim().split(/\s+/);
  const isKind = (word: string | undefined) =>
    word !== undefined && plainWords(word).length > 0 && plainWords(word).every((w) => KIND_WORDS.has(w));
  while (words.length > 1 && isKind(words.at(-1))) words.pop();
  while (words.length > 1 && isKind(words[0])) words.shift();
  return words.join(' ');
}

/** How far down the page's text (a share of its height) the issuer's name is looked for. */
const HEADER_ZONE = 0.25;

/**
 * How far down the first page's text a row is, 0 at its top row and 1 at its bottom: a photo puts the page
 * anywhere in the picture (a small page on a table), so depth is measured on the text, not the image.
 */
/** OCR's mean confidence at or above which it read words rather than a photo's texture. */
const SURE_CONFIDENCE = 0.5;

const meanConfidence = (words: readonly LayoutWord[]) =>
  words.reduce((sum, word) => sum + word.confidence, 0) / Math.max(1, words.length);

function textDepth(page: PageReading): (row: PageRow) => number {
  const firstPage = page.rows.filter((row) => row.page === 1);
  // Rows of texture read around a photographed page are not its text.
  const sure = firstPage.filter((row) => meanConfidence(row.words) >= SURE_CONFIDENCE);
  const first = sure.length > 0 ? sure : firstPage;
  const top = Math.min(...first.map((row) => row.top));
  const bottom = Math.max(...first.map((row) => row.bottom));
  const height = bottom - top;
  return (row) => (height > 0 ? (row.top - top) / height : 0);
}

const segmentHeight = (segment: Segment) =>
  [...segment.words.map((word) => word.box.height)].sort((a, b) => a - b)[
    Math.floor(segment.words.length / 2)
  ] ?? 0;

/** Text that reads as an organisation's name: a few words of mostly letters, no label, not a date or amount. */
function isNameLike(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const words = text.split(/\s+/);
  return (
    letters >= 3 &&
    letters >= text.replace(/\s/g, '').length * 0.7 &&
    // A house number or a phone number makes an address line; a run of one letter is a misread bar.
    !words.some((word) => /^\d+[,.]?$/.test(word)) &&
    !/(\p{L})\1{3,}/u.test(text) &&
    words.length <= 6 &&
    !/[@]/.test(text) &&
    !/[:：]\s*$/.test(text) &&
    parseDate(text) === undefined &&
    !isAmountText(text)
  );
}

/** Header text this much larger than the page's body text is a heading, even with a colon in it. */
const HEADING_HEIGHT = 1.4;

/**
 * Colon "pairs" that are headings: printed large at the top, their "label" no label words
 * (`Summer Theatre: Hamlet` is an event's title, not a field).
 */
function headingPairs(page: PageReading): Set<PagePair> {
  const body =
    [...page.rows.map((row) => row.height)].sort((a, b) => a - b)[Math.floor(page.rows.length / 2)] ?? 0;
  const rows = new Map(page.rows.map((row) => [row.index, row]));
  const depth = textDepth(page);
  return new Set(
    page.pairs.filter((pair) => {
      const row = rows.get(pair.row);
      return (
        row !== undefined &&
        row.page === 1 &&
        depth(row) <= HEADER_ZONE &&
        pair.style === 'colon' &&
        row.height >= HEADING_HEIGHT * body &&
        labelWordCount(pair.label) === 0
      );
    }),
  );
}

/** Most words of a name are words: a header read as `re ee a` is a misread picture. */
const hasRealWords = (text: string) => {
  const words = text.split(/\s+/);
  return words.filter((word) => (word.match(/\p{L}/gu)?.length ?? 0) >= 3).length * 2 >= words.length;
};

/** The largest name-like text at the top of the first page that is not the document's kind. */
function headerEntity(page: PageReading, headings: Set<PagePair>): { text: string; row: number } | undefined {
  let best: { text: string; row: number; height: number } | undefined;
  const depth = textDepth(page);
  const consider = (raw: string, row: number, height: number, words: readonly LayoutWord[]) => {
    // What OCR made of a photo's background or shadow (`Tae`, `ERE Ea`) it read unsurely: no name.
    if (meanConfidence(words) < SURE_CONFIDENCE) return;
    const text = withoutDocumentWords(raw).replace(/^[^\p{L}\p{N}&(]+|[^\p{L}\p{N})]+$/gu, '');
    const plain = plainWords(text);
    if (!isNameLike(text) || !hasRealWords(text) || plain.every((word) => DOCUMENT_WORDS.has(word))) return;
    if (!best || height > best.height * 1.1) best = { text, row, height };
  };
  for (const row of page.rows) {
    if (row.page !== 1 || depth(row) > HEADER_ZONE) continue;
    for (const pair of page.pairs) {
      if (pair.row === row.index && headings.has(pair))
        consider(`${pair.label}: ${pair.value}`, row.index, row.height, [
          ...pair.labelWords,
          ...pair.valueWords,
        ]);
    }
    for (const segment of page.loose.get(row.index) ?? [])
      consider(segment.text, row.index, segmentHeight(segment), segment.words);
  }
  return best && { text: best.text, row: best.row };
}

const HONORIFIC = /^(?:mr|mrs|ms|miss|mx|dr|prof)\.?$/i;

/** A person's name as printed in an address block: two to four capitalised words, maybe a title first. */
function isPersonName(text: string): boolean {
  const words = text.split(/\s+/).filter((word) => !HONORIFIC.test(word));
  return (
    words.length >= 2 &&
    words.length <= 4 &&
    words.every((word) => /^\p{Lu}[\p{L}'’-]*$/u.test(word)) &&
    !words.some((word) => LABEL_WORDS.has(word.toLowerCase())) &&
    !words.every((word) => DOCUMENT_WORDS.has(word.toLowerCase()))
  );
}

/** A street line: a house number and words, or words and a number. */
const isStreetLine = (text: string) =>
  /\d/.test(text) && /\p{L}{3,}/u.test(text) && parseDate(text) === undefined;

/**
 * The addressee printed without a label: a person's name over an address (a letter's recipient, the
 * customer of a bill), below the header. Skipped when a labelled pair already names the party.
 */
function addAddressee(
  facts: Facts,
  page: PageReading,
  header: { row: number } | undefined,
  key: string,
): void {
  const party =
    /\b(bill(ed)? to|invoice to|customer|client|account holder|recipient|addressee|sold to|to)\b/i;
  if (facts.keys().some((label) => party.test(label))) return;
  const rows = page.rows;
  const depth = textDepth(page);
  for (let n = 0; n + 1 < rows.length; n++) {
    const row = rows[n];
    if (row.page !== 1 || (header && row.index <= header.row)) continue;
    if (depth(row) > 0.5) break;
    const segments = page.loose.get(row.index) ?? [];
    const name = segments[0];
    if (!name || !isPersonName(name.text)) continue;
    const next = (page.loose.get(rows[n + 1].index) ?? [])[0];
    const aligned = next && Math.abs(next.box.left - name.box.left) <= Math.max(3 * row.glyph, 0.01);
    if (aligned && isStreetLine(next.text)) {
      facts.set(key, name.text);
      return;
    }
  }
}

/**
 * The zone's checked facts, under the canonical identity names. A check digit makes the zone surer than the
 * printed value, so it replaces it; a guessed fact only where the page's value is missing or fails the
 * zone (a date not read as one, a number its check digit refutes).
 */
function addZone(facts: Facts, zone: ZoneFacts | undefined): void {
  if (!zone) return;
  const guessed = new Set(zone.guessed ?? []);
  const checked = [
    ['Document Number', 'documentNumber'],
    ['Date of Birth', 'dateOfBirth'],
    ['Expiry Date', 'expiryDate'],
  ] as const;
  for (const [key, fact] of checked) {
    const value = zone[fact];
    if (!value) continue;
    const printed = facts.found.get(key);
    const refuted =
      printed === undefined ||
      (fact === 'documentNumber'
        ? icaoCheckDigit(printed.replace(/\s+/g, '').toUpperCase().padEnd(9, '<')) !==
          zone.documentNumberCheckDigit
        : parseDate(printed) === undefined);
    if (!guessed.has(fact) || refuted) facts.found.set(key, value);
  }
  facts.set('Nationality', zone.nationality ?? '');
  facts.set('Sex', zone.sex ?? '');
  facts.set('Full Name', zone.fullName ?? '');
}

/** Identity documents print surname and given names apart; the canonical "Full Name" joins them. */
function addFullName(facts: Facts): void {
  if (facts.has('Full Name')) return;
  const find = (pattern: RegExp) => facts.keys().find((key) => pattern.test(key));
  const surname = find(/^(surname|last name|family name)\b/i);
  const given = find(/^(given names?|first names?|forenames?)\b/i);
  if (surname && given) facts.set('Full Name', `${facts.found.get(given)} ${facts.found.get(surname)}`);
}
