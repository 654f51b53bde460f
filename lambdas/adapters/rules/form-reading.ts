/**
 * The `rules` model's form reading, on the page's geometry: `Form Type` from the form's title (the largest
 * heading at the top, not the organisation line above it), the values filled in, and the blank fields.
 * A label is blank when what follows it on its row, before the next label, is nothing at all (OCR drops
 * drawn boxes, cells and lines below), a run of underscores or dots, an empty box, or OCR's reading of a
 * drawn mark (`[(TTTT1]`, `eeeeee..`). Dotted leaders are never values.
 */
import { type LayoutWord, plainWords, unionBox } from '../../core/layout';
import type { StrategyContext } from '../../core/ports';
import { parseDate } from '../../core/strategies/dates';
import { CANONICAL_FIELDS } from '../../core/strategies/field-names';
import { MAX_TAGS } from '../../core/strategies/normalise';
import { keywordTags } from './document-keywords';
import { misreadLabel } from './field-names';
import {
  colonPairs,
  isLabelText,
  LABEL_WORDS,
  type PageRow,
  pageRows,
  type Segment,
  splitWord,
  textPages,
} from './page-rows';
import { keyValues, kindSentence, listed, relatedItems, titleFrom, words } from './reading';
import type { LabelledValue } from './text-lines';
import { isHeadingLike } from './text-lines';

/** The title is looked for among this many rows at the top of the first page. */
const TITLE_SEARCH_ROWS = 5;
/** A row this much taller than the page's usual row is a heading (a section title), not a field. */
const HEADING_HEIGHT = 1.3;
/** A heading this much taller than another is the larger one. */
const TALLER = 1.1;

/**
 * Words field labels of forms end in, beside the label words of documents and the canonical field names:
 * a colon-less `Nationality Dutch` is a label and its value because `Nationality` is such a word.
 */
const FORM_LABEL_WORDS = new Set([
  ...LABEL_WORDS,
  ...Object.values(CANONICAL_FIELDS).flatMap((field) => field.names.flatMap(plainWords)),
  'allergies',
  'applied',
  'contact',
  'description',
  'experience',
  'loss',
  'membership',
  'occupation',
  'purpose',
  'reason',
  'relationship',
  'signature',
  'status',
  'title',
  'visit',
]);
const STOP_WORDS = new Set(['of', 'for', 'the', 'and', 'or', 'to', 'in', 'on', 'by', 'a', 'an', 'if', 'any']);
/** A word rests on a drawn box or cells, as OCR reads them: brackets, bars and strokes only. */
const DRAWN_MARK = /^[[(|{☐□❏][[\](){}|Il1iT!_\-—=~☐□❏]*$/u;
/** Dots and underscores, or one letter over and over (`eeeeeeee..`): a leader or a line, misread. */
const RULED_MARK = /^(?:_+|[._…·•‥-]{3,}.*|.*[._…·•‥]{3,}|(\p{L})\1{3,}[.\p{L}]*)$/u;

/**
 * What a row holds, left to right: text runs, drawn marks (a box, whose options may follow it, or a line of
 * dots or underscores) and the column gaps between segments (their width in characters).
 */
type Item =
  | { kind: 'text'; words: LayoutWord[] }
  | { kind: 'mark'; box: boolean }
  | { kind: 'gap'; glyphs: number };

function markOf(text: string): Item | undefined {
  if (DRAWN_MARK.test(text)) return { kind: 'mark', box: true };
  if (RULED_MARK.test(text)) return { kind: 'mark', box: false };
  return undefined;
}

/**
 * OCR's confidence below which a short or odd word is its reading of a drawn line, dots or a box edge
 * (`i fe ss`, `Ee a ©`): such words are marks, not text.
 */
const NOISE_CONFIDENCE = 0.35;
/** Below this OCR did not read a word at all, whatever its letters (`©oovviieiissiei` for a dotted line). */
const UNREAD_CONFIDENCE = 0.1;

/** Short, or more signs than letters and digits: what OCR makes of a line or a box edge. */
function isOddWord(text: string): boolean {
  const alphanumeric = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return text.length <= 4 || alphanumeric < 0.6 * text.length;
}

/** OCR's confidence below which a letter or two, or a letter repeated, is its reading of a box or cells. */
const BOX_LETTERS_CONFIDENCE = 0.6;

/**
 * `Case Number B`, `Postal Code EEE`: a drawn box or a row of cells read, unsurely, as a letter or two or as
 * one letter repeated (`EER` too). Short label words (`No`, `ID`) read unsurely are still words.
 */
function isBoxReadAsLetters(word: LayoutWord): boolean {
  if (word.confidence >= BOX_LETTERS_CONFIDENCE) return false;
  const letters = plainWords(word.text).join('');
  // One letter over and over, or nearly (`EEE`, `EER`): a row of cells.
  const most = Math.max(0, ...[...new Set(letters)].map((letter) => letters.split(letter).length - 1));
  if (letters.length >= 3 && most >= (2 / 3) * letters.length) return true;
  return word.text.length <= 2 && !FORM_LABEL_WORDS.has(letters) && !STOP_WORDS.has(letters);
}

/** `[Email`: a box's bracket read glued to the option after it. */
function unglueBox(word: LayoutWord): LayoutWord[] {
  const match = /^([[☐□❏][1Il|\]]?)(\p{L}.*)$/u.exec(word.text);
  if (!match) return [word];
  return splitWord(word, match[1].length);
}

/** `Address;`: a label's colon often reads as a semicolon on a photo. */
function withColon(word: LayoutWord): LayoutWord {
  return /^\p{L}[\p{L}.]*;$/u.test(word.text) ? { ...word, text: `${word.text.slice(0, -1)}:` } : word;
}

/** Short label words OCR reads with a digit for a letter (`1D`, `N0.`), as digits never print in them. */
const LOOKALIKE_LABEL_WORDS = new Set(['id', 'no', 'nr']);

/** `Patient 1D`: the last word of a label, read with `1` for `I` or `0` for `O`, as the label word. */
function withLetters(word: LayoutWord, index: number, words: readonly LayoutWord[]): LayoutWord {
  const match = /^([0-9A-Za-z]{2})([.:]?)$/.exec(word.text);
  if (!match || index === 0 || index !== words.length - 1 || !/\p{L}{3}/u.test(words[index - 1].text))
    return word;
  const letters = match[1].replace(/0/g, 'O').replace(/1/g, 'I');
  return letters !== match[1] && LOOKALIKE_LABEL_WORDS.has(letters.toLowerCase())
    ? { ...word, text: `${letters}${match[2]}` }
    : word;
}

/** A row's segments as items; a mark word inside a text segment splits it there. */
function itemsOf(row: PageRow): Item[] {
  const items: Item[] = [];
  const push = (item: Item) => {
    const last = items.at(-1);
    if (item.kind === 'mark' && last?.kind === 'mark') last.box ||= item.box;
    else items.push(item);
  };
  let right: number | undefined;
  for (const segment of row.segments) {
    if (right !== undefined)
      push({ kind: 'gap', glyphs: (segment.box.left - right) / Math.max(row.glyph, 1e-6) });
    right = segment.box.left + segment.box.width;
    if (segment.fill) {
      push({ kind: 'mark', box: segment.fill === 'box' });
      continue;
    }
    let run: LayoutWord[] = [];
    const close = () => {
      if (run.length > 0) push({ kind: 'text', words: run });
      run = [];
    };
    for (const word of segment.words.flatMap(unglueBox).map(withColon).map(withLetters)) {
      // `[ 1`: the stroke read after a box's bracket belongs to the box.
      const stroke = items.at(-1)?.kind === 'mark' && run.length === 0 && /^[1Il|\]]$/.test(word.text);
      const noise =
        word.confidence < UNREAD_CONFIDENCE ||
        (word.confidence < NOISE_CONFIDENCE && isOddWord(word.text)) ||
        isBoxReadAsLetters(word);
      const mark =
        markOf(word.text) ??
        (stroke
          ? ({ kind: 'mark', box: true } as const)
          : noise
            ? ({ kind: 'mark', box: false } as const)
            : undefined);
      if (mark) {
        close();
        push(mark);
      } else run.push(word);
    }
    close();
  }
  return items;
}

const textOf = (words: readonly LayoutWord[]) =>
  words
    .map((word) => word.text)
    .join(' ')
    .trim();

function segmentOf(words: LayoutWord[]): Segment {
  return { text: textOf(words), words, box: unionBox(words.map((word) => word.box)) };
}

const COLON_END = /[:：]$/u;

const withoutColon = (text: string) => text.replace(/\s*[:：]\s*$/u, '').trim();

/** How a field label is printed: short, mostly letters, not a sentence. */
function isFieldLabel(text: string): boolean {
  const label = withoutColon(text);
  return (
    label.length >= 2 &&
    isLabelText(label) &&
    !/[.!?]$/.test(label) &&
    parseDate(label) === undefined &&
    (label.match(/\p{L}/gu)?.length ?? 0) >= 0.6 * label.replace(/\s/g, '').length
  );
}

const isLabelWord = (word: string) => FORM_LABEL_WORDS.has(word);

/** OCR's confidence below which a label of no known field word is taken for noise (a speck, a shadow). */
const MIN_UNKNOWN_LABEL_CONFIDENCE = 0.75;
/** And below which even a label of field words is. */
const MIN_LABEL_CONFIDENCE = 0.3;

/**
 * Whether OCR words make a field's label rather than noise on a bad photo (`os i i`, `fe`): a few letters
 * at least, read with some confidence; a label of no known field word needs its colon and a sure reading.
 */
function isReadLabel(words: readonly LayoutWord[], colon: boolean): boolean {
  const text = withoutColon(textOf(words));
  if (!isFieldLabel(text) || !plainWords(text).some((word) => /\p{L}{3}/u.test(word))) return false;
  const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / Math.max(1, words.length);
  if (plainWords(text).some(isLabelWord)) return confidence >= MIN_LABEL_CONFIDENCE;
  return colon && confidence >= MIN_UNKNOWN_LABEL_CONFIDENCE;
}

/**
 * A colon-less label and its value in one run: `Policy Number POL-5744436` (the value is where a date or
 * a number begins), `Nationality Dutch` (the label ends in a label word, and the rest is not labels).
 */
function labelAndValue(words: LayoutWord[]): { label: LayoutWord[]; value: LayoutWord[] } | undefined {
  for (let cut = 1; cut < words.length; cut++) {
    const label = words.slice(0, cut);
    if (!isFieldLabel(textOf(label))) break;
    const rest = textOf(words.slice(cut));
    if (/^[+(]?\d/.test(rest) || parseDate(rest) !== undefined) return { label, value: words.slice(cut) };
  }
  for (let cut = Math.min(words.length - 1, 5); cut >= 1; cut--) {
    const label = words.slice(0, cut);
    const last = plainWords(label.at(-1)?.text ?? '').at(-1);
    if (!last || !isLabelWord(last) || !isFieldLabel(textOf(label))) continue;
    const rest = plainWords(textOf(words.slice(cut)));
    if (rest.some((word) => !isLabelWord(word) && !STOP_WORDS.has(word))) {
      return { label, value: words.slice(cut) };
    }
  }
  return undefined;
}

/** `I agree to the terms` after its box: a few words, read surely (not a speck the box's edge left). */
function isBoxedStatement(words: readonly LayoutWord[]): boolean {
  const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / Math.max(1, words.length);
  return (
    words.length <= 8 &&
    /^\p{L}/u.test(words[0]?.text ?? '') &&
    plainWords(textOf(words)).some((word) => /\p{L}{3}/u.test(word)) &&
    confidence >= MIN_UNKNOWN_LABEL_CONFIDENCE
  );
}

/** A value this many characters or more across the gap from its label is far from it. */
const FAR_GAP_GLYPHS = 12;
/** OCR's confidence below which a lone character or two far from the label is a speck, not a value. */
const SPECK_CONFIDENCE = 0.8;

/** A lone character or two, read unsurely far across the gap (`Case Number ........ A`): a speck. */
function isFarSpeck(words: readonly LayoutWord[], gap: number | undefined): boolean {
  return (
    words.length === 1 &&
    words[0].text.length <= 2 &&
    words[0].confidence < SPECK_CONFIDENCE &&
    (gap ?? 0) >= FAR_GAP_GLYPHS
  );
}

export interface FormFields {
  pairs: LabelledValue[];
  blanks: string[];
}

/** The filled values and blank fields of the rows below the title, in reading order. */
export function formFields(rows: readonly PageRow[]): FormFields {
  const found: FormFields = { pairs: [], blanks: [] };
  // Rows OCR read surely: specks and a ruled line read as letters have heights of their own.
  const read = rows.filter((row) =>
    row.words.some((word) => word.confidence >= 0.5 && /\p{L}{2}/u.test(word.text)),
  );
  const usualHeight = median((read.length > 0 ? read : rows).map((row) => row.height));
  for (const row of rows) {
    const items = itemsOf(row);
    // A heading is text alone: a row with a box, a line or a label's colon is a field, however tall OCR read it.
    const field = items.some(
      (item) =>
        item.kind === 'mark' ||
        (item.kind === 'text' && item.words.some((word) => COLON_END.test(word.text))),
    );
    if (!field && row.height > HEADING_HEIGHT * usualHeight) continue;
    readFieldRow(items, found);
  }
  return found;
}

/** Two parts of one label split by a wide word space (`Full    Name`) are closer than this many characters. */
const LABEL_SPLIT_GLYPHS = 4;

interface Pending {
  words: LayoutWord[];
  colon: boolean;
  /** A column gap came after the label: the next text is its value, or the next field. */
  acrossGap?: number;
}

function readFieldRow(items: Item[], found: FormFields): void {
  let pending: Pending | undefined;
  // After a box: the texts are the options of the field before it, until the next labelled field.
  let options = false;
  const settle = () => {
    if (pending !== undefined) found.blanks.push(withoutColon(textOf(pending.words)));
    pending = undefined;
  };
  // `☐ I agree to the terms`: a box that opens its row is the field named after it.
  const boxFirst = items[0]?.kind === 'mark' ? items.find((item) => item.kind === 'text') : undefined;
  for (const item of items) {
    if (item.kind === 'mark') {
      if (item !== items[0]) {
        settle();
        options ||= item.box;
      }
      continue;
    }
    if (item.kind === 'gap') {
      if (pending) pending.acrossGap = item.glyphs;
      continue;
    }
    const text = textOf(item.words);
    const inline = colonPairs(segmentOf(item.words));
    if (options && !inline) continue;
    options = false;
    if (item === boxFirst) {
      if (isBoxedStatement(item.words)) found.blanks.push(withoutColon(text));
      options = true;
      continue;
    }
    const split = inline ? undefined : labelAndValue(item.words);
    if (pending) {
      const label = !inline && !split && isReadLabel(item.words, false);
      const joined = [...pending.words, ...item.words];
      if (
        label &&
        !pending.colon &&
        (pending.acrossGap ?? 0) < LABEL_SPLIT_GLYPHS &&
        isReadLabel(joined, false)
      ) {
        pending = { words: joined, colon: false };
        continue;
      }
      if (inline || split || label) settle();
      else if (isFarSpeck(item.words, pending.acrossGap)) {
        // A mark OCR read far across the blank (the page's edge, a shadow): the field is still blank.
        settle();
        continue;
      } else {
        // `Patient ID      P851481`, `Total:      8.25`: the value across the gap.
        found.pairs.push({ label: withoutColon(textOf(pending.words)), value: text });
        pending = undefined;
        continue;
      }
    }
    if (inline) {
      inline.forEach((pair, n) => {
        const value = textOf(pair.valueWords);
        if (value) found.pairs.push({ label: withoutColon(textOf(pair.labelWords)), value });
        else if (!isReadLabel(pair.labelWords, true)) return;
        else if (n === inline.length - 1) pending = { words: pair.labelWords, colon: true };
        else found.blanks.push(withoutColon(textOf(pair.labelWords)));
      });
      continue;
    }
    if (split) {
      found.pairs.push({ label: textOf(split.label), value: textOf(split.value) });
      continue;
    }
    if (isReadLabel(item.words, false)) pending = { words: item.words, colon: false };
  }
  settle();
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The form's title: among the first rows, the tallest that reads as a heading (the organisation's line
 * above it is smaller); of rows as tall, the first.
 */
export function titleRow(rows: readonly PageRow[]): PageRow | undefined {
  const top = rows.filter((row) => row.page === 1).slice(0, TITLE_SEARCH_ROWS);
  let best: PageRow | undefined;
  for (const row of top) {
    const text = textOf(row.words);
    if (!isHeadingLike(text)) continue;
    if (!best || row.height > best.height * TALLER) best = row;
  }
  return best;
}

/** `Form Type`: the title's words without a closing "Form" ("INSURANCE CLAIM FORM" → "Insurance Claim"). */
export function formTypeOf(title: string): string {
  const kind = words(title);
  if (kind.length > 1 && kind.at(-1)?.toLowerCase() === 'form') kind.pop();
  return kind.join(' ');
}

/** A blank's label as the known label OCR misread (`Mars al Status`); one made of field words as printed. */
function knownFormLabel(label: string): string {
  const words = plainWords(label);
  if (words.every((word) => isLabelWord(word) || STOP_WORDS.has(word))) return label;
  return misreadLabel(label) ?? label;
}

export function readForm(context: StrategyContext) {
  const pages = context.pages.length > 0 ? context.pages : textPages(context.ocrText);
  const rows = pageRows(pages);
  const title = titleRow(rows);
  const below = title === undefined ? rows : rows.filter((row) => row.index > title.index);
  const { pairs, blanks } = formFields(below);
  const heading = title === undefined ? undefined : textOf(title.words);
  const lines = rows.map((row) => textOf(row.words));
  const kv = { 'Form Type': formTypeOf(heading ?? ''), ...keyValues(pairs, false) };
  const filled = new Set(Object.keys(kv));
  const fields = [...new Set(blanks.map(knownFormLabel))].filter((label) => !filled.has(label));
  const tags = keywordTags(context.ocrText).slice(0, MAX_TAGS);
  const formTitle = titleFrom(lines, heading, pairs);
  const blankSentence =
    fields.length > 0
      ? ` It has ${fields.length} blank fields to fill in, including ${listed(fields)}.`
      : ' It has no blank fields left.';
  return {
    title: formTitle,
    tags: tags.length > 0 ? tags : ['form'],
    description: `${kindSentence('form', tags, formTitle)}${blankSentence}`,
    kv,
    fields,
    related: relatedItems(context.library, context.ocrText),
  };
}
