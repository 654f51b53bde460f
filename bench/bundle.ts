/** Bundles a handler the way the CDK stack does (esbuild, ESM, minified, Node 24), for size and import checks. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';

export const HANDLERS = {
  'api/health': 'lambdas/handlers/api/health.ts',
  'api/create-upload': 'lambdas/handlers/api/create-upload.ts',
  'api/submit-document': 'lambdas/handlers/api/submit-document.ts',
  'api/submit-form': 'lambdas/handlers/api/submit-form.ts',
  'api/submit-form-filling': 'lambdas/handlers/api/submit-form-filling.ts',
  'api/get-task': 'lambdas/handlers/api/get-task.ts',
  'api/list-tasks': 'lambdas/handlers/api/list-tasks.ts',
  'api/delete-task': 'lambdas/handlers/api/delete-task.ts',
  worker: 'lambdas/handlers/worker.ts',
  'dead-letter': 'lambdas/handlers/dead-letter.ts',
  sweeper: 'lambdas/handlers/sweeper.ts',
} as const;

/** Packages that only the local runtime uses; the Lambda bundles must never carry them. */
export const LOCAL_ONLY = ['tesseract.js', '@tesseract.js-data/eng'];

export interface BundleResult {
  outfile: string;
  bytes: number;
  metafile: Metafile;
}

export async function bundleHandler(
  entry: string,
  options: { externalAwsSdk: boolean },
): Promise<BundleResult> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'docusnap-bundle-')), 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    metafile: true,
    logLevel: 'silent',
    external: [...LOCAL_ONLY, ...(options.externalAwsSdk ? ['@aws-sdk/*'] : [])],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { outfile, bytes, metafile: result.metafile };
}

/** Input files of a bundle that belong to `packageName` (e.g. `@aws-sdk/client-textract`). */
export function inputsFrom(metafile: Metafile, packageName: string): string[] {
  return Object.keys(metafile.inputs).filter((input) => input.includes(`node_modules/${packageName}/`));
}
