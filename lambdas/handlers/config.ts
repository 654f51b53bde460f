import { type PricingTable, pricingWithOverride } from '../core/pricing';
import {
  DEFAULT_BEDROCK_MODEL_ID,
  DEFAULT_PENDING_TIMEOUT_SECONDS,
  DEFAULT_PROCESSING_TIMEOUT_SECONDS,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_WORKER_TIMEOUT_SECONDS,
  UNGROUNDED_VALUE_POLICIES,
} from '../core/shared-facts';
import type { ProviderNames } from '../core/usage';
import {
  attemptsOf,
  DEFAULT_RETRY_DELAYS_SECONDS,
  DELIVERY_QUEUE_MAX_RECEIVE_COUNT,
} from '../core/webhooks/webhook';
import * as z from '../core/zod';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names';

/** SQS's longest visibility timeout: a retry delay is a visibility change, so none may be longer. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * The environment of docs/architecture.md, parsed once into a typed object. The only place that reads
 * `process.env` for the API, worker, dead-letter and sweeper handlers.
 */
export interface Config {
  table: string;
  bucket: string;
  queueUrls: { normal: string; high: string };
  ocr: 'textract' | 'tesseract' | 'simulated';
  /** How Textract gets an image: by S3 reference (AWS) or as bytes (a bucket it cannot reach, e.g. local). */
  textractDocument: 's3' | 'bytes';
  llm: 'bedrock' | 'openai' | 'rules';
  bedrockModelId: string;
  /** Output-token limit of the Bedrock model, when it is not in the model table (core/bedrock-models.ts). */
  bedrockMaxOutputTokens?: number;
  openai: { baseUrl?: string; model?: string; apiKey?: string };
  /** What the configured OCR engine and LLM report in `usage`, without building either. */
  providers: ProviderNames;
  retentionDays: number;
  keepInputs: boolean;
  workerTimeoutSeconds: number;
  ocrConcurrency: number;
  pendingTimeoutSeconds: number;
  processingTimeoutSeconds: number;
  pricing: PricingTable;
  /** `kv` values no OCR words support: kept and flagged `grounded: false`, or dropped from the result. */
  ungroundedValues: 'keep' | 'drop';
  /** Compat result sealing in the worker: KMS on AWS, a local master key file offline. */
  kmsKeyId?: string;
  masterKeyFile?: string;
  /** Emulators serve buckets by path, not by virtual host (set when `AWS_ENDPOINT_URL_S3` is). */
  s3ForcePathStyle: boolean;
  /** `AWS_ENDPOINT_URL_S3`, which the SDK clients read themselves, for the object reader that is no client. */
  s3Endpoint?: string;
  /** `AWS_REGION` (Lambda always sets it), likewise. */
  region?: string;
  webhooks: {
    /** The delivery queue; without it no webhook is delivered (deliveries are not enqueued). */
    queueUrl?: string;
    /** KMS key wrapping webhook secrets (AWS); else the local master key file. */
    kmsKeyId?: string;
    /** Local runtime only: webhooks may also post to loopback, over http too. */
    allowLoopback: boolean;
    /** Seconds before each retry of a failed delivery; one attempt more than entries. */
    retryDelaysSeconds: readonly number[];
  };
  /** EventBridge bus every terminal task goes to (`default` on AWS); none locally. */
  eventBusName?: string;
}

const required = z.string().check(z.trim(), z.minLength(1));
const optional = z.pipe(
  z.optional(z.string().check(z.trim())),
  z.transform((value) => (value ? value : undefined)),
);
const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);
const flag = z.pipe(
  z._default(z.enum(['true', 'false', '1', '0', '']), 'false'),
  z.transform((value) => value === 'true' || value === '1'),
);

const Environment = z.object({
  DOCUSNAP_TABLE: required,
  DOCUSNAP_BUCKET: required,
  DOCUSNAP_QUEUE_URL: required,
  DOCUSNAP_HIGH_QUEUE_URL: required,
  DOCUSNAP_OCR: z._default(z.enum(['textract', 'tesseract', 'simulated']), 'textract'),
  DOCUSNAP_TEXTRACT_DOCUMENT: z._default(z.enum(['s3', 'bytes']), 's3'),
  DOCUSNAP_LLM: z._default(z.enum(['bedrock', 'openai', 'rules']), 'bedrock'),
  DOCUSNAP_BEDROCK_MODEL_ID: z._default(required, DEFAULT_BEDROCK_MODEL_ID),
  DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS: z.optional(z.coerce.number().check(z.int(), z.positive())),
  DOCUSNAP_OPENAI_BASE_URL: optional,
  DOCUSNAP_OPENAI_MODEL: optional,
  DOCUSNAP_OPENAI_API_KEY: optional,
  DOCUSNAP_RETENTION_DAYS: positiveInt(DEFAULT_RETENTION_DAYS),
  DOCUSNAP_KEEP_INPUTS: flag,
  DOCUSNAP_WORKER_TIMEOUT_S: positiveInt(DEFAULT_WORKER_TIMEOUT_SECONDS),
  DOCUSNAP_OCR_CONCURRENCY: positiveInt(4),
  DOCUSNAP_PENDING_TIMEOUT_S: positiveInt(DEFAULT_PENDING_TIMEOUT_SECONDS),
  DOCUSNAP_PROCESSING_TIMEOUT_S: positiveInt(DEFAULT_PROCESSING_TIMEOUT_SECONDS),
  DOCUSNAP_PRICING: z.pipe(
    z.optional(z.string()),
    z.transform((json, ctx) => {
      try {
        return pricingWithOverride(json);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: `not a pricing table: ${String(error)}`, input: json });
        return z.NEVER;
      }
    }),
  ),
  DOCUSNAP_UNGROUNDED_VALUES: z._default(z.enum(UNGROUNDED_VALUE_POLICIES), 'keep'),
  DOCUSNAP_KMS_KEY_ID: optional,
  DOCUSNAP_MASTER_KEY_FILE: optional,
  AWS_ENDPOINT_URL_S3: optional,
  AWS_REGION: optional,
  DOCUSNAP_WEBHOOK_QUEUE_URL: optional,
  DOCUSNAP_WEBHOOK_KEY_ID: optional,
  DOCUSNAP_WEBHOOK_ALLOW_LOOPBACK: flag,
  DOCUSNAP_WEBHOOK_RETRY_DELAYS_S: z
    .pipe(
      z.optional(
        z
          .string()
          .check(
            z.trim(),
            z.regex(/^\d+(,\d+)*$/, 'a comma-separated list of whole seconds, at most 43200 each'),
          ),
      ),
      z.transform((list) => (list ? list.split(',').map(Number) : DEFAULT_RETRY_DELAYS_SECONDS)),
    )
    .check(
      z.refine((delays) => delays.every((delay) => delay <= MAX_VISIBILITY_TIMEOUT_SECONDS), {
        message: 'a delay is longer than SQS allows (43200 s)',
      }),
      z.refine((delays) => attemptsOf(delays) < DELIVERY_QUEUE_MAX_RECEIVE_COUNT, {
        message: `at most ${DELIVERY_QUEUE_MAX_RECEIVE_COUNT - 2} retries (the delivery queue's redrive limit)`,
      }),
    ),
  DOCUSNAP_EVENT_BUS: optional,
});

/** Thrown at cold start; names every missing or invalid variable. */
export class ConfigurationError extends Error {
  constructor(
    readonly variables: string[],
    detail: string,
  ) {
    super(`Invalid configuration: ${detail}`);
    this.name = 'ConfigurationError';
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return {
        name,
        text: env[name] === undefined ? `${name} is missing` : `${name} is invalid: ${issue.message}`,
      };
    });
    throw new ConfigurationError(
      problems.map((problem) => problem.name),
      problems.map((problem) => problem.text).join('; '),
    );
  }
  const e = parsed.data;
  if (e.DOCUSNAP_LLM === 'openai' && (!e.DOCUSNAP_OPENAI_BASE_URL || !e.DOCUSNAP_OPENAI_MODEL)) {
    throw new ConfigurationError(
      ['DOCUSNAP_OPENAI_BASE_URL', 'DOCUSNAP_OPENAI_MODEL'],
      'DOCUSNAP_LLM=openai needs DOCUSNAP_OPENAI_BASE_URL and DOCUSNAP_OPENAI_MODEL',
    );
  }
  return {
    table: e.DOCUSNAP_TABLE,
    bucket: e.DOCUSNAP_BUCKET,
    queueUrls: { normal: e.DOCUSNAP_QUEUE_URL, high: e.DOCUSNAP_HIGH_QUEUE_URL },
    ocr: e.DOCUSNAP_OCR,
    textractDocument: e.DOCUSNAP_TEXTRACT_DOCUMENT,
    llm: e.DOCUSNAP_LLM,
    bedrockModelId: e.DOCUSNAP_BEDROCK_MODEL_ID,
    bedrockMaxOutputTokens: e.DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS,
    openai: {
      baseUrl: e.DOCUSNAP_OPENAI_BASE_URL,
      model: e.DOCUSNAP_OPENAI_MODEL,
      apiKey: e.DOCUSNAP_OPENAI_API_KEY,
    },
    providers: {
      ocrEngine: e.DOCUSNAP_OCR,
      llmModel: llmModelOf(e.DOCUSNAP_LLM, e.DOCUSNAP_BEDROCK_MODEL_ID, e.DOCUSNAP_OPENAI_MODEL),
    },
    retentionDays: e.DOCUSNAP_RETENTION_DAYS,
    keepInputs: e.DOCUSNAP_KEEP_INPUTS,
    workerTimeoutSeconds: e.DOCUSNAP_WORKER_TIMEOUT_S,
    ocrConcurrency: e.DOCUSNAP_OCR_CONCURRENCY,
    pendingTimeoutSeconds: e.DOCUSNAP_PENDING_TIMEOUT_S,
    processingTimeoutSeconds: e.DOCUSNAP_PROCESSING_TIMEOUT_S,
    pricing: e.DOCUSNAP_PRICING,
    ungroundedValues: e.DOCUSNAP_UNGROUNDED_VALUES,
    kmsKeyId: e.DOCUSNAP_KMS_KEY_ID,
    masterKeyFile: e.DOCUSNAP_MASTER_KEY_FILE,
    s3ForcePathStyle: e.AWS_ENDPOINT_URL_S3 !== undefined,
    s3Endpoint: e.AWS_ENDPOINT_URL_S3,
    region: e.AWS_REGION,
    webhooks: {
      queueUrl: e.DOCUSNAP_WEBHOOK_QUEUE_URL,
      kmsKeyId: e.DOCUSNAP_WEBHOOK_KEY_ID,
      allowLoopback: e.DOCUSNAP_WEBHOOK_ALLOW_LOOPBACK,
      retryDelaysSeconds: e.DOCUSNAP_WEBHOOK_RETRY_DELAYS_S,
    },
    eventBusName: e.DOCUSNAP_EVENT_BUS,
  };
}

/** The model id each LLM provider reports (the `rules` extractor calls itself `rules`). */
function llmModelOf(llm: Config['llm'], bedrockModelId: string, openaiModel = ''): string {
  switch (llm) {
    case 'bedrock':
      return bedrockModelId;
    case 'openai':
      return openaiModel;
    case 'rules':
      return 'rules';
  }
}

let parsed: Config | undefined;

/** The process environment's configuration, parsed on first use (once per cold start). */
export function environmentConfig(): Config {
  parsed ??= parseConfig(process.env);
  return parsed;
}

/** Powertools' own variables with this project's defaults; apart from the rest so logging works even when environmentConfig() throws. */
export function observability(env: Record<string, string | undefined> = process.env): {
  serviceName: string;
  namespace: string;
} {
  return {
    serviceName: env.POWERTOOLS_SERVICE_NAME || METRICS_SERVICE,
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  };
}
