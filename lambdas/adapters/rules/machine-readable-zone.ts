/**
 * Machine-readable zones (ICAO 9303) of passports (TD3: two lines of 44), ID cards (TD1: three lines of 30)
 * and TD2 cards (two of 36), parsed with the `mrz` package. OCR reads the zone with slips — `<` as `K`,
 * `c`, `s`, `L` or `«`, a character too many or too few, `0` for `O` — so each line is repaired towards
 * the variant whose check digits hold. Filler runs read short or long leave lengths no guide: fields are
 * realigned by the lines' fixed structure, and a TD1 zone whose line OCR lost still states the other
 * lines' facts. Only facts a valid check digit confirms are returned; names, sex and nationality, which
 * carry none, only beside checked facts of the same zone.
 */
import { type ParseResult, parse } from 'mrz';
import { icaoCheckDigit } from '../../core/check-digit';
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
  // OCR shortens filler runs (`<<<<<<<<` read as `<<`): a short row is a zone line only as one token of
  // zone characters with a filler; a long one needs two fillers, or one beside a long run of a zone's code.
  const short = squeezed.length >= SHORT_LINE && /^[A-Z0-9<]*<[A-Z0-9<]*$/.test(text.trim());
  const code = text.split(/\s+/).some((word) => /^(?=.*\d)(?=.*[A-Z])[A-Z0-9<]{16,}$/.test(word));
  const fillers = fillerCount(text.replace(/[«‹]/g, '<'));
  if (squeezed.length < 20 ? !short : fillers < (code ? 1 : 2)) return undefined;
  let line = squeezed.replace(/[a-z]/g, '<').replace(/[^A-Z0-9<]/g, '<');
  // Letters wrongly inside filler runs: `<<<LL<<`, `<<K<<`, trailing `<<<KK`.
  line = line.replace(/(?<=<)[KL]+(?=<|$)/g, (run) => '<'.repeat(run.length));
  const known = line.match(/[A-Z0-9]/g)?.length ?? 0;
  return known >= 5 ? line : undefined;
}

/** The shortest row read as a zone line: a name line `NOVAK<<PRIYA<` whose filler run OCR shortened. */
const SHORT_LINE = 12;

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

/** Valid check digits of the zone (or of one line), none on a line OCR lost (a filler line checks by itself). */
function validChecks(result: ParseResult | undefined, line?: number, lost?: number): number {
  if (!result) return -1;
  return result.details.filter(
    (detail) =>
      detail.field !== null &&
      CHECK_FIELDS.has(detail.field) &&
      detail.valid &&
      detail.line !== lost &&
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
  // A character too many, even on a line OCR shortened elsewhere (a filler run read short).
  for (let i = 0; i < line.length; i++) add(fitted(line.slice(0, i) + line.slice(i + 1), length), 'shift');
  if (line.length <= length)
    for (let i = 0; i <= line.length; i++)
      add(fitted(`${line.slice(0, i)}<${line.slice(i)}`, length), 'shift');
  // A shortened filler run before the line's final check digits: they go back to the line's end.
  const tail = /<(\d{1,2})$/.exec(line);
  if (tail && line.length < length)
    for (let n = 1; n <= tail[1].length; n++)
      add(line.slice(0, -n).padEnd(length - n, '<') + line.slice(-n), 'lookalike');
  for (const i of checkDigits)
    for (const digit of '0123456789') add(base.slice(0, i) + digit + base.slice(i + 1), 'check');
  return [...out].map(([text, edit]) => ({ line: text, edit }));
}

interface Repair {
  result: ParseResult;
  /** The lines as repaired. */
  lines: string[];
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
  lost?: number,
): Repair | undefined {
  const safe = repairedWith(lines, format, [], printed, lost);
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
    lost,
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
  lost?: number,
): Repair | undefined {
  const length = LINE_LENGTHS[format];
  const cost: Record<Edit, number> = { none: 0, lookalike: 1, shift: 2, check: 3 };
  const score = (result: ParseResult | undefined, n: number, edit: Edit) => [
    validChecks(result, n, lost),
    validChecks(result, undefined, lost),
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
    if (n === lost) continue;
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
      lines: best,
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
    let best: { zone: Repair; layout: Layout; checks: number } | undefined;
    for (const layout of layouts(group)) {
      const zone = repaired(layout.lines, layout.format, printed, layout.lost);
      const checks = validChecks(zone?.result, undefined, layout.lost);
      if (zone && checks >= 1 && (!best || checks > best.checks)) best = { zone, layout, checks };
    }
    if (!best) continue;
    const { zone, layout } = best;
    const read = layout.lines.map((line) => fitted(line, LINE_LENGTHS[layout.format]));
    const facts = factsOf(zone, read, layout, today, weakNumber(zone, read, printed));
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

/**
 * A repaired document number its check digit alone cannot vouch for: one resting on a shift (it keeps its
 * check digit by chance one time in ten), or a look-alike swap when another swap would pass as well. It
 * stands when the page prints it or the composite check digit, which weighs it with the dates, holds.
 */
function weakNumber(zone: Repair, read: readonly string[], printed: ReadonlySet<string>): boolean {
  const number = detailOf(zone.result, 'documentNumber');
  const check = zone.result.fields.documentNumberCheckDigit;
  if (!number || !check) return false;
  const value = zone.result.documentNumber ?? zone.result.fields.documentNumber ?? '';
  if (printed.has(value) || isChecked(zone.result, 'compositeCheckDigit')) return false;
  if (zone.guessed.has(number.line)) return true;
  const asRead = read[number.line].slice(number.start, number.end);
  if (asRead === zone.lines[number.line].slice(number.start, number.end)) return false;
  let passing = 0;
  for (let i = 0; i < asRead.length; i++)
    for (const other of CONFUSABLE[asRead[i]] ?? [])
      if (icaoCheckDigit(asRead.slice(0, i) + other + asRead.slice(i + 1)) === check) passing++;
  return passing > 1;
}

/** A reading of a group of rows as one zone: its format, its lines, and the line OCR lost, if any. */
interface Layout {
  format: keyof typeof LINE_LENGTHS;
  lines: string[];
  /** A TD1 line not read, stood in for by fillers: none of its fields is a fact. */
  lost?: number;
}

/** The first line of a passport (TD3) or TD2 card: the document code, then the issuing state. */
const TWO_LINE_START = /^[PIACV][A-Z0-9<][A-Z0-9<]{3}/;
/** TD1's name line: `SURNAME<<GIVEN<NAMES`, letters and fillers only. */
const NAME_LINE = /^[A-Z]+(?:<[A-Z]+)*<<[A-Z]+(?:<[A-Z]+)*<*$/;
/** TD1's second line: birth date and its check digit (digits or their look-alikes), then the sex. */
const DATES_LINE = /^[0-9OQDIBSZG]{7}[MFX<]/;
/** TD1's first line: the document code (`I`, `A` or `C`, then a letter or filler) and the issuing state. */
const CODE_LINE = /^[IAC][A-Z<][A-Z<]{3}/;

/**
 * The layouts a group of rows may have. Filler runs OCR shortened or lengthened leave a line's length no
 * guide to its format, so two rows are tried as TD3 and TD2, and as TD1 with the line OCR lost (told by
 * what the other two lines hold); three rows as TD1.
 */
function layouts(group: readonly string[]): Layout[] {
  const filler = '<'.repeat(LINE_LENGTHS.TD1);
  if (group.length >= 3 && Math.max(...group.map((line) => line.length)) <= 34)
    return [{ format: 'TD1', lines: group.slice(0, 3) }];
  const [first, second] = group;
  const out: Layout[] = [];
  if (TWO_LINE_START.test(first) && !NAME_LINE.test(second))
    out.push({ format: 'TD3', lines: [first, second] }, { format: 'TD2', lines: [first, second] });
  if (first.length <= 34 && second.length <= 34 && !first.startsWith('P')) {
    if (DATES_LINE.test(first) && NAME_LINE.test(second))
      out.push({ format: 'TD1', lines: [filler, first, second], lost: 0 });
    if (CODE_LINE.test(first) && NAME_LINE.test(second))
      out.push({ format: 'TD1', lines: [first, filler, second], lost: 1 });
    if (CODE_LINE.test(first) && DATES_LINE.test(second))
      out.push({ format: 'TD1', lines: [first, second, filler], lost: 2 });
  }
  return out;
}

function factsOf(
  { result, lines: repairedLines, guessed }: Repair,
  lines: string[],
  layout: Layout,
  today: Date,
  weak: boolean,
): ZoneFacts {
  const { format, lost } = layout;
  const facts: ZoneFacts = { format };
  const fields = result.fields;
  const checked = (field: string) => {
    const detail = detailOf(result, field);
    return detail?.valid === true && detail.line !== lost;
  };
  const onLostLine = (field: string) => detailOf(result, field)?.line === lost;
  // A document number is letters and digits, padded with fillers only at its end (`OKAFOR<<D` is a name),
  // with its own check digit (not the long-number form's filler there).
  const number = detailOf(result, 'documentNumber');
  const numberHolds =
    checked('documentNumberCheckDigit') &&
    !weak &&
    /^\d$/.test(fields.documentNumberCheckDigit ?? '') &&
    number !== undefined &&
    /^[A-Z0-9]+<*$/.test(repairedLines[number.line].slice(number.start, number.end));
  const checks =
    validChecks(result, undefined, lost) - (checked('documentNumberCheckDigit') && !numberHolds ? 1 : 0);
  // Sex and nationality carry no check digit of their own: told when two of the zone's checks hold, or a
  // date's on their own line, read without a shift, which holds them at their fixed columns.
  const sexLine = detailOf(result, 'sex')?.line ?? -1;
  const datesHold = ['birthDateCheckDigit', 'expirationDateCheckDigit'].some(
    (field) => checked(field) && detailOf(result, field)?.line === sexLine,
  );
  const trusted = checks >= 2 || (datesHold && !guessed.has(sexLine));
  if (numberHolds && fields.documentNumber) {
    facts.documentNumber = result.documentNumber ?? fields.documentNumber;
    facts.documentNumberCheckDigit = fields.documentNumberCheckDigit ?? undefined;
  }
  if (checked('birthDateCheckDigit')) facts.dateOfBirth = zoneDate(fields.birthDate, 'birth', today);
  if (checked('expirationDateCheckDigit'))
    facts.expiryDate = zoneDate(fields.expirationDate, 'expiry', today);
  const name = detailOf(result, 'lastName');
  const nameField = name ? repairedLines[name.line].slice(name.start) : '';
  // The name line carries no check digit: its name is told when a checked fact of the zone was returned,
  // and it reads as one: primary and secondary identifiers parted by `<<`.
  const factual = (['documentNumber', 'dateOfBirth', 'expiryDate'] as const).some((fact) => facts[fact]);
  const nameReads = /^[A-Z]+(?:<[A-Z]+)*<<[A-Z]+/.test(nameField);
  if (factual && nameReads && !onLostLine('lastName')) {
    const surname = fields.lastName?.trim();
    // Given names end at the first double filler; what follows is misread filler.
    const given = fields.firstName?.trim().split(/\s{2,}/)[0];
    if (surname) facts.surname = surname;
    if (given) facts.givenNames = given;
    if (surname || given) facts.fullName = [given, surname].filter(Boolean).join(' ');
  }
  if (trusted) {
    // A filler where the sex goes is as often a misread letter (`¢` for `F`) as a printed `<`: not told.
    const sex = fields.sex;
    if (sex === 'male' || sex === 'female') facts.sex = sex === 'male' ? 'M' : 'F';
    const nationality = rawField(result, lines, 'nationality');
    if (nationality) facts.nationality = nationality;
    const issuing = onLostLine('issuingState') ? undefined : rawField(result, lines, 'issuingState');
    if (issuing) facts.issuingState = issuing;
  }
  for (const key of Object.keys(facts) as (keyof ZoneFacts)[])
    if (facts[key] === undefined) delete facts[key];
  return facts;
}
