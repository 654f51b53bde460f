/**
 * `npm run bench`: for each handler, its bundle size as the CDK bundles it (esbuild, minified) with the AWS
 * SDK bundled and with it left to the Lambda runtime, and its median cold-import time over 5 fresh Node
 * processes. Results go to docs/performance.md (the section between the bench markers).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { bundleHandler, HANDLERS, inputsFrom } from './bundle';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Milliseconds for a fresh process to import the bundle (module init included, no invocation). */
function coldImportMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return Number(out.toString());
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

const rows: string[] = [];
for (const [name, entry] of Object.entries(HANDLERS)) {
  const bundled = await bundleHandler(entry, { externalAwsSdk: false });
  const external = await bundleHandler(entry, { externalAwsSdk: true });
  const times = Array.from({ length: RUNS }, () => coldImportMs(bundled.outfile));
  const paid = ['@aws-sdk/client-textract', '@aws-sdk/client-bedrock-runtime']
    .filter((pkg) => inputsFrom(bundled.metafile, pkg).length > 0)
    .map((pkg) => pkg.replace('@aws-sdk/client-', ''));
  rows.push(
    `| ${name} | ${kb(bundled.bytes)} | ${kb(external.bytes)} | ${median(times).toFixed(0)} ms | ${paid.join(', ') || '–'} |`,
  );
  console.log(rows.at(-1));
}

const section = [
  '<!-- bench:handlers:start -->',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}, by \`npm run bench\`.`,
  '',
  '| handler | bundle (SDK bundled) | bundle (SDK from runtime) | median cold import (SDK bundled, 5 runs) | Textract / Bedrock clients |',
  '|---|---|---|---|---|',
  ...rows,
  '<!-- bench:handlers:end -->',
].join('\n');

const target = new URL('../docs/performance.md', import.meta.url);
let doc: string;
try {
  doc = readFileSync(target, 'utf8');
} catch {
  doc =
    '# Performance\n\n## Handler bundles and cold imports\n\n<!-- bench:handlers:start -->\n<!-- bench:handlers:end -->\n';
}
doc = doc.replace(/<!-- bench:handlers:start -->[\s\S]*<!-- bench:handlers:end -->/, section);
writeFileSync(target, doc);
console.log(`wrote ${target.pathname}`);
