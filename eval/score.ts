/**
 * Scoring, the way the Omni OCR benchmark scores JSON extraction: per document 1 − (wrong or missing ÷
 * expected fields), values compared after `normalise.ts`, keys matched by `keys.ts`. Extra keys in an answer
 * cost nothing. A task that ended in `error` scores 0 on every field.
 */
import type { DocumentCase, ExpectedBlank, ExpectedField, FillCase, Level } from './cases';
import { keyWords, matchingKeys } from './keys';
import { sameValue } from './normalise';
import type { Box } from './render';

/** The parts of a task view the scorer reads (DESIGN §3, §3.2). */
export interface AnswerView {
  status: string;
  result?: unknown;
  error?: { code: string; message?: string };
  evidence?: {
    kv?: Record<string, EvidenceEntry | undefined>;
    fields?: Record<string, EvidenceEntry | undefined>;
    fill?: Record<string, { resourceId?: string; sourceKey?: string; confidence?: number } | undefined>;
  };
}

export interface EvidenceEntry {
  page?: number;
  text?: string;
  box?: Box;
  confidence?: number;
  grounded?: boolean;
}

/** Truth with its rectangles moved onto the image the task was given. */
export type PlacedField = ExpectedField & { boxes: Box[] };
export type PlacedBlank = ExpectedBlank & { boxes: Box[] };

export interface FieldOutcome {
  key: string;
  expected: string;
  /** The answer's key that was judged, if any matched. */
  answerKey?: string;
  answer?: unknown;
  outcome: 'correct' | 'wrong' | 'missing';
  /** Only for a correct value when the answer carried evidence. */
  box?: 'hit' | 'miss' | 'none';
}

export interface BlankOutcome {
  expected: string[];
  answered: string[];
  matched: number;
  missing: string[];
  extra: string[];
  boxHits: number;
  boxMisses: number;
}

export interface EvidenceTally {
  /** Values in the answer (kv entries and blank fields). */
  values: number;
  /** Of those, grounded with a box. */
  grounded: number;
  /** Correct values whose evidence box was judged against the truth, and how many of them hit. */
  boxed: number;
  hits: number;
}

export interface DocumentScore {
  id: string;
  kind: DocumentCase['kind'];
  level: Level;
  status: string;
  errorCode?: string;
  errorMessage?: string;
  score: number;
  fields: FieldOutcome[];
  blanks?: BlankOutcome;
  /** Undefined when the answer carried no evidence. */
  evidence?: EvidenceTally;
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const left = Math.max(a.left, b.left);
  const top = Math.max(a.top, b.top);
  const right = Math.min(a.left + a.width, b.left + b.width);
  const bottom = Math.min(a.top + a.height, b.top + b.height);
  const inter = Math.max(0, right - left) * Math.max(0, bottom - top);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** An evidence box is right when it overlaps a truth box by IoU ≥ 0.5 or its centre lies inside one. */
export function boxMatches(answer: Box, truths: readonly Box[]): boolean {
  const cx = answer.left + answer.width / 2;
  const cy = answer.top + answer.height / 2;
  return truths.some(
    (truth) =>
      intersectionOverUnion(answer, truth) >= 0.5 ||
      (cx >= truth.left &&
        cx <= truth.left + truth.width &&
        cy >= truth.top &&
        cy <= truth.top + truth.height),
  );
}

function isBox(value: unknown): value is Box {
  if (typeof value !== 'object' || value === null) return false;
  const box = value as Record<string, unknown>;
  return ['left', 'top', 'width', 'height'].every((side) => typeof box[side] === 'number');
}

const groundedWithBox = (entry: EvidenceEntry | undefined) => entry?.grounded === true && isBox(entry.box);

function judgeBox(entry: EvidenceEntry | undefined, truths: readonly Box[]): 'hit' | 'miss' | 'none' {
  if (!groundedWithBox(entry) || truths.length === 0) return 'none';
  return boxMatches(entry?.box as Box, truths) ? 'hit' : 'miss';
}

function resultOf(view: AnswerView): { kv: Record<string, unknown>; fields?: unknown[] } {
  const result = (view.status === 'completed' ? view.result : undefined) as
    | { kv?: unknown; fields?: unknown }
    | undefined;
  const kv =
    typeof result?.kv === 'object' && result.kv !== null ? (result.kv as Record<string, unknown>) : {};
  return { kv, fields: Array.isArray(result?.fields) ? result.fields : undefined };
}

/** One expected field against the answer's kv: correct when any key that names it holds the value. */
export function judgeField(field: ExpectedField, kv: Record<string, unknown>): Omit<FieldOutcome, 'box'> {
  const keys = matchingKeys(Object.keys(kv), field.key, field.printed, field.concept ?? field.key);
  const right = keys.find((key) => sameValue(field.type, field.value, kv[key]));
  if (right !== undefined)
    return { key: field.key, expected: field.value, answerKey: right, answer: kv[right], outcome: 'correct' };
  if (keys.length > 0)
    return {
      key: field.key,
      expected: field.value,
      answerKey: keys[0],
      answer: kv[keys[0]],
      outcome: 'wrong',
    };
  return { key: field.key, expected: field.value, outcome: 'missing' };
}

/** Blank labels against the answer's `fields`: each answer label matches at most one expected blank. */
export function judgeBlanks(
  blanks: readonly ExpectedBlank[],
  answered: readonly string[],
): Omit<BlankOutcome, 'boxHits' | 'boxMisses'> & { pairs: [string, string][] } {
  const unused = [...answered];
  const pairs: [string, string][] = [];
  const missing: string[] = [];
  for (const blank of blanks) {
    const want = keyWords(blank.label);
    const index = unused.findIndex((label) => keyWords(label) === want);
    if (index === -1) missing.push(blank.label);
    else pairs.push([blank.label, unused.splice(index, 1)[0]]);
  }
  return {
    expected: blanks.map((blank) => blank.label),
    answered: [...answered],
    matched: pairs.length,
    missing,
    extra: unused,
    pairs,
  };
}

export function scoreDocument(
  c: DocumentCase,
  level: Level,
  fields: readonly PlacedField[],
  blanks: readonly PlacedBlank[],
  view: AnswerView,
): DocumentScore {
  const { kv, fields: answeredBlanks } = resultOf(view);
  const evidence = view.status === 'completed' ? view.evidence : undefined;
  const outcomes: FieldOutcome[] = fields.map((field) => {
    const judged = judgeField(field, kv);
    if (!evidence || judged.outcome !== 'correct' || judged.answerKey === undefined) return judged;
    return { ...judged, box: judgeBox(evidence.kv?.[judged.answerKey], field.boxes) };
  });
  const wrongOrMissing = outcomes.filter((outcome) => outcome.outcome !== 'correct').length;
  const score: DocumentScore = {
    id: c.id,
    kind: c.kind,
    level,
    status: view.status,
    ...(view.error ? { errorCode: view.error.code } : {}),
    ...(view.error?.message ? { errorMessage: view.error.message } : {}),
    score: fields.length === 0 ? 1 : 1 - wrongOrMissing / fields.length,
    fields: outcomes,
  };
  let boxHits = 0;
  let boxMisses = 0;
  if (c.task === 'form') {
    const labels = (answeredBlanks ?? []).filter((label): label is string => typeof label === 'string');
    const judged = judgeBlanks(blanks, labels);
    if (evidence) {
      for (const [label, answerLabel] of judged.pairs) {
        const verdict = judgeBox(
          evidence.fields?.[answerLabel],
          blanks.find((blank) => blank.label === label)?.boxes ?? [],
        );
        if (verdict === 'hit') boxHits++;
        if (verdict === 'miss') boxMisses++;
      }
    }
    const { pairs: _pairs, ...rest } = judged;
    score.blanks = { ...rest, boxHits, boxMisses };
  }
  if (evidence) {
    const kvEntries = Object.keys(kv);
    const blankEntries = (answeredBlanks ?? []).filter((label): label is string => typeof label === 'string');
    const grounded =
      kvEntries.filter((key) => groundedWithBox(evidence.kv?.[key])).length +
      blankEntries.filter((label) => groundedWithBox(evidence.fields?.[label])).length;
    const boxedFields = outcomes.filter((outcome) => outcome.box === 'hit' || outcome.box === 'miss');
    score.evidence = {
      values: kvEntries.length + blankEntries.length,
      grounded,
      boxed: boxedFields.length + boxHits + boxMisses,
      hits: boxedFields.filter((outcome) => outcome.box === 'hit').length + boxHits,
    };
  }
  return score;
}

export interface FillOutcome {
  field: string;
  expected?: string;
  answer?: string;
  source?: string;
  outcome: 'correct' | 'wrong' | 'missing' | 'false-fill' | 'empty';
  sourceRight?: boolean;
  derived?: boolean;
}

export interface FillScore {
  id: string;
  kind: 'form-filling';
  status: string;
  errorCode?: string;
  /** 1 − (wrong or missing ÷ fields to fill). */
  score: number;
  toFill: number;
  correct: number;
  sourceRight: number;
  mustStayEmpty: number;
  falseFills: number;
  outcomes: FillOutcome[];
}

export function scoreFill(c: FillCase, view: AnswerView): FillScore {
  const result =
    view.status === 'completed' && typeof view.result === 'object' && view.result !== null
      ? (view.result as Record<string, unknown>)
      : {};
  const outcomes: FillOutcome[] = c.expected.map((fill) => {
    const raw = result[fill.field] as { value?: unknown; source?: { resource_id?: unknown } } | undefined;
    const answer = typeof raw?.value === 'string' ? raw.value : undefined;
    const source = typeof raw?.source?.resource_id === 'string' ? raw.source.resource_id : undefined;
    const base = {
      field: fill.field,
      ...(fill.value !== undefined ? { expected: fill.value } : {}),
      ...(answer !== undefined ? { answer } : {}),
      ...(source !== undefined ? { source } : {}),
      ...(fill.derived ? { derived: true } : {}),
    };
    if (fill.value === undefined) return { ...base, outcome: answer ? 'false-fill' : 'empty' };
    if (!answer) return { ...base, outcome: 'missing' };
    if (!sameValue(fill.type, fill.value, answer)) return { ...base, outcome: 'wrong' };
    return {
      ...base,
      outcome: 'correct',
      sourceRight: source !== undefined && fill.sources.includes(source),
    };
  });
  const toFill = c.expected.filter((fill) => fill.value !== undefined).length;
  const correct = outcomes.filter((outcome) => outcome.outcome === 'correct').length;
  return {
    id: c.id,
    kind: 'form-filling',
    status: view.status,
    ...(view.error ? { errorCode: view.error.code } : {}),
    score: toFill === 0 ? 1 : correct / toFill,
    toFill,
    correct,
    sourceRight: outcomes.filter((outcome) => outcome.sourceRight).length,
    mustStayEmpty: c.expected.length - toFill,
    falseFills: outcomes.filter((outcome) => outcome.outcome === 'false-fill').length,
    outcomes,
  };
}
