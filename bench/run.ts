/**
 * `npm run bench`: for each handler the stack deploys (lib/handler-entries.ts), bundled with the stack's own
 * options (lib/handler-function.ts), its bundle size and median cold-import time over 5 fresh Node
 * processes, once with the AWS SDK bundled (what the stack deploys) and once with `@aws-sdk/*` left to the
 * runtime (resolved from the project's node_modules, standing in for the Lambda runtime's copy).
 * Results go to docs/performance.md (the section between the bench markers).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { HANDLER_NODE_OPTIONS } from '../lib/handler-function';
import { type BundleResult, bundleHandler, HANDLER_NAMES, inputsFrom, type SdkPlacement } from './bundle';

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
      // As the functions run: source maps on (lib/handler-function.ts).
      NODE_OPTIONS: HANDLER_NODE_OPTIONS,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  return Number(out.toString());
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const rows: string[] = [];
const totals: Record<SdkPlacement, number[]> = { bundled: [], runtime: [] };
for (const name of HANDLER_NAMES) {
  const builds: Record<SdkPlacement, BundleResult> = {
    bundled: await bundleHandler(name, { sdk: 'bundled' }),
    runtime: await bundleHandler(name, { sdk: 'runtime' }),
  };
  // Alternate the two builds so that machine noise hits both alike.
  const times: Record<SdkPlacement, number[]> = { bundled: [], runtime: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const sdk of ['bundled', 'runtime'] as const) times[sdk].push(coldImportMs(builds[sdk].outfile));
  }
  totals.bundled.push(median(times.bundled));
  totals.runtime.push(median(times.runtime));
  const paid = ['@aws-sdk/client-textract', '@aws-sdk/client-bedrock-runtime']
    .filter((pkg) => inputsFrom(builds.bundled.metafile, pkg).length > 0)
    .map((pkg) => pkg.replace('@aws-sdk/client-', ''));
  rows.push(
    `| ${name} | ${kb(builds.bundled.bytes)} | ${kb(builds.runtime.bytes)} | ${ms(median(times.bundled))} | ${ms(median(times.runtime))} | ${paid.join(', ') || '–'} |`,
  );
  console.log(rows.at(-1));
}

const section = [
  '<!-- bench:handlers:start -->',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}, by \`npm run bench\`: every handler of \`lib/handler-entries.ts\`, bundled with the stack's own options (\`BUNDLING\` in \`lib/handler-function.ts\`: node24, ESM, minified, source maps). Sizes are the code file (\`index.mjs\`) without its source map; cold import is a fresh \`node ${HANDLER_NODE_OPTIONS}\` importing the bundle (module initialisation, no invocation), median of ${RUNS}. "SDK from runtime" leaves \`@aws-sdk/*\` external, resolved from the project's \`node_modules\` as a deployed function would resolve the runtime's copy.`,
  '',
  `| handler | bundle (SDK bundled) | bundle (SDK from runtime) | cold import (SDK bundled) | cold import (SDK from runtime) | Textract / Bedrock clients |`,
  '|---|---|---|---|---|---|',
  ...rows,
  `| **median of all handlers** | | | **${ms(median(totals.bundled))}** | **${ms(median(totals.runtime))}** | |`,
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
