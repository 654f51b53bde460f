/**
 * Evidence for every value (DESIGN §3.2), for any model: each `kv` value and form field is looked for
 * among the OCR words of the pages, after the normalisation results get (case, spacing and punctuation;
 * dates as `MMM DD, YYYY` read back from any printed form; amounts by their number), so a value split
 * across words or rows still meets its words. What no words support is `grounded: false`: possibly
 * invented. Form-filling values cite the library item and the key in it that holds the value.
 */
import { icaoCheckDigit } from './check-digit';
import { type LayoutWord, type PageLayout, plainWords, unionBox } from './layout';
import { layoutRows } from './layout-text';
import type { Evidence, FillEvidence, PageSize, ValueEvidence } from './schemas/evidence';
import type { Library } from './schemas/library';
import { amountInCents } from './strategies/amounts';
import { formatDate, parseDate } from './strategies/dates';
import { derivedValues } from './strategies/field-names';
import { FORM_TYPE_KEY } from './strategies/form';
import { itemValues } from './strategies/library-summary';
import { cleanText, isRecord, type Scalar, stringValue } from './strategies/normalise';
import type { TaskType } from './task';

/** A match of this quality or better grounds a value. */
export const GROUNDED_MIN_QUALITY = 0.6;
/** Match qualities by how the words were found (1 = the same characters, in order). */
const QUALITY = { exact: 1, date: 0.95, ambiguousDate: 0.85, amount: 0.9, words: 0.8, fuzzy: 0.9 } as const;
/** Values this short (after normalisation) are common on any page: found away from their label, they count less. */
const SHORT_VALUE_CHARS = 2;
const SHORT_VALUE_FACTOR = 0.75;
/** Words of a value found apart (token-set match) must lie within this many rows of each other. */
const WORD_SPREAD_ROWS = 2;
const MIN_WORD_COVERAGE = 0.75;
/** Approximate matching (OCR slips the model corrected): edit distance at most this share of the value. */
const FUZZY_MAX_ERRORS = 0.2;
const FUZZY_MIN_CHARS = 5;
const FUZZY_MAX_CHARS = 64;
/** Bound on the approximate-matching work of one task (cells of the edit-distance table). */
const FUZZY_BUDGET_CELLS = 10_000_000;
/** Tokens a printed date may take ("14", "March", "2024"). */
const MAX_DATE_WORDS = 4;

export interface GroundingOptions {
  /**
   * Drop `kv` values no words support (`Form Type` stays: a form always has one), and filled values no
   * key of their cited library item supports.
   */
  dropUngrounded: boolean;
}

export interface Grounding {
  /** The result, without ungrounded values when they are dropped. */
  result: unknown;
  evidence: Evidence;
  /** `kv` values no words support, or filled values their item does not (counted before any are dropped). */
  ungrounded: number;
}

// ── normalised text ──────────────────────────────────────────────────────────

/** A line of a passport's or ID card's machine-readable zone (`P<UTOERIKSSON<<ANNA…`, `7408122F1204159UTO<<<`). */
const ZONE_WORD = /^[A-Z0-9<]{20,}$/;

/**
 * The runs of a word, a zone line's fields apart: its runs split where letters meet digits, so a
 * nationality (`UTO`) or a name packed between digits and fillers is a run of its own.
 */
function wordSegments(text: string): string[] {
  if (!ZONE_WORD.test(text) || !text.includes('<')) return plainWords(text);
  return plainWords(text).flatMap((run) => run.match(/\p{L}+|\p{N}+/gu) ?? []);
}

/** Dates a zone line states: `YYMMDD` followed by its own check digit, in either century. */
function zoneDates(text: string): string[] {
  if (!ZONE_WORD.test(text) || !text.includes('<')) return [];
  const dates: string[] = [];
  for (let at = 0; at + 7 <= text.length; at++) {
    const field = text.slice(at, at + 6);
    if (!/^\d{6}$/.test(field) || icaoCheckDigit(field) !== text[at + 6]) continue;
    const [yy, mm, dd] = [Number(field.slice(0, 2)), Number(field.slice(2, 4)), Number(field.slice(4, 6))];
    for (const century of [1900, 2000]) {
      const date = formatDate(century + yy, mm, dd);
      if (date) dates.push(date);
    }
  }
  return dates;
}

const compact = (text: string) => plainWords(text).join('');

/** Every `MMM DD, YYYY` a printed date may mean: one when certain, both readings of `05/03/2024`. */
function dateReadings(text: string): { date: string; certain: boolean }[] {
  const trimmed = text.trim().replace(/[.,;:]+$/, '');
  const certain = parseDate(trimmed);
  if (certain) return [{ date: certain, certain: true }];
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(trimmed);
  if (!match) return [];
  const [first, second] = [Number(match[1]), Number(match[2])];
  const years =
    match[3].length === 4 ? [Number(match[3])] : [2000 + Number(match[3]), 1900 + Number(match[3])];
  return years
    .flatMap((year) => [formatDate(year, second, first), formatDate(year, first, second)])
    .filter((date) => date !== undefined)
    .map((date) => ({ date, certain: false }));
}

// ── the pages, indexed ───────────────────────────────────────────────────────

interface Token {
  word: LayoutWord;
  row: number;
  segments: string[];
}

/** One page's words in reading order (rows as the model read them), as one normalised stream. */
interface PageIndex {
  page: number;
  tokens: Token[];
  stream: string;
  /** Stream position → index of its token. */
  owner: number[];
  /** Stream positions where a run of letters and digits begins / ends (exclusive). */
  starts: Set<number>;
  ends: Set<number>;
  /** Token indices by each run they contain. */
  bySegment: Map<string, number[]>;
  dates?: Map<string, Match[]>;
  amounts?: Map<number, number[]>;
}

interface Match {
  page: PageIndex;
  tokens: number[];
  quality: number;
}

function indexPage(layout: PageLayout, page: number): PageIndex {
  const tokens: Token[] = layoutRows(layout).flatMap((row, rowIndex) =>
    row.words.map((word) => ({ word, row: rowIndex, segments: wordSegments(word.text) })),
  );
  const index: PageIndex = {
    page,
    tokens,
    stream: '',
    owner: [],
    starts: new Set(),
    ends: new Set(),
    bySegment: new Map(),
  };
  let stream = '';
  tokens.forEach((token, tokenIndex) => {
    for (const segment of token.segments) {
      index.starts.add(stream.length);
      stream += segment;
      index.ends.add(stream.length);
      for (let i = 0; i < segment.length; i++) index.owner.push(tokenIndex);
      const list = index.bySegment.get(segment) ?? [];
      if (list.at(-1) !== tokenIndex) list.push(tokenIndex);
      index.bySegment.set(segment, list);
    }
  });
  index.stream = stream;
  return index;
}

function span(page: PageIndex, from: number, to: number): number[] {
  const first = page.owner[from];
  const last = page.owner[to - 1];
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** The same characters in order, starting and ending on word boundaries (words split by OCR rejoin). */
function exactMatches(page: PageIndex, needle: string): Match[] {
  const matches: Match[] = [];
  if (!needle) return matches;
  for (let at = page.stream.indexOf(needle); at !== -1; at = page.stream.indexOf(needle, at + 1)) {
    if (page.starts.has(at) && page.ends.has(at + needle.length)) {
      matches.push({ page, tokens: span(page, at, at + needle.length), quality: QUALITY.exact });
    }
  }
  return matches;
}

/** Every date printed on the page (one to four words), under each `MMM DD, YYYY` it may mean. */
function datesOf(page: PageIndex): Map<string, Match[]> {
  if (page.dates) return page.dates;
  const dates = new Map<string, Match[]>();
  page.tokens.forEach((_, start) => {
    for (let length = 1; length <= MAX_DATE_WORDS && start + length <= page.tokens.length; length++) {
      const words = page.tokens.slice(start, start + length);
      // A date may wrap onto the next row, no further.
      if ((words.at(-1)?.row ?? 0) - words[0].row > 1) break;
      const printed = words.map((token) => token.word.text).join(' ');
      // "Date:14/03/2024" read as one word: the date is after the colon.
      const candidates = length === 1 ? [printed, printed.replace(/^.*[:：]/, '')] : [printed];
      const zone = length === 1 ? zoneDates(printed).map((date) => ({ date, certain: false })) : [];
      for (const reading of [...candidates.flatMap(dateReadings), ...zone]) {
        const list = dates.get(reading.date) ?? [];
        list.push({
          page,
          tokens: Array.from({ length }, (_, i) => start + i),
          quality: reading.certain ? QUALITY.date : QUALITY.ambiguousDate,
        });
        dates.set(reading.date, list);
      }
    }
  });
  page.dates = dates;
  return dates;
}

function amountsOf(page: PageIndex): Map<number, number[]> {
  if (page.amounts) return page.amounts;
  const amounts = new Map<number, number[]>();
  page.tokens.forEach((token, tokenIndex) => {
    const amount = amountInCents(token.word.text);
    if (amount !== undefined) amounts.set(amount, [...(amounts.get(amount) ?? []), tokenIndex]);
  });
  page.amounts = amounts;
  return amounts;
}

/** A value's words found apart, close together (reordered, or interleaved with another column). */
function wordMatches(page: PageIndex, segments: string[]): Match[] {
  const wanted = [...new Set(segments)];
  if (wanted.length < 2) return [];
  const total = wanted.reduce((sum, segment) => sum + segment.length, 0);
  const found = wanted.filter((segment) => page.bySegment.has(segment));
  const anchor = found.sort(
    (a, b) => (page.bySegment.get(a)?.length ?? 0) - (page.bySegment.get(b)?.length ?? 0),
  )[0];
  if (anchor === undefined) return [];
  const matches: Match[] = [];
  for (const at of (page.bySegment.get(anchor) ?? []).slice(0, 20)) {
    const row = page.tokens[at].row;
    const tokens = new Set([at]);
    let covered = anchor.length;
    for (const segment of wanted) {
      if (segment === anchor) continue;
      const nearest = (page.bySegment.get(segment) ?? [])
        .filter((other) => Math.abs(page.tokens[other].row - row) <= WORD_SPREAD_ROWS)
        .sort((a, b) => Math.abs(a - at) - Math.abs(b - at))[0];
      if (nearest === undefined) continue;
      tokens.add(nearest);
      covered += segment.length;
    }
    const coverage = covered / total;
    if (coverage >= MIN_WORD_COVERAGE && tokens.size >= 2) {
      matches.push({ page, tokens: [...tokens].sort((a, b) => a - b), quality: QUALITY.words * coverage });
    }
  }
  return matches;
}

/**
 * The best approximate occurrence (Sellers' edit distance, any start) within FUZZY_MAX_ERRORS, for a value
 * whose OCR words carry a slip the model corrected ("Suppl1es" → "Supplies"). Spends from `budget`.
 */
function fuzzyMatch(page: PageIndex, needle: string, budget: { cells: number }): Match | undefined {
  const m = needle.length;
  const n = page.stream.length;
  if (m < FUZZY_MIN_CHARS || m > FUZZY_MAX_CHARS || n === 0 || budget.cells < m * n) return undefined;
  budget.cells -= m * n;
  const maxErrors = Math.floor(m * FUZZY_MAX_ERRORS);
  // Column j of the table: distances of needle prefixes against text ending at j, with each path's start.
  let cost = Int32Array.from({ length: m + 1 }, (_, i) => i);
  let start = new Int32Array(m + 1);
  let nextCost = new Int32Array(m + 1);
  let nextStart = new Int32Array(m + 1);
  let best: { errors: number; from: number; to: number } | undefined;
  for (let j = 1; j <= n; j++) {
    nextCost[0] = 0;
    nextStart[0] = j;
    const char = page.stream[j - 1];
    for (let i = 1; i <= m; i++) {
      const substitute = cost[i - 1] + (needle[i - 1] === char ? 0 : 1);
      const skipText = cost[i] + 1;
      const skipNeedle = nextCost[i - 1] + 1;
      if (substitute <= skipText && substitute <= skipNeedle) {
        nextCost[i] = substitute;
        nextStart[i] = start[i - 1];
      } else if (skipText <= skipNeedle) {
        nextCost[i] = skipText;
        nextStart[i] = start[i];
      } else {
        nextCost[i] = skipNeedle;
        nextStart[i] = nextStart[i - 1];
      }
    }
    [cost, nextCost] = [nextCost, cost];
    [start, nextStart] = [nextStart, start];
    if (cost[m] <= maxErrors && (best === undefined || cost[m] < best.errors)) {
      best = { errors: cost[m], from: start[m], to: j };
    }
  }
  if (!best || best.to <= best.from) return undefined;
  return {
    page,
    tokens: span(page, best.from, best.to),
    quality: QUALITY.fuzzy * (1 - best.errors / m),
  };
}

// ── choosing the match ───────────────────────────────────────────────────────

/** True when a word of the label sits on the match's row before it, or on the row above. */
function nearLabel(match: Match, label: string[]): boolean {
  if (label.length === 0) return false;
  const first = match.tokens[0];
  const row = match.page.tokens[first].row;
  return match.page.tokens.some(
    (token, index) =>
      ((token.row === row && index < first) || token.row === row - 1) &&
      token.segments.some((segment) => label.includes(segment)),
  );
}

interface Candidates {
  matches: Match[];
  short: boolean;
}

function valueMatches(pages: PageIndex[], text: string, budget: { cells: number }): Candidates {
  const segments = plainWords(text);
  const needle = segments.join('');
  const short = needle.length <= SHORT_VALUE_CHARS;
  const date = parseDate(text);
  const amount = date === undefined ? amountInCents(text) : undefined;
  let matches = pages.flatMap((page) => exactMatches(page, needle));
  if (matches.length === 0 && date !== undefined)
    matches = pages.flatMap((page) => datesOf(page).get(date) ?? []);
  if (matches.length === 0 && amount !== undefined) {
    matches = pages.flatMap((page) =>
      (amountsOf(page).get(amount) ?? []).map((token) => ({
        page,
        tokens: [token],
        quality: QUALITY.amount,
      })),
    );
  }
  if (matches.length === 0) matches = pages.flatMap((page) => wordMatches(page, segments));
  if (matches.length === 0) {
    matches = pages.map((page) => fuzzyMatch(page, needle, budget)).filter((match) => match !== undefined);
  }
  return { matches, short };
}

function evidenceOf(match: Match | undefined, quality: number): ValueEvidence {
  if (!match || quality < GROUNDED_MIN_QUALITY) return { confidence: 0, grounded: false };
  const words = match.tokens.map((index) => match.page.tokens[index].word);
  const ocrConfidence = words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
  return {
    page: match.page.page,
    text: words.map((word) => word.text).join(' '),
    box: unionBox(words.map((word) => word.box)),
    confidence: Math.round(quality * ocrConfidence * 1000) / 1000,
    grounded: true,
  };
}

/** The match nearest its label, then the best, then the first on the pages. */
function bestEvidence(candidates: Candidates, label: string): ValueEvidence {
  const labelWords = plainWords(label).filter((segment) => segment.length >= 3);
  let best: { match: Match; quality: number; score: number } | undefined;
  for (const match of candidates.matches) {
    const near = nearLabel(match, labelWords);
    const quality = match.quality * (candidates.short && !near ? SHORT_VALUE_FACTOR : 1);
    const score = quality + (near ? 0.1 : 0);
    if (!best || score > best.score) best = { match, quality, score };
  }
  return evidenceOf(best?.match, best?.quality ?? 0);
}

/** Where a value is printed; a boolean (a ticked box) rests on its label. */
function valueEvidence(
  pages: PageIndex[],
  key: string,
  value: Scalar,
  budget: { cells: number },
): ValueEvidence {
  const text = typeof value === 'boolean' ? (key.split('.').at(-1) ?? key) : cleanText(value);
  return bestEvidence(valueMatches(pages, text, budget), typeof value === 'boolean' ? '' : key);
}

// ── form filling ─────────────────────────────────────────────────────────────

/** Dice coefficient of two names' words: which of several keys holding a value the field most likely meant. */
function nameSimilarity(a: string, b: string): number {
  const left = new Set(plainWords(a));
  const right = new Set(plainWords(b));
  if (left.size === 0 || right.size === 0) return 0;
  const shared = [...left].filter((word) => right.has(word)).length;
  return (2 * shared) / (left.size + right.size);
}

/** How well a library value supports a filled value: 1 the same, less when only read alike, 0 not at all. */
function supportOf(filled: string, stored: string): number {
  if (cleanText(filled).toLowerCase() === cleanText(stored).toLowerCase()) return 1;
  if (compact(filled) !== '' && compact(filled) === compact(stored)) return 0.95;
  const date = parseDate(filled);
  if (date !== undefined && dateReadings(stored).some((reading) => reading.date === date)) return 0.9;
  const amount = amountInCents(filled);
  if (amount !== undefined && amount === amountInCents(stored)) return 0.9;
  // Part of a stored value ("Doe" of "Jane Doe").
  const storedWords = plainWords(stored);
  const filledWords = plainWords(filled);
  if (filledWords.length > 0 && filledWords.every((word) => storedWords.includes(word))) return 0.7;
  return 0;
}

/** A value derived from others (monthly from annual income) is supported a little less than a stated one. */
const DERIVED_SUPPORT = 0.85;

/**
 * The key of the cited item that holds the value (for a derived value, the first key it was derived
 * from); confidence from the value's support and the key's name.
 */
function fillEvidence(
  library: Library,
  field: string,
  value: string,
  source: unknown,
): FillEvidence | undefined {
  if (!isRecord(source) || typeof source.resource_id !== 'string') return undefined;
  const list = source.type === 'form' ? library.forms : library.docs;
  const item = list.find((candidate) => String(candidate.id) === source.resource_id);
  const resourceId = source.resource_id;
  if (!item) return { resourceId, confidence: 0 };
  const values = itemValues(item);
  let best: { key: string; support: number; similarity: number } | undefined;
  const consider = (key: string, support: number, similarity: number) => {
    if (support === 0) return;
    if (!best || support + 0.2 * similarity > best.support + 0.2 * best.similarity) {
      best = { key, support, similarity };
    }
  };
  for (const [key, raw] of Object.entries(values)) {
    const stored = stringValue(raw);
    consider(key, stored === undefined ? 0 : supportOf(value, stored), nameSimilarity(field, key));
  }
  if (!best) {
    for (const derived of derivedValues(values)) {
      const support = supportOf(value, derived.value) * DERIVED_SUPPORT;
      consider(derived.keys[0], support, nameSimilarity(field, derived.field));
    }
  }
  if (!best) return { resourceId, confidence: 0 };
  return {
    resourceId,
    sourceKey: best.key,
    confidence: Math.round(best.support * (0.75 + 0.25 * best.similarity) * 1000) / 1000,
  };
}

// ── the whole result ─────────────────────────────────────────────────────────

export function pageSizes(pages: readonly PageLayout[]): PageSize[] {
  return pages.map((page, index) => ({
    page: index + 1,
    width: Math.round(page.width),
    height: Math.round(page.height),
  }));
}

/**
 * Evidence of a valid result (`document`, `form` or `form_filling`) from the pages it was read from.
 * Never throws on any result shape: what is not a record gets no entries.
 */
export function groundResult(
  type: TaskType,
  result: unknown,
  pages: readonly PageLayout[],
  library: Library,
  options: GroundingOptions,
): Grounding {
  const evidence: Evidence = { pages: pageSizes(pages) };
  if (!isRecord(result)) return { result, evidence, ungrounded: 0 };
  if (type === 'form_filling') {
    const fill = Object.entries(result).flatMap(([field, filled]) => {
      if (!isRecord(filled) || typeof filled.value !== 'string') return [];
      const cited = fillEvidence(library, field, filled.value, filled.source);
      return cited ? [[field, cited] as const] : [];
    });
    // A value no key of its cited item supports (nor derives) has no source: possibly invented.
    const unsupported = new Set(
      fill.filter(([, cited]) => cited.sourceKey === undefined).map(([field]) => field),
    );
    if (!options.dropUngrounded || unsupported.size === 0) {
      return {
        result,
        evidence: { ...evidence, fill: Object.fromEntries(fill) },
        ungrounded: unsupported.size,
      };
    }
    const kept = Object.entries(result).filter(([field]) => !unsupported.has(field));
    const keptFill = fill.filter(([field]) => !unsupported.has(field));
    return {
      result: Object.fromEntries(kept),
      evidence: { ...evidence, fill: Object.fromEntries(keptFill) },
      ungrounded: unsupported.size,
    };
  }
  const index = pages.map((page, n) => indexPage(page, n + 1));
  const budget = { cells: FUZZY_BUDGET_CELLS };
  const kv = isRecord(result.kv) ? (result.kv as Record<string, Scalar>) : {};
  const kvEvidence = Object.entries(kv).map(
    ([key, value]) => [key, valueEvidence(index, key, value, budget)] as const,
  );
  const ungroundedKeys = new Set(kvEvidence.filter(([, found]) => !found.grounded).map(([key]) => key));
  const dropped = (key: string) => options.dropUngrounded && ungroundedKeys.has(key) && key !== FORM_TYPE_KEY;
  const keptKv = Object.entries(kv).filter(([key]) => !dropped(key));
  evidence.kv = Object.fromEntries(kvEvidence.filter(([key]) => !dropped(key)));
  if (type === 'form' && Array.isArray(result.fields)) {
    const labels = result.fields.filter((field): field is string => typeof field === 'string');
    evidence.fields = Object.fromEntries(
      labels.map((label) => [label, bestEvidence(valueMatches(index, label, budget), '')] as const),
    );
  }
  const grounded =
    keptKv.length === Object.keys(kv).length ? result : { ...result, kv: Object.fromEntries(keptKv) };
  return { result: grounded, evidence, ungrounded: ungroundedKeys.size };
}
