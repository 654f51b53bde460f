/** Figures from per-document scores, the Markdown table, and its place in docs/accuracy.md. */
import { readFile, writeFile } from 'node:fs/promises';
import { DOCUMENT_KINDS, type DocumentKind, LEVELS, type Level } from './cases';
import type { DocumentScore, FillScore } from './score';

type LevelOrAll = Level | 'all';

export interface Rates {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  expected: number;
  answered: number;
  matched: number;
}

export interface Summary {
  /** Mean per-document score; null where no document was run. */
  keyFacts: {
    byKind: Partial<Record<DocumentKind, Record<LevelOrAll, number | null>>>;
    byLevel: Record<LevelOrAll, number | null>;
  };
  documents: Record<LevelOrAll, number>;
  blanks: Record<LevelOrAll, Rates>;
  filling: {
    cases: number;
    score: number | null;
    fillAccuracy: number | null;
    sourceAccuracy: number | null;
    falseFills: number;
    mustStayEmpty: number;
    toFill: number;
  } | null;
  taskErrors: Record<
    LevelOrAll | 'filling',
    { tasks: number; errors: number; codes: Record<string, number> }
  >;
  /** Null where no answer carried evidence (the deployment has no evidence yet). */
  evidence: Record<
    LevelOrAll,
    { coverage: number | null; boxAccuracy: number | null; values: number; boxed: number } | null
  >;
}

const mean = (values: number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const LEVELS_AND_ALL: LevelOrAll[] = [...LEVELS, 'all'];

export function summarise(documents: readonly DocumentScore[], fills: readonly FillScore[]): Summary {
  const at = (level: LevelOrAll) => documents.filter((doc) => level === 'all' || doc.level === level);
  const byKind: Summary['keyFacts']['byKind'] = {};
  for (const kind of DOCUMENT_KINDS) {
    const ofKind = documents.filter((doc) => doc.kind === kind);
    if (ofKind.length === 0) continue;
    byKind[kind] = Object.fromEntries(
      LEVELS_AND_ALL.map((level) => [
        level,
        mean(ofKind.filter((doc) => level === 'all' || doc.level === level).map((doc) => doc.score)),
      ]),
    ) as Record<LevelOrAll, number | null>;
  }
  const rates = (level: LevelOrAll): Rates => {
    const forms = at(level).filter((doc) => doc.blanks);
    const expected = forms.reduce((n, doc) => n + (doc.blanks?.expected.length ?? 0), 0);
    const answered = forms.reduce((n, doc) => n + (doc.blanks?.answered.length ?? 0), 0);
    const matched = forms.reduce((n, doc) => n + (doc.blanks?.matched ?? 0), 0);
    const precision = ratio(matched, answered);
    const recall = ratio(matched, expected);
    const f1 =
      precision === null || recall === null
        ? expected > 0
          ? 0
          : null
        : precision + recall === 0
          ? 0
          : (2 * precision * recall) / (precision + recall);
    return {
      precision: forms.length && answered === 0 ? 0 : precision,
      recall,
      f1,
      expected,
      answered,
      matched,
    };
  };
  const errors = (scores: readonly { status: string; errorCode?: string }[]) => {
    const failed = scores.filter((score) => score.status !== 'completed');
    const codes: Record<string, number> = {};
    for (const score of failed)
      codes[score.errorCode ?? score.status] = (codes[score.errorCode ?? score.status] ?? 0) + 1;
    return { tasks: scores.length, errors: failed.length, codes };
  };
  const evidence = (level: LevelOrAll) => {
    const tallies = at(level).flatMap((doc) => (doc.evidence ? [doc.evidence] : []));
    if (tallies.length === 0) return null;
    const values = tallies.reduce((n, t) => n + t.values, 0);
    const boxed = tallies.reduce((n, t) => n + t.boxed, 0);
    return {
      coverage: ratio(
        tallies.reduce((n, t) => n + t.grounded, 0),
        values,
      ),
      boxAccuracy: ratio(
        tallies.reduce((n, t) => n + t.hits, 0),
        boxed,
      ),
      values,
      boxed,
    };
  };
  const toFill = fills.reduce((n, fill) => n + fill.toFill, 0);
  const correct = fills.reduce((n, fill) => n + fill.correct, 0);
  return {
    keyFacts: {
      byKind,
      byLevel: Object.fromEntries(
        LEVELS_AND_ALL.map((level) => [level, mean(at(level).map((doc) => doc.score))]),
      ) as Record<LevelOrAll, number | null>,
    },
    documents: Object.fromEntries(LEVELS_AND_ALL.map((level) => [level, at(level).length])) as Record<
      LevelOrAll,
      number
    >,
    blanks: Object.fromEntries(LEVELS_AND_ALL.map((level) => [level, rates(level)])) as Record<
      LevelOrAll,
      Rates
    >,
    filling:
      fills.length === 0
        ? null
        : {
            cases: fills.length,
            score: mean(fills.map((fill) => fill.score)),
            fillAccuracy: ratio(correct, toFill),
            sourceAccuracy: ratio(
              fills.reduce((n, fill) => n + fill.sourceRight, 0),
              correct,
            ),
            falseFills: fills.reduce((n, fill) => n + fill.falseFills, 0),
            mustStayEmpty: fills.reduce((n, fill) => n + fill.mustStayEmpty, 0),
            toFill,
          },
    taskErrors: {
      ...(Object.fromEntries(LEVELS_AND_ALL.map((level) => [level, errors(at(level))])) as Record<
        LevelOrAll,
        ReturnType<typeof errors>
      >),
      filling: errors(fills),
    },
    evidence: Object.fromEntries(
      LEVELS_AND_ALL.map((level) => [level, evidence(level)]),
    ) as Summary['evidence'],
  };
}

const figure = (value: number | null | undefined) =>
  value === null || value === undefined ? 'n/a' : value.toFixed(2);

export interface RunInfo {
  seed: number;
  count: number;
  kinds: readonly string[];
  levels: readonly Level[];
  target: string;
  ocrEngine?: string;
  llmModel?: string;
  date: string;
  seconds: number;
}

export function markdownTable(summary: Summary, info: RunInfo): string {
  const levels = info.levels;
  const lines: string[] = [];
  lines.push(
    `Measured ${info.date} against ${info.target} (OCR \`${info.ocrEngine ?? '?'}\`, model \`${info.llmModel ?? '?'}\`): ` +
      `\`npm run eval -- --seed ${info.seed} --count ${info.count}\`${info.kinds.length ? ` --kinds ${info.kinds.join(',')}` : ''}, levels ${levels.join(', ')}; ` +
      `${summary.documents.all} document tasks, ${summary.filling?.cases ?? 0} form-filling tasks, ${Math.round(info.seconds)} s.`,
    '',
    '**Key facts** (mean per document of 1 − wrong-or-missing ÷ expected fields)',
    '',
    `| kind | ${levels.join(' | ')} | all |`,
    `|---|${levels.map(() => '---:').join('|')}|---:|`,
  );
  for (const [kind, row] of Object.entries(summary.keyFacts.byKind)) {
    lines.push(`| ${kind} | ${levels.map((level) => figure(row[level])).join(' | ')} | ${figure(row.all)} |`);
  }
  lines.push(
    `| **all** | ${levels.map((level) => `**${figure(summary.keyFacts.byLevel[level])}**`).join(' | ')} | **${figure(summary.keyFacts.byLevel.all)}** |`,
  );
  lines.push(
    '',
    '**Form blank fields** (pooled over forms)',
    '',
    `| level | precision | recall | F1 | blanks expected / answered / matched |`,
    '|---|---:|---:|---:|---:|',
  );
  for (const level of [...levels, 'all'] as const) {
    const rates = summary.blanks[level];
    lines.push(
      `| ${level} | ${figure(rates.precision)} | ${figure(rates.recall)} | ${figure(rates.f1)} | ${rates.expected} / ${rates.answered} / ${rates.matched} |`,
    );
  }
  const filling = summary.filling;
  lines.push(
    '',
    '**Form filling**',
    '',
    '| cases | score | fill accuracy | source accuracy | false fills |',
    '|---:|---:|---:|---:|---:|',
  );
  lines.push(
    filling
      ? `| ${filling.cases} | ${figure(filling.score)} | ${figure(filling.fillAccuracy)} | ${figure(filling.sourceAccuracy)} | ${filling.falseFills} of ${filling.mustStayEmpty} |`
      : '| 0 | n/a | n/a | n/a | n/a |',
  );
  lines.push(
    '',
    '**Task errors and evidence**',
    '',
    '| level | tasks | errors | evidence coverage | box accuracy |',
    '|---|---:|---:|---:|---:|',
  );
  for (const level of [...levels, 'all'] as const) {
    const errors = summary.taskErrors[level];
    const evidence = summary.evidence[level];
    const codes = Object.entries(errors.codes)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    lines.push(
      `| ${level} | ${errors.tasks} | ${errors.errors}${codes ? ` (${codes})` : ''} | ${figure(evidence?.coverage)} | ${figure(evidence?.boxAccuracy)} |`,
    );
  }
  const fillErrors = summary.taskErrors.filling;
  lines.push(`| form filling | ${fillErrors.tasks} | ${fillErrors.errors} | – | – |`);
  return lines.join('\n');
}

/** Markers around one target's table: each OCR + model pair has its own block, so a rerun replaces only its own. */
export function tableMarkers(name: string): { begin: string; end: string } {
  return { begin: `<!-- eval:begin ${name} (written by npm run eval) -->`, end: `<!-- eval:end ${name} -->` };
}

/** The document with `name`'s table replaced between its markers (appended with them when absent). */
export function withTable(document: string, table: string, name: string): string {
  const { begin: BEGIN, end: END } = tableMarkers(name);
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  const block = `${BEGIN}\n${table}\n${END}`;
  if (begin === -1 || end === -1 || end < begin) return `${document.trimEnd()}\n\n${block}\n`;
  return document.slice(0, begin) + block + document.slice(end + END.length);
}

export async function writeTableInto(file: string, table: string, name: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => '# Accuracy\n');
  await writeFile(file, withTable(current, table, name));
}
