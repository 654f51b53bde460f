/**
 * Bundles a handler exactly as the CDK stack does: the entries of lib/handler-entries.ts, built by esbuild
 * with the options NodejsFunction derives from lib/handler-function.ts's BUNDLING. Used by `npm run bench`
 * (sizes, cold imports) and test/bundles.test.ts (what each bundle carries).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { HANDLER_ENTRIES, type HandlerName, handlerSourcePath, PROJECT_ROOT } from '../lib/handler-entries';
import { BUNDLING, bundlingOf, leaveAwsSdkToRuntime, NEVER_BUNDLED_MODULES } from '../lib/handler-function';

/** Every handler the stack deploys, by its construct name. */
export const HANDLER_NAMES = Object.keys(HANDLER_ENTRIES) as HandlerName[];

/** Packages that only the local runtime uses; the Lambda bundles must never carry them. */
export const LOCAL_ONLY: readonly string[] = NEVER_BUNDLED_MODULES;

/**
 * Bundles live under the project's node_modules, so a bundle that leaves `@aws-sdk/*` external resolves
 * it from there when imported, as a deployed one resolves it from the runtime's copy.
 */
export const BENCH_CACHE = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'docusnap-bench');

/** `bundled`: the stack's own options; `runtime`: the same with `@aws-sdk/*` left to the Lambda runtime. */
export type SdkPlacement = 'bundled' | 'runtime';

export const bundlingFor = (sdk: SdkPlacement, handler?: HandlerName): BundlingOptions => {
  const stack = handler ? bundlingOf(handler) : BUNDLING;
  return sdk === 'bundled' ? stack : leaveAwsSdkToRuntime(stack);
};

/** The BundlingOptions keys esbuildOptions translates; any other key in BUNDLING is an error here. */
const TRANSLATED = new Set<keyof BundlingOptions>([
  'format',
  'target',
  'mainFields',
  'banner',
  'minify',
  'sourceMap',
  'sourcesContent',
  'bundleAwsSDK',
  'externalModules',
  'logLevel',
  'esbuildArgs',
  // Run by bundleHandler after esbuild, as NodejsFunction runs them.
  'commandHooks',
]);

/**
 * The esbuild build NodejsFunction runs for these options (aws-cdk-lib/aws-lambda-nodejs `Bundling`:
 * `esbuild --bundle <entry> --target --platform=node --format --outfile --minify --sourcemap
 * --sources-content --external:… --log-level --banner:js --main-fields`, from the project root).
 */
export function esbuildOptions(bundling: BundlingOptions, entry: string, outdir: string): BuildOptions {
  const untranslated = Object.keys(bundling).filter((key) => !TRANSLATED.has(key as keyof BundlingOptions));
  if (untranslated.length > 0) {
    throw new Error(`bench/bundle.ts does not translate the bundling option(s) ${untranslated.join(', ')}`);
  }
  if (!bundling.target) throw new Error('BUNDLING must name its esbuild target');
  if (bundling.sourceMapMode) throw new Error('bench/bundle.ts does not translate sourceMapMode');
  const esm = bundling.format === 'esm';
  const args = Object.entries(bundling.esbuildArgs ?? {});
  const unknownArgs = args.filter(([key]) => key !== '--alias').map(([key]) => key);
  if (unknownArgs.length > 0) {
    throw new Error(`bench/bundle.ts does not translate the esbuild argument(s) ${unknownArgs.join(', ')}`);
  }
  // NodejsFunction passes `--alias` as `--alias:<package>=<path>`.
  const alias = Object.fromEntries(
    args.map(([, value]) => {
      const [from = '', to = ''] = String(value).split('=');
      return [from, to];
    }),
  );
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile: path.join(outdir, esm ? 'index.mjs' : 'index.js'),
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format,
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    // As in NodejsFunction: externalModules, when given, replaces the default (`@aws-sdk/*` unless bundleAwsSDK).
    external: [...(bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*']))],
    logLevel: bundling.logLevel ?? 'warning',
    banner: bundling.banner ? { js: bundling.banner } : undefined,
    mainFields: bundling.mainFields,
    ...(args.length > 0 && { alias }),
  };
}

export interface BundleResult {
  /** The bundle's code file (`index.mjs`), next to its source map. */
  outfile: string;
  /** Bytes of the code file alone (the source map is not loaded unless a stack trace needs it). */
  bytes: number;
  /** Bytes of everything written: code and source map, as in the deployment package. */
  totalBytes: number;
  metafile: Metafile;
}

export async function bundleHandler(
  name: HandlerName,
  options: {
    sdk: SdkPlacement;
    /** @default BENCH_CACHE/<sdk>/<name>, emptied first */
    outdir?: string;
  },
): Promise<BundleResult> {
  const outdir = options.outdir ?? path.join(BENCH_CACHE, options.sdk, name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const bundling = bundlingFor(options.sdk, name);
  const buildOptions = esbuildOptions(bundling, handlerSourcePath(name), outdir);
  const result = await build({ ...buildOptions, metafile: true });
  for (const command of bundling.commandHooks?.afterBundling(PROJECT_ROOT, outdir) ?? []) {
    execFileSync('sh', ['-c', command]);
  }
  const outfile = buildOptions.outfile as string;
  const outputs = result.metafile.outputs;
  const bytes = outputs[path.relative(PROJECT_ROOT, outfile)]?.bytes;
  if (bytes === undefined) throw new Error(`esbuild wrote no ${outfile}`);
  const totalBytes = Object.values(outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { outfile, bytes, totalBytes, metafile: result.metafile };
}

/**
 * Input files of `packageName` (e.g. `@aws-sdk/client-textract`) whose code is in the bundle: esbuild also
 * lists files it read and then shook out entirely, which the bundle does not carry.
 */
export function inputsFrom(metafile: Metafile, packageName: string): string[] {
  const carried = new Set(
    Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([file]) => file),
    ),
  );
  return [...carried].filter((input) => input.includes(`node_modules/${packageName}/`));
}

/** Packages a bundle leaves to be resolved at run time (e.g. `@aws-sdk/client-s3`). */
export function externalImports(metafile: Metafile): string[] {
  const imports = Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((entry) => entry.external).map((entry) => entry.path),
  );
  return [...new Set(imports)].sort();
}
