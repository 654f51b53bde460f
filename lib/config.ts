import * as z from 'zod';
import { modelCard } from '../lambdas/core/bedrock-models';
import {
  DEFAULT_BEDROCK_MODEL_ID,
  DEFAULT_RETENTION_DAYS,
  UNGROUNDED_VALUE_POLICIES,
  type UngroundedValuePolicy,
} from '../lambdas/core/shared-facts';
import { splitWorkerConcurrency } from './concurrency';

/**
 * Per-route limits of the unauthenticated compat routes. One app polls /process about every 1.5 s while a
 * job runs (~0.7 request/s), so 2/s serves three phones at once; the burst of 6 absorbs their first POSTs.
 */
export const DEFAULT_COMPAT_THROTTLE = { rateLimit: 2, burstLimit: 6 } as const;

/** Lambda's minimum event-source maxConcurrency, so the least each queue can get. */
const MIN_QUEUE_CONCURRENCY = 2;

/** CDK context values arrive as strings from `-c key=value` and as JSON values from cdk.json. */
const contextInteger = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const contextBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((value) => value === 'true'),
]);

const contextSchema = z
  .object({
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,19}$/, 'stage must be lower-case letters, digits and dashes (max 20)')
      .default('dev'),
    bedrockModelId: z.string().min(1).default(DEFAULT_BEDROCK_MODEL_ID),
    /** Output-token limit of a model missing from lambdas/core/bedrock-models.ts (its model card's number). */
    bedrockMaxOutputTokens: contextInteger(1, 1_000_000).optional(),
    workerConcurrency: contextInteger(1, 1000).default(10),
    /** Event-source maxConcurrency of the high-priority queue; the normal queue gets the rest of the pool. */
    highPriorityConcurrency: contextInteger(1, 1000).optional(),
    retentionDays: contextInteger(1, 365).default(DEFAULT_RETENTION_DAYS),
    compatRoutes: contextBoolean.default(true),
    apiRateLimit: contextInteger(1, 10_000).default(50),
    apiBurstLimit: contextInteger(1, 5_000).default(100),
    // Anonymous callers can start paid OCR + LLM jobs on /process: see docs/android.md for these defaults.
    compatRateLimit: contextInteger(1, 10_000).default(DEFAULT_COMPAT_THROTTLE.rateLimit),
    compatBurstLimit: contextInteger(1, 5_000).default(DEFAULT_COMPAT_THROTTLE.burstLimit),
    alarmEmail: z.email().optional(),
    /** USD per month; an AWS Budgets cost budget notifies the alarm topic past it. Off when unset. */
    monthlyBudgetUsd: z.coerce.number().positive().max(1_000_000).optional(),
    retainData: contextBoolean.optional(),
    console: contextBoolean.default(false),
    ungroundedValues: z.enum(UNGROUNDED_VALUE_POLICIES).default('keep'),
  })
  .superRefine((value, ctx) => {
    const known = modelCard(value.bedrockModelId);
    if (!known && value.bedrockMaxOutputTokens === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bedrockModelId'],
        message: `${value.bedrockModelId} is not in the model table (lambdas/core/bedrock-models.ts), so its output-token limit is unknown: add it there, or give its model card's limit with -c bedrockMaxOutputTokens=<n>`,
      });
    }
    if (
      known &&
      value.bedrockMaxOutputTokens !== undefined &&
      value.bedrockMaxOutputTokens > known.maxOutputTokens
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['bedrockMaxOutputTokens'],
        message: `${value.bedrockModelId} answers at most ${known.maxOutputTokens} output tokens, got ${value.bedrockMaxOutputTokens}`,
      });
    }
    if (value.workerConcurrency < 4) {
      ctx.addIssue({
        code: 'custom',
        path: ['workerConcurrency'],
        message: `workerConcurrency must be at least 4 (each queue's event source needs at least 2), got ${value.workerConcurrency}`,
      });
    }
    const high = value.highPriorityConcurrency;
    if (
      high !== undefined &&
      (high < MIN_QUEUE_CONCURRENCY || value.workerConcurrency - high < MIN_QUEUE_CONCURRENCY)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['highPriorityConcurrency'],
        message: `highPriorityConcurrency must be at least ${MIN_QUEUE_CONCURRENCY} and leave at least ${MIN_QUEUE_CONCURRENCY} of workerConcurrency ${value.workerConcurrency} to the normal queue, got ${high}`,
      });
    }
  });

export type DocusnapContext = z.input<typeof contextSchema>;

/** Everything the stack needs from the outside, parsed and validated once. */
export interface DocusnapConfig {
  readonly stage: string;
  readonly bedrockModelId: string;
  /** Output-token limit of that model: `bedrockMaxOutputTokens`, else the model table's. */
  readonly bedrockMaxOutputTokens: number;
  /** Reserved concurrency of the worker: the pool of tasks processed at once. */
  readonly workerConcurrency: number;
  /**
   * Event-source maxConcurrency per queue: high from `highPriorityConcurrency` or the default split
   * (lib/concurrency.ts), normal the rest of the pool.
   */
  readonly queueConcurrency: { readonly high: number; readonly normal: number };
  readonly retentionDays: number;
  readonly compatRoutes: boolean;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly compatThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly alarmEmail?: string;
  /** Monthly cost budget in USD (AWS Budgets, whole account); undefined: no budget. */
  readonly monthlyBudgetUsd?: number;
  /** Keep data (key, table, bucket, user pool, secret) when the stack is deleted. */
  readonly retainData: boolean;
  /** Deploy the web console (S3 + CloudFront) beside the API. */
  readonly console: boolean;
  /** Keep (flagged) or drop the `kv` values no OCR words support. */
  readonly ungroundedValues: UngroundedValuePolicy;
}

export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof DocusnapContext)[];

/** Production-like stages keep their data on stack deletion unless `retainData` says otherwise. */
const isProductionStage = (stage: string) => /^prod/.test(stage);

/** The high queue gets `high` when set (validated above), else the default split; normal gets the rest. */
function queueConcurrency(total: number, high: number | undefined): { high: number; normal: number } {
  if (high === undefined) return splitWorkerConcurrency(total, MIN_QUEUE_CONCURRENCY);
  return { high, normal: total - high };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the CDK context values (`node.tryGetContext`) into the typed configuration. */
export function parseConfig(context: Record<string, unknown>): DocusnapConfig {
  const parsed = contextSchema.safeParse(context);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'context'}: ${issue.message}`,
    );
    throw new ConfigError(`invalid DocuSnap context: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  return {
    stage: value.stage,
    bedrockModelId: value.bedrockModelId,
    // Validated above: one of the two is there.
    bedrockMaxOutputTokens:
      value.bedrockMaxOutputTokens ?? (modelCard(value.bedrockModelId)?.maxOutputTokens as number),
    workerConcurrency: value.workerConcurrency,
    queueConcurrency: queueConcurrency(value.workerConcurrency, value.highPriorityConcurrency),
    retentionDays: value.retentionDays,
    compatRoutes: value.compatRoutes,
    apiThrottle: { rateLimit: value.apiRateLimit, burstLimit: value.apiBurstLimit },
    compatThrottle: { rateLimit: value.compatRateLimit, burstLimit: value.compatBurstLimit },
    alarmEmail: value.alarmEmail,
    monthlyBudgetUsd: value.monthlyBudgetUsd,
    retainData: value.retainData ?? isProductionStage(value.stage),
    console: value.console,
    ungroundedValues: value.ungroundedValues,
  };
}
