import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_CACHE, bundleHandler } from '../../bench/bundle';
import { DEFAULT_BEDROCK_MODEL_ID } from '../../lambdas/core/shared-facts';
import { HANDLER_ENTRIES } from '../../lib/handler-entries';
import { HandlerFunction, NEVER_BUNDLED_MODULES } from '../../lib/handler-function';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';
import { TemplateQueries } from './template-queries';

let synth: Synthesized;
let t: TemplateQueries;
let handlers: HandlerFunction[];
beforeAll(() => {
  synth = synthesize();
  t = new TemplateQueries(synth.stack, synth.template);
  handlers = synth.stack.node
    .findAll()
    .filter((node): node is HandlerFunction => node instanceof HandlerFunction);
}, SYNTH_TIMEOUT_MS);

/** The directory of a function's bundle in the cloud assembly. */
function bundleDir(fn: HandlerFunction): string {
  const staging = fn.node.findAll().find((node): node is AssetStaging => node instanceof AssetStaging);
  if (!staging) throw new Error(`no staged bundle for ${fn.node.path}`);
  return staging.absoluteStagedPath;
}

describe('Lambda functions', () => {
  it('deploys one function per handler entry', () => {
    expect(handlers).toHaveLength(20);
    expect(Object.keys(HANDLER_ENTRIES)).toHaveLength(20);
  });

  it('bundle every handler from its source file, none from a placeholder', () => {
    expect(synth.missingHandlers).toEqual([]);
  });

  it('run Node.js 24 on ARM64', () => {
    for (const fn of handlers) {
      expect(t.of(fn).Properties, fn.node.path).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
      });
    }
  });

  it('are traced actively by X-Ray, so one task can be followed from the API to the worker', () => {
    for (const fn of handlers) {
      expect(t.of(fn).Properties.TracingConfig, fn.node.path).toEqual({ Mode: 'Active' });
    }
  });

  it('log to their own log group with a retention', () => {
    for (const fn of handlers) {
      const logGroupId = t.of(fn).Properties.LoggingConfig?.LogGroup?.Ref;
      expect(logGroupId, fn.node.path).toBeDefined();
      expect(t.template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('get the table, bucket, queue URLs and Powertools settings from the environment', () => {
    for (const fn of handlers) {
      const variables = t.of(fn).Properties.Environment.Variables;
      expect(variables, fn.node.path).toMatchObject({
        DOCUSNAP_TABLE: { Ref: t.id(synth.stack.storage.table) },
        DOCUSNAP_BUCKET: { Ref: t.id(synth.stack.storage.bucket) },
        DOCUSNAP_QUEUE_URL: { Ref: t.id(synth.stack.queues.normal) },
        DOCUSNAP_HIGH_QUEUE_URL: { Ref: t.id(synth.stack.queues.high) },
        DOCUSNAP_RETENTION_DAYS: '7',
        POWERTOOLS_SERVICE_NAME: 'docusnap',
        POWERTOOLS_METRICS_NAMESPACE: 'DocuSnap',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('configure the worker for Textract and Bedrock with a 90 s timeout', () => {
    expect(t.of(synth.stack.taskProcessing.worker).Properties.Environment.Variables).toMatchObject({
      DOCUSNAP_OCR: 'textract',
      DOCUSNAP_LLM: 'bedrock',
      DOCUSNAP_BEDROCK_MODEL_ID: DEFAULT_BEDROCK_MODEL_ID,
      // Nova Lite's model card: requests asking for more are clamped to it.
      DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS: '5000',
      DOCUSNAP_WORKER_TIMEOUT_S: '90',
      // Invented values are kept, flagged, unless `-c ungroundedValues=drop`.
      DOCUSNAP_UNGROUNDED_VALUES: 'keep',
    });
    expect(synth.stack.compat).toBeDefined();
    expect(
      t.of(synth.stack.taskProcessing.worker).Properties.Environment.Variables.DOCUSNAP_KMS_KEY_ID,
    ).toEqual(t.arnOf(synth.stack.compat?.keyWrappingKey ?? synth.stack));
  });

  it('name the worker’s providers to the dead-letter handler and sweeper, which report them in usage', () => {
    for (const fn of [synth.stack.taskProcessing.deadLetterHandler, synth.stack.taskProcessing.sweeper]) {
      expect(t.of(fn).Properties.Environment.Variables, fn.node.path).toMatchObject({
        DOCUSNAP_OCR: 'textract',
        DOCUSNAP_LLM: 'bedrock',
        DOCUSNAP_BEDROCK_MODEL_ID: DEFAULT_BEDROCK_MODEL_ID,
      });
    }
  });

  it('runs the sweeper every 5 minutes, one run at a time', () => {
    const rule = t.of(synth.stack.taskProcessing.sweepSchedule).Properties;
    expect(rule.ScheduleExpression).toBe('rate(5 minutes)');
    expect(rule.Targets[0].Arn).toEqual(t.arnOf(synth.stack.taskProcessing.sweeper));
    expect(t.of(synth.stack.taskProcessing.sweeper).Properties.ReservedConcurrentExecutions).toBe(1);
  });
});

describe('bundles', () => {
  it('are ESM with source maps and keep the local-only OCR providers out', () => {
    expect(NEVER_BUNDLED_MODULES).toEqual(['tesseract.js', '@tesseract.js-data/eng']);
    for (const fn of [synth.stack.taskProcessing.worker, ...synth.stack.api.functions.values()]) {
      const dir = bundleDir(fn);
      // The worker also carries MuPDF's WASM beside its code (RUNTIME_FILES), loaded from next to it.
      const extra = fn === synth.stack.taskProcessing.worker ? ['mupdf-wasm.wasm'] : [];
      expect(fs.readdirSync(dir).sort(), fn.node.path).toEqual(['index.mjs', 'index.mjs.map', ...extra]);
      const code = fs.readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      // The createRequire banner lets bundled CommonJS dependencies call require() from ESM.
      expect(code.startsWith('import { createRequire }')).toBe(true);
      expect(code).not.toMatch(/from\s*["']tesseract\.js["']|require\(["']tesseract\.js["']\)/);
      // tesseract's WASM core would make the bundle tens of megabytes.
      expect(code.length).toBeLessThan(5_000_000);
    }
  });

  it('are what `npm run bench` measures: bench/bundle.ts builds the same code from the same options', async () => {
    fs.mkdirSync(BENCH_CACHE, { recursive: true });
    const scratch = fs.mkdtempSync(path.join(BENCH_CACHE, 'infra-'));
    try {
      for (const [fn, name] of [
        [synth.stack.taskProcessing.worker, 'worker'],
        [synth.stack.api.functions.get('health'), 'health'],
      ] as const) {
        if (!fn) throw new Error(`no ${name} function`);
        const bench = await bundleHandler(name, { sdk: 'bundled', outdir: path.join(scratch, name) });
        const deployed = fs.readFileSync(path.join(bundleDir(fn), 'index.mjs'));
        expect(
          fs.readFileSync(bench.outfile).equals(deployed),
          `${name}: bench bundle = deployed bundle`,
        ).toBe(true);
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('carry the pinned AWS SDK instead of relying on the runtime copy', () => {
    const worker = fs.readFileSync(
      path.join(bundleDir(synth.stack.taskProcessing.worker), 'index.mjs'),
      'utf8',
    );
    expect(worker).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(worker).toContain('DetectDocumentText');
  });
});
