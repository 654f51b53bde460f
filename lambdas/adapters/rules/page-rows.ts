/**
 * The page read by its geometry, for the offline extractor: words grouped into visual rows, a row split
 * into segments at its column gaps (and at dotted leaders, underscores and boxes), and the label/value
 * pairs these form — `Label: value`, a colon-less label and its value across a gap (`TOTAL   $12.50`), a
 * label and value across a leader, a label above its value (stacked), and a row of column labels over a
 * row of values (a table). Segments no pair took stay loose, for the readers to look at (a header, a date
 * printed alone, a blank to fill in).
 */
import {
  type Box,
  type LayoutWord,
  type PageLayout,
  plainWords,
  typesetLayout,
  unionBox,
} from '../../core/layout';
import { layoutRows, pageSkew, textHeight } from '../../core/layout-text';
import { parseDate, splitDateTime } from '../../core/strategies/dates';
import { PAGE_MARKER } from '../../core/strategies/ocr-text';
import { misreadLabel } from './field-names';

/** What fills a segment that holds no text: a dotted leader, a run of underscores, an empty box. */
export type SegmentFill = 'dots' | 'underscores' | 'box';

export interface Segment {
  /** The words' text joined by spaces, dotted leaders glued to a word left out. */
  text: string;
  words: LayoutWord[];
  box: Box;
  /** Set when the segment is a leader, a blank line or a box rather than text. */
  fill?: SegmentFill;
}

export interface PageRow {
  /** 1-based page number. */
  page: number;
  /** Index among all rows returned (across pages), top to bottom. */
  index: number;
  words: LayoutWord[];
  segments: Segment[];
  /** Vertical extent after straightening a skewed page (fractions of the page height). */
  top: number;
  bottom: number;
  /** Median height of its words' text (a tilted photo's boxes straightened): the size of the row's text. */
  height: number;
  /** Median character width of the row's words (fractions of the page width). */
  glyph: number;
}

export type PairStyle = 'colon' | 'gap' | 'leader' | 'stacked' | 'table';

export interface PagePair {
  /** The label as printed, without its colon or leader; a known label OCR misread, as the known one. */
  label: string;
  value: string;
  labelWords: LayoutWord[];
  valueWords: LayoutWord[];
  /** Index of the row the label is on (the value is on it or on the next one). */
  row: number;
  style: PairStyle;
}

export interface PageReading {
  rows: PageRow[];
  pairs: PagePair[];
  /** Segments of text that no pair took, by row index. */
  loose: Map<number, Segment[]>;
}

/** A gap between two words this many character widths wide separates two segments (a word space is ~0.5). */
export const COLUMN_GAP_GLYPHS = 2;
/** Labels are short: more words than this is a sentence or a value. */
const MAX_LABEL_WORDS = 5;
/** A value below its label starts no further below the label's row than this many row heights. */
const STACKED_MAX_GAP_ROWS = 1.3;
/** Labels printed above values are not larger than the values (a heading over text is no label). */
const STACKED_MAX_LABEL_HEIGHT = 1.08;

const LEADER = /^[.…·•‥]{3,}$|^[.…·•]{2,}[.…·•\s]*$/u;
const GLUED_LEADER = /[.…·•]{3,}$/u;
const UNDERSCORES = /^_{2,}$/;
const BOX = /^(?:\[\s*\]|[☐□❏])$/u;
const COLON_END = /[:：]$/u;

/**
 * Words that labels are made of (`Invoice No`, `Date of birth`, `VAT 20%`, `Boarding Time`): a colon-less
 * label is told from a value by them. Kept to words that head a field on receipts, invoices, bills,
 * identity documents, tickets and passes; a value rarely consists of them alone.
 */
export const LABEL_WORDS = new Set([
  'account',
  'acct',
  'address',
  'amount',
  'arrival',
  'arrive',
  'arrives',
  'authority',
  'balance',
  'bill',
  'billed',
  'birth',
  'block',
  'boarding',
  'boards',
  'booking',
  'cardholder',
  'carriage',
  'cashier',
  'change',
  'charge',
  'charges',
  'class',
  'client',
  'coach',
  'code',
  'confirmation',
  'country',
  'customer',
  'date',
  'dated',
  'dep',
  'departs',
  'departure',
  'deposit',
  'destination',
  'discount',
  'doc',
  'document',
  'doors',
  'dob',
  'due',
  'email',
  'expires',
  'expiry',
  'expiration',
  'fare',
  'fee',
  'fees',
  'flight',
  'forenames',
  'gate',
  'gender',
  'given',
  'grand',
  'gross',
  'gst',
  'id',
  'invoice',
  'issue',
  'issued',
  'issuing',
  'name',
  'names',
  'nationality',
  'net',
  'no',
  'nr',
  'number',
  'order',
  'origin',
  'paid',
  'passenger',
  'passport',
  'pay',
  'payable',
  'payment',
  'payments',
  'period',
  'phone',
  'platform',
  'pnr',
  'policy',
  'previous',
  'price',
  'receipt',
  'ref',
  'reference',
  're',
  'row',
  'seat',
  'ship',
  'sold',
  'deliver',
  'delivery',
  'holder',
  'section',
  'sex',
  'statement',
  'start',
  'subject',
  'subtotal',
  'surname',
  'tax',
  'tel',
  'telephone',
  'tender',
  'terminal',
  'ticket',
  'time',
  'tip',
  'total',
  'trans',
  'transaction',
  'type',
  'until',
  'valid',
  'vat',
  'venue',
]);

/** Words that are labels only on their own (`From`, `To`), never what makes a longer text a label. */
const WEAK_LABEL_WORDS = new Set(['from', 'to', 'via', 'on', 'by', 'at', 'sub']);

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const rightOf = (box: Box) => box.left + box.width;

function fillOf(text: string): SegmentFill | undefined {
  if (LEADER.test(text)) return 'dots';
  if (UNDERSCORES.test(text)) return 'underscores';
  if (BOX.test(text)) return 'box';
  return undefined;
}

function segmentOf(words: LayoutWord[], fill?: SegmentFill): Segment {
  const text = words
    .map((word) => (fill ? word.text : word.text.replace(GLUED_LEADER, '')))
    .filter(Boolean)
    .join(' ');
  return { text, words, box: unionBox(words.map((word) => word.box)), ...(fill ? { fill } : {}) };
}

/** Median width of one character of the words (words of two or more characters), or a share of their height. */
export function glyphWidth(words: readonly LayoutWord[]): number {
  const widths = words
    .filter((word) => word.text.length >= 2)
    .map((word) => word.box.width / word.text.length);
  return widths.length > 0 ? median(widths) : median(words.map((word) => word.box.height)) * 0.5;
}

/**
 * A row's words (left to right) as segments: split at gaps of COLUMN_GAP_GLYPHS character widths, and
 * around leaders, underscores and boxes, which become segments of their own. A leader glued to a word
 * (`Total.........`) also ends its segment.
 */
export function splitSegments(words: readonly LayoutWord[], glyph = glyphWidth(words)): Segment[] {
  const segments: Segment[] = [];
  let current: LayoutWord[] = [];
  const close = () => {
    if (current.length > 0) segments.push(segmentOf(current));
    current = [];
  };
  for (const word of words) {
    const fill = fillOf(word.text);
    if (fill) {
      close();
      const previous = segments.at(-1);
      // Leaders read as several words are one leader.
      if (previous?.fill === fill) segments[segments.length - 1] = segmentOf([...previous.words, word], fill);
      else segments.push(segmentOf([word], fill));
      continue;
    }
    const last = current.at(-1);
    if (last && word.box.left - rightOf(last.box) >= COLUMN_GAP_GLYPHS * glyph) close();
    current.push(word);
    if (GLUED_LEADER.test(word.text) && word.text.replace(GLUED_LEADER, '') !== '') close();
  }
  close();
  return segments;
}

/** Words this much taller than others on one row are another line's (a value under its small label). */
const MERGED_ROW_HEIGHT_RATIO = 1.25;

/**
 * A row as one or two rows: on a tilted photo OCR may read a small label row and the larger value row
 * under it as one row, their words interleaved and overlapping. Such a row is split by word size, the
 * smaller words (the labels) first.
 */
export function splitMergedRow(words: readonly LayoutWord[], glyph: number): LayoutWord[][] {
  // Words OCR did not read (a ruled line as `EE PP PPP`) overlap anything; only words read surely tell.
  const sure = words.filter((word) => word.confidence >= 0.5);
  const overlaps = sure.some((word, i) => i > 0 && word.box.left < rightOf(sure[i - 1].box) - glyph);
  if (!overlaps || words.length < 2) return [[...words]];
  // Two sizes of text: the cut that best separates the words' (log) heights, as Otsu's threshold does.
  const sizes = words.map((word) => Math.log(Math.max(word.box.height, 1e-6))).sort((a, b) => a - b);
  let best: { cut: number; spread: number } | undefined;
  for (let i = 1; i < sizes.length; i++) {
    const low = sizes.slice(0, i);
    const high = sizes.slice(i);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const spread = low.length * high.length * (mean(high) - mean(low)) ** 2;
    if (!best || spread > best.spread) best = { cut: sizes[i], spread };
  }
  if (!best) return [[...words]];
  const cut = best.cut;
  const small = words.filter((word) => Math.log(Math.max(word.box.height, 1e-6)) < cut);
  const large = words.filter((word) => Math.log(Math.max(word.box.height, 1e-6)) >= cut);
  const size = (group: readonly LayoutWord[]) => median(group.map((word) => word.box.height));
  if (small.length === 0 || size(large) < MERGED_ROW_HEIGHT_RATIO * size(small)) return [[...words]];
  return [small, large];
}

/**
 * The rows of the pages, top to bottom, page after page. Pages without a layout (a text given alone, as
 * in tests and the simulated OCR) are laid out from the text, column gaps kept as runs of spaces.
 */
export function pageRows(pages: readonly PageLayout[]): PageRow[] {
  const rows: PageRow[] = [];
  pages.forEach((page, n) => {
    const skew = pageSkew(page);
    for (const row of layoutRows(page)) {
      for (const words of splitMergedRow(row.words, glyphWidth(row.words))) {
        const glyph = glyphWidth(words);
        // Split rows keep the row's extent: the labels' row and the values' row touch.
        rows.push({
          page: n + 1,
          index: rows.length,
          words,
          segments: splitSegments(words, glyph),
          top: row.top,
          bottom: row.bottom,
          height: median(lettered(words).map((word) => textHeight(word, skew))),
          glyph,
        });
      }
    }
  });
  return rows;
}

/** The words with two letters or digits or more: a box's bracket or a speck says nothing of the text's size. */
function lettered(words: readonly LayoutWord[]): readonly LayoutWord[] {
  const texts = words.filter((word) => /[\p{L}\p{N}]{2}/u.test(word.text));
  // Of those, the ones OCR read surely: drawn cells read as letters are as tall as the cells.
  const sure = texts.filter((word) => word.confidence >= 0.5);
  return sure.length > 0 ? sure : texts.length > 0 ? texts : words;
}

/** Pages laid out from a plain text (page markers split it), for contexts that carry no layout. */
export function textPages(text: string): PageLayout[] {
  const pages: string[][] = [[]];
  for (const line of text.split(/\r?\n/)) {
    if (PAGE_MARKER.test(line.trim())) {
      if (pages.at(-1)?.length) pages.push([]);
    } else pages.at(-1)?.push(line);
  }
  return pages
    .filter((lines) => lines.some((line) => line.trim()))
    .map((lines) => typesetLayout(lines.join('\n')));
}

// ── labels ───────────────────────────────────────────────────────────────────

/** The first language of a bilingual label (`Surname / Nom` → `Surname`). */
export function firstLanguage(label: string): string {
  return label.split(/\s+\/\s+|\s\/|\/\s/)[0].trim();
}

/** Words of a label that are label words; weak words count only when they are the whole label. */
export function labelWordCount(text: string): number {
  const words = plainWords(firstLanguage(text));
  if (words.length === 1 && WEAK_LABEL_WORDS.has(words[0])) return 1;
  const count = words.filter((word) => LABEL_WORDS.has(word)).length;
  if (count > 0) return count;
  // A known label OCR misread (`Suttota’`) counts as the label it stands for.
  const known = isLabelText(text) ? knownLabelOf(text) : undefined;
  return known ? plainWords(known).filter((word) => LABEL_WORDS.has(word)).length : 0;
}

/**
 * The known label a printed one is OCR's misreading of, or undefined; a label made of label words is read
 * right (`Receipt` is no misread `Receipt No`).
 */
function knownLabelOf(label: string): string | undefined {
  return isLabelWordToken(firstLanguage(label)) ? undefined : misreadLabel(label);
}

/** Short, starting with a letter, mostly letters (`VAT 20%` and `Trans #` too): how a label is printed. */
export function isLabelText(text: string): boolean {
  const label = firstLanguage(text.replace(COLON_END, '').trim());
  if (!/^\p{L}/u.test(label)) return false;
  const words = label.split(/\s+/);
  if (words.length > MAX_LABEL_WORDS) return false;
  // At most one word with digits, and only a rate or a number sign: `VAT 20%`, `(7%)`.
  const numeric = words.filter((word) => /\d/.test(word));
  return (
    numeric.length === 0 || (numeric.length === 1 && /^\(?\d{1,2}(?:[.,]\d{1,2})?%\)?$/.test(numeric[0]))
  );
}

/** A label without a colon: label-like and made of label words (`TOTAL DUE`, `Date of birth`). */
export function isColonlessLabel(text: string): boolean {
  return isLabelText(text) && !/[:：]/.test(text) && labelWordCount(text) > 0;
}

/** A text that is nothing but label words (`Date`, `Seat`, `Ship To`): it is not the value of the label before it. */
function isOnlyLabelWords(text: string): boolean {
  const words = plainWords(firstLanguage(text));
  return (
    words.length > 0 &&
    isLabelText(text) &&
    labelWordCount(text) > 0 &&
    words.every((word) => LABEL_WORDS.has(word) || WEAK_LABEL_WORDS.has(word) || word === 'of')
  );
}

const cleanLabel = (text: string) =>
  text
    .replace(GLUED_LEADER, '')
    .replace(/\s*[:：]\s*$/u, '')
    .replace(/\s+/g, ' ')
    .trim();

// ── pairs on one row ─────────────────────────────────────────────────────────

interface InlinePair {
  labelWords: LayoutWord[];
  valueWords: LayoutWord[];
}

/** Whether a word ends a label: `Date:`, `No.:`, a lone `:` — not a time (`14:32`) or a URL's `https:`. */
function endsLabel(word: LayoutWord): boolean {
  if (word.text === ':' || word.text === '：') return true;
  return (
    COLON_END.test(word.text) && /[\p{L}.#)%]$/u.test(word.text.slice(0, -1)) && !/^https?:$/i.test(word.text)
  );
}

/** `DATE.`, `Gate;`: a label word whose colon OCR read as a stop or a semicolon (not `No.`, which is printed so). */
function endsLabelWithPeriod(word: LayoutWord): boolean {
  const match = /^(\p{L}+)[.;]$/u.exec(word.text);
  return (
    match !== null &&
    LABEL_WORDS.has(match[1].toLowerCase()) &&
    !NUMBER_ABBREVIATIONS.has(match[1].toLowerCase())
  );
}

/** Abbreviations printed with their stop inside a label (`Invoice No.: 42`, `Acct. 123`). */
const NUMBER_ABBREVIATIONS = new Set(['no', 'nr', 'ref', 'acct', 'tel', 'dep', 'doc', 'trans']);

/** A word that holds a label and its value glued (`Date:14/03/2024`), split into the two. */
function unglue(word: LayoutWord): LayoutWord[] {
  const match = /^(\p{L}[\p{L}.#]*[:：])([^:：/].*)$/u.exec(word.text);
  if (!match || /^https?:$/i.test(match[1])) return [word];
  return splitWord(word, match[1].length);
}

/** A word cut into two after `chars` characters, each part given its share of the box by its length. */
export function splitWord(word: LayoutWord, chars: number): LayoutWord[] {
  const width = word.box.width * (chars / word.text.length);
  return [
    { ...word, text: word.text.slice(0, chars), box: { ...word.box, width } },
    {
      ...word,
      text: word.text.slice(chars),
      box: { ...word.box, left: word.box.left + width, width: word.box.width - width },
    },
  ];
}

/**
 * The `Label: value` pairs of one segment, in order; a label may be left with no value (it awaits one across
 * a gap or below). Two pairs in one segment (`Date: 5 Mar Time: 14:32`) split where the second label's
 * label words begin. Undefined when the segment has no label colon.
 */
export function colonPairs(segment: Segment): InlinePair[] | undefined {
  const words = segment.words.flatMap(unglue);
  const pairs: InlinePair[] = [];
  let start = 0;
  for (let end = 0; end < words.length; end++) {
    const period = !endsLabel(words[end]) && end + 1 < words.length && endsLabelWithPeriod(words[end]);
    if (!endsLabel(words[end]) && !period) continue;
    let from = end;
    if (pairs.length === 0) from = 0;
    else {
      // A later label runs back from its colon over label words; the value before it keeps a word.
      if (words[end].text === ':' || words[end].text === '：') from--;
      while (from - 1 > start && isLabelWordToken(words[from - 1].text)) from--;
      if (from < start) continue;
    }
    const labelWords = words.slice(from, end + 1);
    if (period) {
      // `DATE. 4 March 2025`: a label whose colon OCR read as a stop, made of label words alone.
      if (labelWords.length > 3 || !labelWords.every((word) => isLabelWordToken(word.text))) continue;
      labelWords[labelWords.length - 1] = { ...words[end], text: words[end].text.slice(0, -1) };
    }
    // Not a label ("Open daily at: ..."): the colon stays part of the text.
    if (!isLabelText(cleanLabel(textOf(labelWords)))) {
      if (pairs.length === 0) return undefined;
      continue;
    }
    if (pairs.length > 0) pairs[pairs.length - 1].valueWords = words.slice(start, from);
    pairs.push({ labelWords, valueWords: [] });
    start = end + 1;
  }
  if (pairs.length === 0) return undefined;
  pairs[pairs.length - 1].valueWords = words.slice(start);
  return pairs;
}

function isLabelWordToken(text: string): boolean {
  const words = plainWords(text);
  return (
    words.length > 0 &&
    words.every((word) => LABEL_WORDS.has(word) || WEAK_LABEL_WORDS.has(word) || word === 'of')
  );
}

const textOf = (words: readonly LayoutWord[]) =>
  words
    .map((word) => word.text.replace(GLUED_LEADER, ''))
    .filter(Boolean)
    .join(' ')
    .trim();

/** Marks OCR reads from rules, specks and bars around a value (`~~ 8 August 2023`, `Brightside .`). */
const VALUE_JUNK = /^[\s~|_=—–•·*^`'"]+|[\s~|_=—–•·*^`]+$/gu;

function pairOf(
  row: PageRow,
  labelWords: LayoutWord[],
  valueWords: LayoutWord[],
  style: PairStyle,
): PagePair {
  const label = cleanLabel(textOf(labelWords));
  return {
    label: knownLabelOf(label) ?? label,
    value: textOf(valueWords).replace(VALUE_JUNK, ''),
    labelWords,
    valueWords,
    row: row.index,
    style,
  };
}

interface RowReading {
  pairs: PagePair[];
  loose: Segment[];
  /** A label left without a value at the row's end (`Bill To:`), which may take one from the row below. */
  awaiting: Segment[];
}

/** A segment a colon-less label may take as its value: text that is not itself a label or a blank. */
function canBeValue(segment: Segment | undefined): segment is Segment {
  return (
    segment !== undefined &&
    segment.fill === undefined &&
    /[\p{L}\p{N}]/u.test(segment.text) &&
    colonPairs(segment) === undefined &&
    !isOnlyLabelWords(segment.text) &&
    segment.text.split(/\s+/).length <= 8
  );
}

function readRow(row: PageRow): RowReading {
  const reading: RowReading = { pairs: [], loose: [], awaiting: [] };
  const segments = row.segments;
  let pending: { words: LayoutWord[]; segment: Segment } | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.fill) {
      // A leader between a label and its value: `Total ........ 21.98`.
      const before =
        pending ??
        (reading.loose.at(-1) === segments[i - 1]
          ? { words: segments[i - 1]?.words, segment: segments[i - 1] }
          : undefined);
      const next = segments[i + 1];
      if (
        segment.fill === 'dots' &&
        before?.segment &&
        isLabelText(before.segment.text) &&
        canBeValue(next)
      ) {
        if (!pending) reading.loose.pop();
        reading.pairs.push(pairOf(row, before.words, next.words, 'leader'));
        pending = undefined;
        i++;
      } else if (pending) {
        // A label followed by a blank: a field to fill in, not a value.
        reading.loose.push(pending.segment);
        pending = undefined;
      }
      continue;
    }
    const inline = colonPairs(segment);
    if (pending) {
      if (!inline && canBeValue(segment)) {
        reading.pairs.push(pairOf(row, pending.words, segment.words, 'colon'));
        pending = undefined;
        continue;
      }
      reading.awaiting.push(pending.segment);
      pending = undefined;
    }
    if (inline) {
      inline.forEach((pair, n) => {
        if (pair.valueWords.length > 0)
          reading.pairs.push(pairOf(row, pair.labelWords, pair.valueWords, 'colon'));
        else if (n === inline.length - 1)
          pending = { words: pair.labelWords, segment: segmentOf(pair.labelWords) };
        // A label with the next label right after it is a blank to fill in.
        else reading.loose.push(segmentOf(pair.labelWords));
      });
      continue;
    }
    // A colon-less label and its value across the gap: `TOTAL   $12.50`, `VAT 20%   2.10`.
    const next = segments[i + 1];
    if (isColonlessLabel(segment.text) && canBeValue(next) && !isColonlessLabel(next.text)) {
      reading.pairs.push(pairOf(row, segment.words, next.words, 'gap'));
      i++;
      continue;
    }
    const split = labelThenAmount(segment) ?? labelThenCode(segment);
    if (split) {
      reading.pairs.push(pairOf(row, split.labelWords, split.valueWords, 'gap'));
      continue;
    }
    reading.loose.push(segment);
  }
  if (pending) reading.awaiting.push(pending.segment);
  return reading;
}

const AMOUNT =
  /^[-−(]?(?:[$€£¥₹]|[A-Z]{3})?\s?-?\d{1,3}(?:[,.' ]\d{3})*(?:[.,]\d{2})(?:\s?(?:[$€£¥₹]|[A-Z]{3}))?\)?$/u;

/** A printed amount with its decimals (`$12.50`, `1.234,50 EUR`, `USD 4.37`). */
export function isAmountText(text: string): boolean {
  return AMOUNT.test(text.trim());
}

/**
 * `TOTAL $12.50` or `Invoice Date 8 August 2023` read as one segment (the gap was narrow): label words,
 * then an amount or a date to the end.
 */
function labelThenAmount(segment: Segment): InlinePair | undefined {
  const words = segment.words;
  for (let cut = 1; cut < words.length; cut++) {
    const value = textOf(words.slice(cut)).replace(VALUE_JUNK, '');
    if (!isAmountText(value) && parseDate(value) === undefined && splitDateTime(value) === undefined)
      continue;
    const label = textOf(words.slice(0, cut));
    if (isColonlessLabel(label)) return { labelWords: words.slice(0, cut), valueWords: words.slice(cut) };
    return undefined;
  }
  return undefined;
}

/** A short code a field holds: a seat, row, gate or platform (`12A`, `AA`, `B7`, `4`). */
const CODE_VALUE = /^(?:\p{Lu}{1,3}|[\p{Lu}\d]*\d[\p{Lu}\d]*)$/u;

/**
 * `ROW AA`, `Gate B7`: label words and one short code in one segment, the colon or the gap lost on a photo.
 * Marks OCR read before the label (`| ROW AA`) are left out.
 */
function labelThenCode(segment: Segment): InlinePair | undefined {
  const words = segment.words.filter((word, n) => n > 0 || /[\p{L}\p{N}]/u.test(word.text));
  if (words.length < 2 || words.length > 3) return undefined;
  const value = words.at(-1) as LayoutWord;
  const label = words.slice(0, -1);
  if (!CODE_VALUE.test(value.text) || !isOnlyLabelWords(textOf(label))) return undefined;
  // `BOOKING REF` is one label; `NR 5517` a flight (a code's prefix is no label of its own).
  if (isLabelWordToken(value.text) || !plainWords(textOf(label)).some((word) => word.length >= 3))
    return undefined;
  return { labelWords: label, valueWords: [value] };
}

// ── pairs across rows ────────────────────────────────────────────────────────

interface Column {
  label: Segment;
  from: number;
  to: number;
}

/** The row's labels as columns: each from its left edge to the next label's. */
function columnsOf(labels: Segment[], tolerance: number): Column[] {
  return labels.map((label, n) => ({
    label,
    from: label.box.left - tolerance,
    to: n + 1 < labels.length ? labels[n + 1].box.left - tolerance : Number.POSITIVE_INFINITY,
  }));
}

/** The value under a column: the first run of the row's words inside it, aligned with the label. */
function valueUnder(
  column: Column,
  words: readonly LayoutWord[],
  glyph: number,
  tolerance: number,
): LayoutWord[] {
  const inside = words.filter((word) => word.box.left >= column.from && word.box.left < column.to);
  const [first] = splitSegments(inside, glyph);
  if (!first) return [];
  const label = column.label.box;
  const aligned =
    Math.abs(first.box.left - label.left) <= tolerance ||
    Math.abs(first.box.left + first.box.width / 2 - (label.left + label.width / 2)) <= tolerance ||
    (first.box.left <= label.left && rightOf(first.box) >= rightOf(label));
  return aligned ? first.words : [];
}

/** Words that head the columns of a list of items, not fields of one record. */
const ITEM_COLUMN_WORDS = new Set([
  'description',
  'item',
  'items',
  'qty',
  'quantity',
  'unit',
  'price',
  'amount',
  'rate',
  'hours',
  'vat',
  'total',
]);

function isItemHeader(labels: Segment[]): boolean {
  return (
    labels.filter((label) => plainWords(label.text).some((word) => ITEM_COLUMN_WORDS.has(word))).length >= 2
  );
}

/**
 * Pairs of a label row over the row below: each label takes the value aligned under it. `stacked` for
 * one label (or labels above values in a grid), `table` for a row of column labels.
 */
function pairsAcross(row: PageRow, labels: Segment[], below: PageRow, belowLoose: Segment[]): PagePair[] {
  if (below.page !== row.page) return [];
  if (below.top - row.bottom > STACKED_MAX_GAP_ROWS * Math.max(row.height, below.height)) return [];
  if (row.height > STACKED_MAX_LABEL_HEIGHT * below.height) return [];
  const looseWords = belowLoose.flatMap((segment) => segment.words);
  if (looseWords.length === 0) return [];
  // Below must not be a row of labels itself (an unread value row leaves two label rows adjacent).
  if (belowLoose.every((segment) => isOnlyLabelWords(segment.text)) && below.height <= row.height * 1.05)
    return [];
  const tolerance = Math.max(3 * below.glyph, 0.01);
  const pairs: PagePair[] = [];
  for (const column of columnsOf(labels, tolerance)) {
    const value = valueUnder(column, looseWords, below.glyph, tolerance);
    if (value.length === 0 || isOnlyLabelWords(textOf(value))) continue;
    pairs.push(pairOf(row, column.label.words, value, labels.length > 1 ? 'table' : 'stacked'));
  }
  return pairs;
}

/**
 * Every pair of the rows: first those on one row, then labels over values. Labels over values are taken
 * only from rows with no pair of their own, and not from the header of a list of items.
 */
export function readRows(rows: readonly PageRow[]): PageReading {
  const readings = rows.map(readRow);
  const pairs: PagePair[] = [];
  const loose = new Map<number, Segment[]>(readings.map((reading, n) => [rows[n].index, [...reading.loose]]));
  const used = new Set<number>();
  for (let n = 0; n < rows.length; n++) {
    const reading = readings[n];
    const below = rows[n + 1];
    const header = below && !used.has(n) ? headerRowPairs(rows[n], reading, below, loose) : undefined;
    if (header) {
      // The row's colon-less "pairs" were two column labels side by side (`PASSENGER NAME   Flight`).
      pairs.push(...header);
      loose.set(rows[n].index, []);
      const taken = new Set(header.flatMap((pair) => pair.valueWords));
      loose.set(
        below.index,
        (loose.get(below.index) ?? []).flatMap((segment) => remaining(segment, taken)),
      );
      used.add(n + 1);
      continue;
    }
    pairs.push(...reading.pairs);
    if (!below || used.has(n)) continue;
    const belowLoose = loose.get(below.index) ?? [];
    const rowLoose = loose.get(rows[n].index) ?? [];
    // A label awaiting its value (`Bill To:`), or a row of nothing but colon-less labels.
    const labels =
      reading.awaiting.length > 0
        ? reading.awaiting
        : reading.pairs.length === 0 && rowLoose.length > 0 && rowLoose.some((s) => isColonlessLabel(s.text))
          ? rowLoose.filter((segment) => isColonlessLabel(segment.text))
          : [];
    if (labels.length === 0 || isItemHeader(rowLoose)) continue;
    const across = pairsAcross(rows[n], labels, below, belowLoose);
    if (across.length === 0) continue;
    pairs.push(...across);
    const taken = new Set(across.flatMap((pair) => [...pair.valueWords, ...pair.labelWords]));
    for (const index of [rows[n].index, below.index]) {
      loose.set(
        index,
        (loose.get(index) ?? []).flatMap((segment) => remaining(segment, taken)),
      );
    }
    used.add(n + 1);
  }
  return { rows: [...rows], pairs, loose };
}

/** A header row over a row of values has at least this many columns that line up. */
const MIN_HEADER_COLUMNS = 3;

/**
 * A row of column labels read as colon-less pairs of its own (`PASSENGER NAME   art   Date`, where OCR
 * misread the label `Flight`): when the row's segments read as labels (half of them at least), one
 * of them is made of label words, and the row below holds a value under at least MIN_HEADER_COLUMNS of them, the row is a table's
 * header and each label takes the value under it instead.
 */
function headerRowPairs(
  row: PageRow,
  reading: RowReading,
  below: PageRow,
  loose: ReadonlyMap<number, Segment[]>,
): PagePair[] | undefined {
  if (reading.pairs.length === 0 || reading.awaiting.length > 0) return undefined;
  if (reading.pairs.some((pair) => pair.style !== 'gap')) return undefined;
  // Specks and misread marks (`®`, `—`) are no columns.
  const texts = row.segments.filter(
    (segment) => segment.fill === undefined && /[\p{L}\p{N}]{2}/u.test(segment.text),
  );
  const labels = texts.filter(
    (segment) =>
      isLabelText(segment.text) && !isAmountText(segment.text) && parseDate(segment.text) === undefined,
  );
  if (labels.length < MIN_HEADER_COLUMNS || isItemHeader(labels)) return undefined;
  // Labels OCR garbled beyond reading (`£ Bat 1 py,`) may stand among them, but no more than half.
  if (labels.length < 0.5 * texts.length || !labels.some((segment) => isColonlessLabel(segment.text)))
    return undefined;
  const across = pairsAcross(row, labels, below, loose.get(below.index) ?? []);
  return across.length >= MIN_HEADER_COLUMNS && across.length > reading.pairs.length ? across : undefined;
}

/** What is left of a segment once some of its words are taken, as segments. */
function remaining(segment: Segment, taken: Set<LayoutWord>): Segment[] {
  const left = segment.words.filter((word) => !taken.has(word));
  if (left.length === segment.words.length) return [segment];
  return left.length > 0 ? splitSegments(left) : [];
}

/** The pages read into rows, pairs and loose segments. */
export function readPages(pages: readonly PageLayout[]): PageReading {
  return readRows(pageRows(pages));
}
