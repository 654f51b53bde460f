/**
 * `npm run bench`: for each handler the stack deploys (lib/handler-entries.ts), bundled with the stack's own
 * options (lib/handler-function.ts), its bundle size and median cold-import time over fresh Node processes:
 * with the AWS SDK bundled (what the stack deploys), traced as on Lambda and untraced, and with `@aws-sdk/*`
 * left to the runtime (resolved from the project's node_modules, standing in for the Lambda runtime's copy).
 * Results go to docs/performance.md (the section between the bench markers).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { ROUTES } from '../lambdas/handlers/route-table';
import { HANDLER_NODE_OPTIONS } from '../lib/handler-function';
import { type BundleResult, bundleHandler, HANDLER_NAMES, inputsFrom, type SdkPlacement } from './bundle';

const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** How a cold import is run: the bundle, and whether Powertools Tracer is on (as on Lambda) or off. */
type Variant = 'traced' | 'untraced' | 'runtime';

/** Milliseconds for a fresh process to import the bundle (module init included, no invocation). */
function coldImportMs(file: string, traced: boolean): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      // As the functions run: source maps on (lib/handler-function.ts), and on Lambda, where the handlers
      // load and initialise Powertools Tracer (lambdas/handlers/tracing.ts: the background handlers).
      NODE_OPTIONS: HANDLER_NODE_OPTIONS,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      POWERTOOLS_TRACE_ENABLED: traced ? 'true' : 'false',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return Number(out.toString());
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

const rows: string[] = [];
const totals: Record<Variant, number[]> = { traced: [], untraced: [], runtime: [] };
/** The same medians over the HTTP routes alone (v1 and compat): the functions a client waits on. */
const apiTotals: Record<Variant, number[]> = { traced: [], untraced: [], runtime: [] };
let largestApiBundle = { name: '', bytes: 0 };
for (const name of HANDLER_NAMES) {
  const builds: Record<SdkPlacement, BundleResult> = {
    bundled: await bundleHandler(name, { sdk: 'bundled' }),
    runtime: await bundleHandler(name, { sdk: 'runtime' }),
  };
  // Alternate the variants so that machine noise hits them alike.
  const times: Record<Variant, number[]> = { traced: [], untraced: [], runtime: [] };
  for (let run = 0; run < RUNS; run++) {
    times.traced.push(coldImportMs(builds.bundled.outfile, true));
    times.untraced.push(coldImportMs(builds.bundled.outfile, false));
    times.runtime.push(coldImportMs(builds.runtime.outfile, true));
  }
  const isRoute = name in ROUTES;
  for (const variant of ['traced', 'untraced', 'runtime'] as const) {
    totals[variant].push(median(times[variant]));
    if (isRoute) apiTotals[variant].push(median(times[variant]));
  }
  if (isRoute && builds.bundled.bytes > largestApiBundle.bytes) {
    largestApiBundle = { name, bytes: builds.bundled.bytes };
  }
  const paid = ['@aws-sdk/client-textract', '@aws-sdk/client-bedrock-runtime']
    .filter((pkg) => inputsFrom(builds.bundled.metafile, pkg).length > 0)
    .map((pkg) => pkg.replace('@aws-sdk/client-', ''));
  rows.push(
    `| ${name} | ${kb(builds.bundled.bytes)} | ${kb(builds.runtime.bytes)} | ${ms(median(times.traced))} | ${ms(median(times.untraced))} | ${ms(median(times.runtime))} | ${paid.join(', ') || '–'} |`,
  );
  console.log(rows.at(-1));
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const section = [
  '<!-- bench:handlers:start -->',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, ${cpus().length} × ${cpu}, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end, by \`npm run bench\`: every handler of \`lib/handler-entries.ts\`, bundled with the stack's own options (\`BUNDLING\` in \`lib/handler-function.ts\`: node24, ESM, minified, source maps, the credential alias). Sizes are the code file (\`index.mjs\`) without its source map; cold import is a fresh \`node ${HANDLER_NODE_OPTIONS}\` importing the bundle as on Lambda (\`AWS_EXECUTION_ENV\` set: the background handlers load and initialise Powertools Tracer; the HTTP routes carry no tracer), module initialisation only, no invocation, median of ${RUNS}; "untraced" is the same bundle with \`POWERTOOLS_TRACE_ENABLED=false\`. "SDK from runtime" leaves \`@aws-sdk/*\` external, resolved from the project's \`node_modules\` as a deployed function would resolve the runtime's copy.`,
  '',
  '| handler | bundle (SDK bundled) | bundle (SDK from runtime) | cold import | cold import untraced | cold import (SDK from runtime) | Textract / Bedrock clients |',
  '|---|---|---|---|---|---|---|',
  ...rows,
  `| **median of the HTTP routes** (largest: ${largestApiBundle.name}, ${kb(largestApiBundle.bytes)}) | | | **${ms(median(apiTotals.traced))}** | **${ms(median(apiTotals.untraced))}** | **${ms(median(apiTotals.runtime))}** | |`,
  `| **median of all handlers** | | | **${ms(median(totals.traced))}** | **${ms(median(totals.untraced))}** | **${ms(median(totals.runtime))}** | |`,
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
