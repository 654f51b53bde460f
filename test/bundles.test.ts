import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BENCH_CACHE,
  bundleHandler,
  bundlingFor,
  esbuildOptions,
  externalImports,
  HANDLER_NAMES,
  inputsFrom,
  LOCAL_ONLY,
} from '../bench/bundle';
import type { HandlerName } from '../lib/handler-entries';
import { BUNDLING, bundlingOf } from '../lib/handler-function';
import { textPdf } from './support/documents';

mkdirSync(BENCH_CACHE, { recursive: true });
const scratch = mkdtempSync(path.join(BENCH_CACHE, 'test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const built = new Map<string, ReturnType<typeof bundleHandler>>();
/** Each handler is built once per variant for the whole file: a build takes a second or two. */
const bundle = (name: HandlerName, sdk: 'bundled' | 'runtime' = 'bundled') => {
  const key = `${sdk}/${name}`;
  if (!built.has(key)) built.set(key, bundleHandler(name, { sdk, outdir: path.join(scratch, sdk, name) }));
  return built.get(key) as ReturnType<typeof bundleHandler>;
};

/** The handlers on the request path: the v1 API and the DocuSnap Android compat routes. */
const requestPath = HANDLER_NAMES.filter(
  (name) => !['worker', 'deadLetter', 'sweeper', 'webhookDelivery'].includes(name),
) as HandlerName[];

describe('Lambda bundles', () => {
  it('cover every v1 API and compat handler on the request path', () => {
    expect(requestPath).toHaveLength(16);
    expect(requestPath).toEqual(
      expect.arrayContaining([
        'compatProcess',
        'compatClear',
        'compatCheckStatus',
        'compatPublicKey',
        'compatGenerateKey',
        'createWebhook',
        'listWebhooks',
        'deleteWebhook',
      ]),
    );
  });

  it.each(requestPath)('%s carries neither the Textract nor the Bedrock client', async (name) => {
    const { metafile } = await bundle(name);
    expect(inputsFrom(metafile, '@aws-sdk/client-textract')).toEqual([]);
    expect(inputsFrom(metafile, '@aws-sdk/client-bedrock-runtime')).toEqual([]);
    for (const pkg of LOCAL_ONLY) expect(inputsFrom(metafile, pkg)).toEqual([]);
  });

  // Lambda still records their invocations (active tracing) and the SDK passes the trace header on.
  it.each(requestPath)(
    '%s carries neither Powertools Tracer nor the X-Ray SDK: API routes are not traced',
    async (name) => {
      const { metafile } = await bundle(name);
      for (const pkg of ['@aws-lambda-powertools/tracer', 'aws-xray-sdk-core', 'cls-hooked']) {
        expect(inputsFrom(metafile, pkg), pkg).toEqual([]);
      }
    },
  );

  it.each(['worker', 'deadLetter', 'sweeper', 'webhookDelivery'] as const)(
    '%s carries Powertools Tracer: the background handlers record their tasks and SDK calls',
    async (name) => {
      const { metafile } = await bundle(name);
      expect(inputsFrom(metafile, '@aws-lambda-powertools/tracer').length).toBeGreaterThan(0);
      expect(inputsFrom(metafile, 'aws-xray-sdk-core').length).toBeGreaterThan(0);
    },
  );

  it.each(HANDLER_NAMES)('%s carries zod/mini with its English messages, not the full zod', async (name) => {
    const { metafile } = await bundle(name);
    expect(inputsFrom(metafile, 'zod/v4/classic')).toEqual([]);
    const locales = inputsFrom(metafile, 'zod/v4/locales').map((file) => path.basename(file));
    if (inputsFrom(metafile, 'zod/v4/mini').length > 0) expect(locales).toEqual(['en.js']);
  });

  // A package that pins another SDK version gets its own copy of that client (~70 KB of S3 schemas for the
  // presigned-POST signer before package.json's override).
  it.each(HANDLER_NAMES)('%s carries one copy of each AWS SDK package', async (name) => {
    const { metafile } = await bundle(name);
    const nested = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(
          ([file, input]) => input.bytesInOutput > 0 && /\/node_modules\/@(aws-sdk|smithy)\//.test(file),
        )
        .map(([file]) => file)
        .filter((file) => (file.match(/node_modules\//g) ?? []).length > 1),
    );
    expect(nested).toEqual([]);
  });

  // They end tasks without running them: provider names come from configuration, not from clients.
  it.each(['deadLetter', 'sweeper'] as const)(
    '%s carries neither the Textract nor the Bedrock client',
    async (name) => {
      const { metafile } = await bundle(name);
      expect(inputsFrom(metafile, '@aws-sdk/client-textract')).toEqual([]);
      expect(inputsFrom(metafile, '@aws-sdk/client-bedrock-runtime')).toEqual([]);
      for (const pkg of LOCAL_ONLY) expect(inputsFrom(metafile, pkg)).toEqual([]);
    },
  );

  it('the worker carries Textract and Bedrock but none of the local-only providers', async () => {
    const { metafile } = await bundle('worker');
    expect(inputsFrom(metafile, '@aws-sdk/client-textract').length).toBeGreaterThan(0);
    expect(inputsFrom(metafile, '@aws-sdk/client-bedrock-runtime').length).toBeGreaterThan(0);
    for (const pkg of LOCAL_ONLY) expect(inputsFrom(metafile, pkg)).toEqual([]);
  });

  it('the worker carries MuPDF, with its WASM copied beside the bundle; the API handlers do not', async () => {
    const { metafile, outfile } = await bundle('worker');
    expect(inputsFrom(metafile, 'mupdf').length).toBeGreaterThan(0);
    expect(existsSync(path.join(path.dirname(outfile), 'mupdf-wasm.wasm'))).toBe(true);
    const { metafile: submit } = await bundle('submitDocument');
    expect(inputsFrom(submit, 'mupdf')).toEqual([]);
    // Page counting at submit is all the API carries of documents.
    expect(inputsFrom(submit, 'pdf-lib').length).toBeGreaterThan(0);
  });

  it('the bundled document reader finds MuPDF’s WASM at run time and reads a PDF', async () => {
    const outdir = path.join(scratch, 'reader');
    const entry = path.join(outdir, 'entry.ts');
    mkdirSync(outdir, { recursive: true });
    const source = path.join(process.cwd(), 'lambdas/adapters/mupdf-document-reader.ts');
    writeFileSync(entry, `export { MupdfDocumentReader } from ${JSON.stringify(source)};\n`);
    const bundling = bundlingOf('worker');
    await build(esbuildOptions(bundling, entry, outdir));
    for (const command of bundling.commandHooks?.afterBundling(process.cwd(), outdir) ?? []) {
      execFileSync('sh', ['-c', command]);
    }
    const bundled = await import(pathToFileURL(path.join(outdir, 'index.mjs')).href);
    const reader = new bundled.MupdfDocumentReader();
    const pages = await reader.pages({
      mediaType: 'application/pdf',
      bytes: await textPdf([['Invoice Number: INV-1']]),
    });
    expect(pages[0].layout.lines[0].text).toBe('Invoice Number: INV-1');
  });

  it.each(['getTask', 'listTasks', 'deleteTask'] as const)(
    '%s carries no queue client, no upload signer and no page counter: only what its route uses',
    async (name) => {
      const { metafile } = await bundle(name);
      for (const pkg of ['@aws-sdk/client-sqs', '@aws-sdk/s3-presigned-post', 'pdf-lib', 'utif2', 'mupdf']) {
        expect(inputsFrom(metafile, pkg), pkg).toEqual([]);
      }
      expect(inputsFrom(metafile, '@aws-sdk/client-dynamodb').length).toBeGreaterThan(0);
    },
  );

  it.each(['getTask', 'listTasks'] as const)(
    '%s carries no S3 client: it only reads results, by signed GETs (S3ObjectReader)',
    async (name) => {
      const { metafile } = await bundle(name);
      expect(inputsFrom(metafile, '@aws-sdk/client-s3')).toEqual([]);
      expect(inputsFrom(metafile, '@smithy/signature-v4').length).toBeGreaterThan(0);
      // deleteTask deletes keys, so it keeps the client.
      expect(inputsFrom((await bundle('deleteTask')).metafile, '@aws-sdk/client-s3').length).toBeGreaterThan(
        0,
      );
    },
  );

  it.each(['listWebhooks', 'deleteWebhook'] as const)(
    '%s carries no KMS client: only registering a webhook wraps a secret',
    async (name) => {
      const { metafile } = await bundle(name);
      expect(inputsFrom(metafile, '@aws-sdk/client-kms')).toEqual([]);
      const register = await bundle('createWebhook');
      expect(inputsFrom(register.metafile, '@aws-sdk/client-kms').length).toBeGreaterThan(0);
    },
  );

  it('compat /clear carries no key-management, secrets or queue client: it only deletes', async () => {
    const { metafile } = await bundle('compatClear');
    for (const pkg of ['@aws-sdk/client-kms', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-sqs']) {
      expect(inputsFrom(metafile, pkg), pkg).toEqual([]);
    }
    const process = await bundle('compatProcess');
    expect(inputsFrom(process.metafile, '@aws-sdk/client-kms').length).toBeGreaterThan(0);
  });

  it('only the uploads route carries the upload signer, and it neither queues nor counts pages', async () => {
    const upload = await bundle('createUpload');
    expect(inputsFrom(upload.metafile, '@aws-sdk/s3-presigned-post').length).toBeGreaterThan(0);
    for (const pkg of ['@aws-sdk/client-sqs', 'pdf-lib', 'utif2']) {
      expect(inputsFrom(upload.metafile, pkg), pkg).toEqual([]);
    }
    for (const name of ['submitDocument', 'worker'] as const) {
      expect(inputsFrom((await bundle(name)).metafile, '@aws-sdk/s3-presigned-post'), name).toEqual([]);
    }
  });

  it('no bundle carries the SDK’s default credential chain; a bundled client reads the environment', async () => {
    const { metafile } = await bundle('getTask');
    for (const pkg of [
      '@aws-sdk/credential-provider-node',
      '@aws-sdk/credential-provider-sso',
      '@aws-sdk/nested-clients',
    ]) {
      expect(inputsFrom(metafile, pkg), pkg).toEqual([]);
    }
    const outdir = path.join(scratch, 'credentials');
    const entry = path.join(outdir, 'entry.ts');
    mkdirSync(outdir, { recursive: true });
    writeFileSync(
      entry,
      "import { S3Client } from '@aws-sdk/client-s3';\nexport const credentials = () => new S3Client({ region: 'us-east-1' }).config.credentials();\n",
    );
    await build(esbuildOptions(BUNDLING, entry, outdir));
    const bundled = await import(pathToFileURL(path.join(outdir, 'index.mjs')).href);
    const saved = { ...process.env };
    try {
      // As Lambda sets them for the function's role.
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEROLEKEY',
        AWS_SECRET_ACCESS_KEY: 'role-secret',
        AWS_SESSION_TOKEN: 'role-session',
      });
      expect(await bundled.credentials()).toMatchObject({
        accessKeyId: 'ASIAEXAMPLEROLEKEY',
        secretAccessKey: 'role-secret',
        sessionToken: 'role-session',
      });
    } finally {
      process.env = saved;
    }
  });

  it('the SDK-from-runtime variant differs from the stack only in leaving @aws-sdk/* external', async () => {
    const bundled = await bundle('worker');
    const runtime = await bundle('worker', 'runtime');
    expect(externalImports(bundled.metafile).filter((pkg) => pkg.startsWith('@aws-sdk/'))).toEqual([]);
    const external = externalImports(runtime.metafile);
    expect(external).toEqual(expect.arrayContaining(['@aws-sdk/client-bedrock-runtime']));
    expect(external.filter((pkg) => !pkg.startsWith('@aws-sdk/') && !pkg.startsWith('node:'))).toEqual(
      externalImports(bundled.metafile).filter((pkg) => !pkg.startsWith('node:')),
    );
    expect(inputsFrom(runtime.metafile, '@aws-sdk/client-textract')).toEqual([]);
    expect(runtime.bytes).toBeLessThan(bundled.bytes);
  });
});

describe('the bench builds with the stack’s bundling options', () => {
  it('targets the Lambda runtime, minified ESM with linked source maps and the require banner', () => {
    const options = esbuildOptions(bundlingFor('bundled'), 'entry.ts', '/out');
    expect(options).toMatchObject({
      target: 'node24',
      format: 'esm',
      platform: 'node',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      outfile: '/out/index.mjs',
      mainFields: ['module', 'main'],
      external: LOCAL_ONLY,
    });
    expect(options.banner?.js).toBe(BUNDLING.banner);
    expect(esbuildOptions(bundlingFor('runtime'), 'entry.ts', '/out').external).toEqual([
      ...LOCAL_ONLY,
      '@aws-sdk/*',
    ]);
  });

  it('refuses a bundling option it does not translate, so the bench cannot drift from the stack', () => {
    expect(() => esbuildOptions({ ...BUNDLING, keepNames: true }, 'entry.ts', '/out')).toThrow(/keepNames/);
  });
});
