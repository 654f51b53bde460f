/**
 * `npm run eval`: generates the seeded corpus, runs it against the local runtime (default) or a deployment,
 * prints the accuracy table, writes it into docs/accuracy.md and the per-document details under eval-results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KINDS, type Kind, LEVELS, type Level } from './cases';
import { markdownTable, writeTableInto } from './report';
import { runEval } from './runner';

/** Documents per kind: 5 × 9 kinds × 3 levels + 5 form fillings = 140 tasks. */
const DEFAULT_COUNT = 5;

const USAGE = `usage: npm run eval -- [--seed N] [--count N] [--kinds receipt,invoice,…] [--levels clean,mild,hard]
                     [--url https://… --token JWT] [--concurrency N] [--task-timeout S] [--no-docs] [--images] [--quiet]
kinds: ${KINDS.join(', ')}`;

function list<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  what: string,
): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0 || items.length === 0)
    throw new Error(`unknown ${what}: ${unknown.join(', ') || '(none)'}\n${USAGE}`);
  return items as T[];
}

function integer(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`--${what} must be a positive integer\n${USAGE}`);
  return number;
}

async function main(): Promise<void> {
  // The local runtime loads the AWS SDK, which warns about Node 20 on every start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      count: { type: 'string' },
      kinds: { type: 'string' },
      levels: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      concurrency: { type: 'string' },
      'task-timeout': { type: 'string' },
      'no-docs': { type: 'boolean' },
      images: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seed = integer(values.seed, 1, 'seed');
  const out = path.resolve('eval-results');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const report = await runEval({
    seed,
    count: integer(values.count, DEFAULT_COUNT, 'count'),
    kinds: list<Kind>(values.kinds, KINDS, 'kinds'),
    levels: list<Level>(values.levels, LEVELS, 'levels'),
    url: values.url,
    token: values.token ?? process.env.DOCUSNAP_TOKEN,
    concurrency: integer(values.concurrency, 4, 'concurrency'),
    taskTimeoutMs: integer(values['task-timeout'], 600, 'task-timeout') * 1000,
    imagesDir: values.images ? path.join(out, `images-${stamp}`) : undefined,
    log: values.quiet ? undefined : (message) => console.error(message),
  });
  const table = markdownTable(report.summary, report.info);
  console.log(table);
  await mkdir(out, { recursive: true });
  const details = path.join(out, `eval-${seed}-${stamp}.json`);
  await writeFile(details, `${JSON.stringify(report, null, 2)}\n`);
  console.error(`details: ${path.relative(process.cwd(), details)}`);
  // Only a run over every kind and level stands for the whole corpus in the docs.
  if (values['no-docs']) return;
  if (values.kinds !== undefined || values.levels !== undefined) {
    console.error('a subset (--kinds/--levels) is not written into docs/accuracy.md');
    return;
  }
  const name = `${report.info.ocrEngine ?? 'unknown'}+${report.info.llmModel ?? 'unknown'}${values.url ? ` at ${new URL(values.url).host}` : ''}`;
  await writeTableInto(path.resolve('docs/accuracy.md'), table, name);
  console.error(`table written into docs/accuracy.md (block "${name}")`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
