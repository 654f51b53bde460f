/**
 * `npm run bench:pages`: pages per second through the worker (its SQS handler, lambdas/handlers/worker.ts)
 * for PDFs with a text layer and for scanned PDFs, with the local providers (MuPDF, tesseract.js, the
 * offline rules model) and in-memory stores, so what is timed is the reading, not an emulator. Also MuPDF's
 * cost to the worker: its WASM file and the time a fresh process takes to load it. Results go to
 * docs/performance.md (the section between the bench:pages markers).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { RulesLlm } from '../lambdas/adapters/rules/rules-llm';
import { TesseractOcr } from '../lambdas/adapters/tesseract-ocr';
import { SubmitImagesRequest } from '../lambdas/core/schemas/tasks';
import { submitTask } from '../lambdas/core/use-cases/submit-task';
import { PROJECT_ROOT } from '../lib/handler-entries';
import { scannedPdf, textPdf } from '../test/support/documents';
import { base64, sqsEvent, sqsRecord } from '../test/support/events';
import { memoryWorld } from '../test/support/memory-ports';

// Quiet handlers: no EMF documents or info lines between the results.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
const { handler } = await import('../lambdas/handlers/worker');
const { useWorkerDependencies } = await import('../lambdas/handlers/worker-dependencies');

/** Images of one task read in parallel, and tesseract engines: the local runtime's default. */
const OCR_CONCURRENCY = 2;
const MUPDF_LOAD_RUNS = 7;

interface Case {
  name: string;
  pagesPerTask: number;
  tasks: number;
  make: (pages: string[][]) => Promise<Uint8Array>;
}

const CASES: Case[] = [
  { name: 'PDF with a text layer', pagesPerTask: 10, tasks: 5, make: (pages) => textPdf(pages) },
  {
    name: 'scanned PDF (150 DPI pictures, OCR by tesseract.js)',
    pagesPerTask: 3,
    tasks: 3,
    make: scannedPdf,
  },
];

/** A page of an invoice-like document: 16 lines of facts and item rows, different on every page and task. */
function pageLines(task: number, page: number): string[] {
  const lines = [
    `Invoice Number: INV-${task}${page}01`,
    `Page ${page + 1}`,
    `Customer: Client ${task}-${page}`,
  ];
  for (let row = 0; row < 13; row++) {
    lines.push(`Item ${row + 1}: Part ${task}${page}${row} qty ${row + 2} at ${(row * 3.75 + 9).toFixed(2)}`);
  }
  return lines;
}

const ocr = new TesseractOcr({ poolSize: OCR_CONCURRENCY });

async function runCase(entry: Case): Promise<{ seconds: number; pages: number; perTask: number[] }> {
  const perTask: number[] = [];
  let pages = 0;
  for (let task = 0; task < entry.tasks; task++) {
    const pdf = await entry.make(
      Array.from({ length: entry.pagesPerTask }, (_, page) => pageLines(task, page)),
    );
    // A fresh world per task: no OCR or result cache hit between tasks.
    const world = { ...memoryWorld(), ocr, llm: new RulesLlm(), ocrConcurrency: OCR_CONCURRENCY };
    useWorkerDependencies(world);
    const request = SubmitImagesRequest.parse({ images: [{ data: base64(pdf) }] });
    const { taskId } = (await submitTask(world, 'bench', { type: 'document', request })).summary;
    const started = performance.now();
    await handler(sqsEvent([sqsRecord(JSON.stringify({ taskId }))]));
    perTask.push((performance.now() - started) / 1000);
    const task_ = await world.tasks.get(taskId);
    if (task_?.status !== 'completed') throw new Error(`${entry.name}: task ended ${task_?.status}`);
    pages += task_.usage?.pages ?? 0;
  }
  return { seconds: perTask.reduce((sum, s) => sum + s, 0), pages, perTask };
}

// Warm-up: MuPDF's WASM compiled and tesseract's engines started, as in a warm worker.
{
  const world = { ...memoryWorld(), ocr, llm: new RulesLlm(), ocrConcurrency: OCR_CONCURRENCY };
  useWorkerDependencies(world);
  const request = SubmitImagesRequest.parse({
    images: [{ data: base64(await scannedPdf([['Warm up: 1']])) }],
  });
  const { taskId } = (await submitTask(world, 'bench', { type: 'document', request })).summary;
  await handler(sqsEvent([sqsRecord(JSON.stringify({ taskId }))]));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rows: string[] = [];
for (const entry of CASES) {
  const { seconds, pages, perTask } = await runCase(entry);
  rows.push(
    `| ${entry.name} | ${entry.tasks} × ${entry.pagesPerTask} | ${(pages / seconds).toFixed(1)} | ${((seconds / pages) * 1000).toFixed(0)} ms | ${median(perTask).toFixed(2)} s |`,
  );
  console.log(rows.at(-1));
}
await ocr.close();
useWorkerDependencies(undefined);

/** A fresh Node process loading MuPDF (module and WASM compiled and instantiated), as a worker's first PDF does. */
function mupdfLoadMs(): number {
  const script =
    "const t=performance.now();await import('mupdf');process.stdout.write(String(performance.now()-t));";
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: PROJECT_ROOT }).toString(),
  );
}
const loads = Array.from({ length: MUPDF_LOAD_RUNS }, mupdfLoadMs);
const wasmBytes = statSync(path.join(PROJECT_ROOT, 'node_modules/mupdf/dist/mupdf-wasm.wasm')).size;

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const section = [
  '<!-- bench:pages:start -->',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, ${cpus().length} × ${cpu}, Node ${process.version}, load average ${(await import('node:os')).loadavg()[0]?.toFixed(1)} at the end, by \`npm run bench:pages\`: each task one PDF of invoice-like pages (16 lines each, different on every page), through the worker's SQS handler with MuPDF, tesseract.js (${OCR_CONCURRENCY} engines, OCR concurrency ${OCR_CONCURRENCY}, as \`npm start\`) and the offline rules model, in-memory stores, after one warm-up task. Time is from the handler's start to its end (reading, OCR, extraction, evidence, completing), tasks one after another.`,
  '',
  '| input | tasks × pages | pages per second | per page | median task |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  `MuPDF in the worker: \`mupdf-wasm.wasm\` is ${(wasmBytes / 1024 / 1024).toFixed(1)} MB beside the bundle (its JS glue is in the bundle); a fresh process loads it (import, WASM compile and instantiation) in ${median(loads).toFixed(0)} ms (median of ${MUPDF_LOAD_RUNS}). It is loaded only by the first PDF, TIFF or sideways photo an execution environment reads; a task of upright photos never loads it. On AWS a scanned page is a Textract call instead of tesseract (OCR concurrency 4), and the model a Bedrock call: not measured here (no AWS account on this machine).`,
  '<!-- bench:pages:end -->',
].join('\n');

const target = path.join(PROJECT_ROOT, 'docs/performance.md');
let doc = readFileSync(target, 'utf8');
if (doc.includes('<!-- bench:pages:start -->')) {
  doc = doc.replace(/<!-- bench:pages:start -->[\s\S]*<!-- bench:pages:end -->/, section);
} else {
  doc = `${doc.trimEnd()}\n\n## Pages per second through the worker\n\n${section}\n`;
}
writeFileSync(target, doc);
console.log(`wrote ${target}`);
