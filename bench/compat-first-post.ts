/**
 * `npm run bench:android [-- runs]`: latency of the DocuSnap Android app's first POST /process
 * (three 1 MB images) against the local runtime, timed as the app waits for it: from sending the request
 * to the 202. Results go to docs/performance.md, between the compat-first-post markers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { ROUTES } from '../lambdas/handlers/route-table';
import { startLocalBackend } from '../local/backend';
import { AndroidClient, firstPostBody, httpTransport } from '../test/support/android-client';

const RUNS = Number(process.argv[2] ?? 40);
const IMAGES_PER_JOB = 3;
const IMAGE_SIDE_PX = 512;

/** Random pixels do not compress: a 512×512 RGBA PNG is about 1 MB, like a cropped camera page. */
function megabytePng(): string {
  const png = new PNG({ width: IMAGE_SIDE_PX, height: IMAGE_SIDE_PX });
  randomBytes(png.data.length).copy(png.data);
  return PNG.sync.write(png, { deflateLevel: 1 }).toString('base64');
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

const home = await mkdtemp(path.join(tmpdir(), 'docusnap-bench-'));
// The worker runs beside the API as in `npm start`; simulated OCR keeps it from taking the 2 cores' CPU.
const backend = await startLocalBackend({
  home,
  port: 0,
  env: { DOCUSNAP_OCR: 'simulated', DOCUSNAP_LLM: 'rules', DOCUSNAP_FAULTS: 'ocr.latency=200' },
  log: () => undefined,
});
try {
  const transport = httpTransport(`${backend.url}/`);
  const publicKeyPem = (await transport('GET', ROUTES.compatPublicKey.path)).body;
  const latencies: number[] = [];
  let bodyBytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const app = new AndroidClient({ transport, publicKeyPem });
    const images = Array.from({ length: IMAGES_PER_JOB }, megabytePng);
    const job = app.prepareJob('doc', images);
    const body = JSON.stringify(firstPostBody(job));
    bodyBytes = Buffer.byteLength(body);
    const started = performance.now();
    const response = await transport('POST', ROUTES.compatProcess.path, body);
    latencies.push(performance.now() - started);
    if (response.statusCode !== 202) throw new Error(`run ${run}: ${response.statusCode} ${response.body}`);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const row = `| ${RUNS} | ${IMAGES_PER_JOB} × ${(Buffer.from(megabytePng(), 'base64').length / 1e6).toFixed(2)} MB | ${(bodyBytes / 1024 / 1024).toFixed(2)} MiB | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} | ${ms(sorted.at(-1) ?? Number.NaN)} |`;
  console.log(row);

  const section = [
    '<!-- bench:compat-first-post:start -->',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}, by \`npm run bench:android\`: the app's first \`POST /process\` (RSA-OAEP unwrap, AES-CBC decrypt, JSON parse, image checks, S3 + DynamoDB writes, SQS send) against the local runtime, the worker pool running beside it (simulated OCR). Timed from sending the request to the 202, one job at a time.`,
    '',
    '| first POSTs | images per job | request body | median | p99 | max |',
    '|---|---|---|---|---|---|',
    row,
    '',
    `With ${RUNS} runs, p99 is the slowest run or close to it. The app's OkHttp client gives up after 10 s and then marks the job failed for good.`,
    '<!-- bench:compat-first-post:end -->',
  ].join('\n');
  const target = new URL('../docs/performance.md', import.meta.url);
  // A fresh file keeps the handler-bundle markers `npm run bench` (bench/run.ts) writes between.
  let doc = await readFile(target, 'utf8').catch(
    () =>
      '# Performance\n\n## Handler bundles and cold imports\n\n<!-- bench:handlers:start -->\n<!-- bench:handlers:end -->\n',
  );
  doc = /<!-- bench:compat-first-post:start -->/.test(doc)
    ? doc.replace(
        /<!-- bench:compat-first-post:start -->[\s\S]*<!-- bench:compat-first-post:end -->/,
        section,
      )
    : `${doc.trimEnd()}\n\n## Android app: first POST /process latency\n\n${section}\n`;
  await writeFile(target, doc);
  console.log(`wrote ${target.pathname}`);
} finally {
  await backend.stop();
  await rm(home, { recursive: true, force: true });
}
