/**
 * Machine-readable zones (ICAO 9303) of passports (TD3: two lines of 44), ID cards (TD1: three lines of 30)
 * and TD2 cards (two of 36), parsed with the `mrz` package. OCR reads the zone with slips — `<` as `K`,
 * `c`, `s`, `L` or `«`, a character too many or too few, `0` for `O` — so each line is repaired towards
 * the variant whose check digits hold; only facts a valid check digit confirms (or, for names, sex and
 * nationality, a zone whose check digits hold) are returned.
 */
import { type ParseResult, parse } from 'mrz';
import { formatDate } from '../../core/strategies/dates';

export interface ZoneFacts {
  /** Given names then surname, as the zone spells them (no accents, spaces for fillers). */
  fullName?: string;
  surname?: string;
  givenNames?: string;
  documentNumber?: string;
  /** `MMM DD, YYYY`. */
  dateOfBirth?: string;
  expiryDate?: string;
  nationality?: string;
  issuingState?: string;
  sex?: 'M' | 'F' | 'X';
  format: 'TD1' | 'TD2' | 'TD3';
  /**
   * Checked facts on a line that needed a shift (a character dropped or added) or a new check digit: the
   * check digit may hold by chance, so they should not override what the page prints.
   */
  guessed?: ('documentNumber' | 'dateOfBirth' | 'expiryDate')[];
  /** The document number's check digit as the zone prints it, to test a number printed elsewhere. */
  documentNumberCheckDigit?: string;
}

const LINE_LENGTHS = { TD1: 30, TD2: 36, TD3: 44 } as const;
const CHECK_FIELDS = new Set([
  'documentNumberCheckDigit',
  'birthDateCheckDigit',
  'expirationDateCheckDigit',
  'compositeCheckDigit',
]);
/** Characters OCR reads for one another in the alphanumeric document number. */
const CONFUSABLE: Record<string, string[]> = {
  O: ['0', 'D', 'Q'],
  '0': ['O', 'D'],
  D: ['0', 'O'],
  Q: ['0', 'O'],
  I: ['1', 'L'],
  '1': ['I', 'L'],
  L: ['1', 'I'],
  S: ['5'],
  '5': ['S'],
  B: ['8'],
  '8': ['B'],
  Z: ['2'],
  '2': ['Z'],
  G: ['6'],
  '6': ['G'],
  K: ['<'],
  '<': ['K'],
};

/**
 * One OCR row as zone characters, or undefined when it does not look like one: fillers must be there.
 * Lower-case letters and stray symbols are misread fillers; a run of only `K`/`L` between fillers is too.
 */
export function zoneLine(text: string): string | undefined {
  const squeezed = text.replace(/\s+/g, '').replace(/[«‹]/g, '<');
  if (squeezed.length < 20 || fillerCount(text.replace(/[«‹]/g, '<')) < 2) return undefined;
  let line = squeezed.replace(/[a-z]/g, '<').replace(/[^A-Z0-9<]/g, '<');
  // Letters wrongly inside filler runs: `<<<LL<<`, `<<K<<`, trailing `<<<KK`.
  line = line.replace(/(?<=<)[KL]+(?=<|$)/g, (run) => '<'.repeat(run.length));
  const known = line.match(/[A-Z0-9]/g)?.length ?? 0;
  return known >= 5 ? line : undefined;
}

/** OCR's usual readings of a run of fillers, within one word: `ccccecacc`, `cncens`, `<<cecc`. */
const MISREAD_FILLERS = /[a-z]{5,}/g;
/** A run of misread fillers this long ending the line marks a zone line even without a `<` read as one. */
const LONG_MISREAD_RUN = 8;

/**
 * Fillers of a line: its `<`, and lower-case runs made mostly of the letters a filler reads as. Zero
 * unless a `<` was read or a long run ends a line with a zone's code in it: words of such letters (`scenes`,
 * `successes`) are no fillers.
 */
function fillerCount(text: string): number {
  const runs = text
    .split(/\s+/)
    .flatMap((word) => word.match(MISREAD_FILLERS) ?? [])
    .filter((run) => (run.match(/[ceskn]/g)?.length ?? 0) >= 0.7 * run.length);
  const read = text.match(/</g)?.length ?? 0;
  if (read === 0) {
    const last = runs.at(-1);
    const before = last && text.trimEnd().endsWith(last) ? text.trimEnd().slice(0, -last.length) : undefined;
    // A zone's code: capitals and digits run together (`IDBELBA8F845128`), which no heading prints.
    const code = before?.split(/\s+/).some((word) => /^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{8,}$/.test(word));
    if (!last || last.length < LONG_MISREAD_RUN || !code) return 0;
  }
  return read + runs.reduce((sum, run) => sum + run.length, 0);
}

/** The line cut or padded with fillers to `length`: fillers are removed from the end first. */
function fitted(line: string, length: number): string {
  let text = line;
  while (text.length > length && text.endsWith('<')) text = text.slice(0, -1);
  if (text.length > length) text = text.slice(0, length);
  return text.padEnd(length, '<');
}

function tryParse(lines: string[]): ParseResult | undefined {
  try {
    return parse(lines, { autocorrect: true });
  } catch {
    return undefined;
  }
}

function validChecks(result: ParseResult | undefined, line?: number): number {
  if (!result) return -1;
  return result.details.filter(
    (detail) =>
      detail.field !== null &&
      CHECK_FIELDS.has(detail.field) &&
      detail.valid &&
      (line === undefined || detail.line === line),
  ).length;
}

/** How a variant differs from the line as read: a look-alike swapped is a common slip; a shift or a new check digit is a guess. */
type Edit = 'none' | 'lookalike' | 'shift' | 'check';

interface Variant {
  line: string;
  edit: Edit;
}

/**
 * Variants of one line: as read, one look-alike swapped, one character dropped, one filler added; and any
 * digit at `checkDigits` (positions of check digits on this line: a misread check digit).
 */
function variants(line: string, length: number, checkDigits: readonly number[]): Variant[] {
  const base = fitted(line, length);
  const out = new Map<string, Edit>([[base, 'none']]);
  const add = (text: string, edit: Edit) => {
    if (!out.has(text)) out.set(text, edit);
  };
  for (let i = 0; i < base.length; i++) {
    for (const other of CONFUSABLE[base[i]] ?? [])
      add(base.slice(0, i) + other + base.slice(i + 1), 'lookalike');
  }
  if (line.length >= length)
    for (let i = 0; i < line.length; i++) add(fitted(line.slice(0, i) + line.slice(i + 1), length), 'shift');
  if (line.length <= length)
    for (let i = 0; i <= line.length; i++)
      add(fitted(`${line.slice(0, i)}<${line.slice(i)}`, length), 'shift');
  for (const i of checkDigits)
    for (const digit of '0123456789') add(base.slice(0, i) + digit + base.slice(i + 1), 'check');
  return [...out].map(([text, edit]) => ({ line: text, edit }));
}

interface Repair {
  result: ParseResult;
  /** Lines that needed a shift or a new check digit: their checked facts may be a coincidence of the check digit. */
  guessed: Set<number>;
}

/**
 * The zone's parse after repair. A check digit may itself be misread: replacing one is tried only when the
 * composite check digit fails, and kept only when it then holds.
 */
function repaired(
  lines: string[],
  format: keyof typeof LINE_LENGTHS,
  printed: ReadonlySet<string>,
): Repair | undefined {
  const safe = repairedWith(lines, format, [], printed);
  if (!safe) return undefined;
  if (isChecked(safe.result, 'compositeCheckDigit')) return safe;
  // Not the document number's: the composite weighs it and its check digit alike, so it cannot tell.
  const checkDigits = safe.result.details.filter(
    (detail) => detail.field === 'birthDateCheckDigit' || detail.field === 'expirationDateCheckDigit',
  );
  const bold = repairedWith(
    lines,
    format,
    checkDigits.map((detail) => [detail.line, detail.start] as const),
    printed,
  );
  return bold && isChecked(bold.result, 'compositeCheckDigit') ? bold : safe;
}

/**
 * Each line in turn takes its best variant: most valid check digits on it, then on the zone, then a
 * document number also printed on the page (a dropped character can keep a check digit by chance), then
 * the smallest edit.
 */
function repairedWith(
  lines: string[],
  format: keyof typeof LINE_LENGTHS,
  checkDigits: readonly (readonly [line: number, column: number])[],
  printed: ReadonlySet<string>,
): Repair | undefined {
  const length = LINE_LENGTHS[format];
  const cost: Record<Edit, number> = { none: 0, lookalike: 1, shift: 2, check: 3 };
  const score = (result: ParseResult | undefined, n: number, edit: Edit) => [
    validChecks(result, n),
    validChecks(result),
    result?.documentNumber && printed.has(result.documentNumber) ? 1 : 0,
    -cost[edit],
  ];
  const better = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return false;
  };
  let best = lines.map((line) => fitted(line, length));
  const edits: Edit[] = best.map(() => 'none');
  let bestResult = tryParse(best);
  for (let n = 0; n < best.length; n++) {
    const columns = checkDigits.filter(([line]) => line === n).map(([, column]) => column);
    let bestScore = score(bestResult, n, edits[n]);
    for (const variant of variants(columns.length > 0 ? best[n] : lines[n], length, columns)) {
      const candidate = best.map((line, i) => (i === n ? variant.line : line));
      const result = tryParse(candidate);
      const candidateScore = score(result, n, variant.edit);
      if (better(candidateScore, bestScore)) {
        best = candidate;
        bestResult = result;
        bestScore = candidateScore;
        edits[n] = variant.edit;
      }
    }
  }
  return (
    bestResult && {
      result: bestResult,
      guessed: new Set(edits.flatMap((edit, n) => (edit === 'shift' || edit === 'check' ? [n] : []))),
    }
  );
}

/** `YYMMDD` as `MMM DD, YYYY`: a birth date is not in the future; an expiry date is this century's. */
function zoneDate(
  text: string | null | undefined,
  kind: 'birth' | 'expiry',
  today: Date,
): string | undefined {
  if (!text || !/^\d{6}$/.test(text)) return undefined;
  const yy = Number(text.slice(0, 2));
  const thisYear = today.getUTCFullYear() % 100;
  const century = kind === 'birth' ? (yy > thisYear ? 1900 : 2000) : 2000;
  return formatDate(century + yy, Number(text.slice(2, 4)), Number(text.slice(4, 6)));
}

function detailOf(result: ParseResult, field: string) {
  return result.details.find((detail) => detail.field === field);
}

/** A field's value; a state code the package does not list (a specimen's `UTO`) as printed. */
function rawField(result: ParseResult, lines: string[], field: string): string | undefined {
  const detail = detailOf(result, field);
  if (!detail) return undefined;
  if (detail.value) return detail.value;
  const text = lines[detail.line]
    ?.slice(detail.start, detail.end)
    .replace(/<+/g, ' ')
    .replace(/0/g, 'O')
    .replace(/1/g, 'I')
    .trim();
  return text && /^[A-Z]{3}$/.test(text) ? text : undefined;
}

const isChecked = (result: ParseResult, field: string) => detailOf(result, field)?.valid === true;

/**
 * The facts of the zone among the rows' texts (top to bottom), or undefined when none is there. `printed`:
 * the page's other words, upper case, which confirm a repaired document number.
 */
export function readZone(
  rowTexts: readonly string[],
  today = new Date(),
  printed: ReadonlySet<string> = new Set(),
): ZoneFacts | undefined {
  const lines = rowTexts.map(zoneLine);
  for (let start = 0; start < lines.length; start++) {
    const group: string[] = [];
    for (let i = start; i < lines.length && lines[i] !== undefined && group.length < 3; i++)
      group.push(lines[i] as string);
    if (group.length < 2) continue;
    const longest = Math.max(...group.map((line) => line.length));
    const format =
      group.length === 3 && longest <= 34 ? 'TD1' : longest >= 40 ? 'TD3' : longest >= 33 ? 'TD2' : 'TD1';
    const used = group.slice(0, format === 'TD1' ? 3 : 2);
    if (used.length < (format === 'TD1' ? 3 : 2)) continue;
    const zone = repaired(used, format, printed);
    if (!zone || validChecks(zone.result) < 1) continue;
    const facts = factsOf(
      zone.result,
      used.map((line) => fitted(line, LINE_LENGTHS[format])),
      format,
      today,
    );
    const guessed = (
      [
        ['documentNumber', 'documentNumber'],
        ['dateOfBirth', 'birthDate'],
        ['expiryDate', 'expirationDate'],
      ] as const
    ).filter(
      ([fact, field]) =>
        facts[fact] !== undefined && zone.guessed.has(detailOf(zone.result, field)?.line ?? -1),
    );
    return guessed.length > 0 ? { ...facts, guessed: guessed.map(([fact]) => fact) } : facts;
  }
  return undefined;
}

function factsOf(result: ParseResult, lines: string[], format: ZoneFacts['format'], today: Date): ZoneFacts {
  const facts: ZoneFacts = { format };
  const fields = result.fields;
  // Names, sex and nationality carry no check digit of their own: trusted when the zone's checks hold.
  const trusted = validChecks(result) >= 2;
  if (isChecked(result, 'documentNumberCheckDigit') && fields.documentNumber) {
    facts.documentNumber = result.documentNumber ?? fields.documentNumber;
    facts.documentNumberCheckDigit = fields.documentNumberCheckDigit ?? undefined;
  }
  if (isChecked(result, 'birthDateCheckDigit'))
    facts.dateOfBirth = zoneDate(fields.birthDate, 'birth', today);
  if (isChecked(result, 'expirationDateCheckDigit'))
    facts.expiryDate = zoneDate(fields.expirationDate, 'expiry', today);
  if (trusted) {
    const surname = fields.lastName?.trim();
    // Given names end at the first double filler; what follows is misread filler.
    const given = fields.firstName?.trim().split(/\s{2,}/)[0];
    if (surname) facts.surname = surname;
    if (given) facts.givenNames = given;
    if (surname || given) facts.fullName = [given, surname].filter(Boolean).join(' ');
    // A filler where the sex goes is as often a misread letter (`¢` for `F`) as a printed `<`: not told.
    const sex = fields.sex;
    if (sex === 'male' || sex === 'female') facts.sex = sex === 'male' ? 'M' : 'F';
    const nationality = rawField(result, lines, 'nationality');
    if (nationality) facts.nationality = nationality;
    const issuing = rawField(result, lines, 'issuingState');
    if (issuing) facts.issuingState = issuing;
  }
  for (const key of Object.keys(facts) as (keyof ZoneFacts)[])
    if (facts[key] === undefined) delete facts[key];
  return facts;
}
