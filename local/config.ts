import path from 'node:path';
import * as z from 'zod';
import { DEFAULT_WORKER_TIMEOUT_SECONDS, VISIBILITY_TIMEOUT_FACTOR } from '../lambdas/core/shared-facts';
import { METRICS_SERVICE } from '../lambdas/handlers/metric-names';

const seconds = z.coerce.number().positive();

/** What the local runtime reads from the environment (the handlers read theirs in `handlers/config.ts`). */
const LocalEnvironment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DOCUSNAP_HOME: z.string().min(1).default('.docusnap'),
  DOCUSNAP_WORKER_CONCURRENCY: z.coerce.number().int().min(2).default(4),
  DOCUSNAP_API_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  DOCUSNAP_WORKER_TIMEOUT_S: seconds.default(DEFAULT_WORKER_TIMEOUT_SECONDS),
  /** Unset means the deployed ratio: VISIBILITY_TIMEOUT_FACTOR times the worker timeout (DESIGN §8). */
  DOCUSNAP_VISIBILITY_TIMEOUT_S: seconds.optional(),
  DOCUSNAP_SWEEP_INTERVAL_S: seconds.default(60),
  DOCUSNAP_FAULTS: z.string().default(''),
  DOCUSNAP_COMPAT: z.enum(['on', 'off']).default('on'),
});

export interface LocalConfig {
  port: number;
  /** Absolute directory holding keys, DynamoDB and S3 state. */
  home: string;
  workerConcurrency: number;
  /** API threads, each one environment of every API function. */
  apiConcurrency: number;
  workerTimeoutSeconds: number;
  visibilityTimeoutSeconds: number;
  sweepIntervalSeconds: number;
  faults: string;
  compat: boolean;
}

export function parseLocalConfig(env: Record<string, string | undefined>): LocalConfig {
  const parsed = LocalEnvironment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid local configuration: ${problems.join('; ')}`);
  }
  const settings = parsed.data;
  return {
    port: settings.PORT,
    home: path.resolve(settings.DOCUSNAP_HOME),
    workerConcurrency: settings.DOCUSNAP_WORKER_CONCURRENCY,
    apiConcurrency: settings.DOCUSNAP_API_CONCURRENCY,
    workerTimeoutSeconds: settings.DOCUSNAP_WORKER_TIMEOUT_S,
    visibilityTimeoutSeconds:
      settings.DOCUSNAP_VISIBILITY_TIMEOUT_S ??
      VISIBILITY_TIMEOUT_FACTOR * settings.DOCUSNAP_WORKER_TIMEOUT_S,
    sweepIntervalSeconds: settings.DOCUSNAP_SWEEP_INTERVAL_S,
    faults: settings.DOCUSNAP_FAULTS,
    compat: settings.DOCUSNAP_COMPAT === 'on',
  };
}

/** Providers and log levels for a laptop, applied only where the caller has not chosen. */
export const LOCAL_ENV_DEFAULTS: Record<string, string> = {
  DOCUSNAP_OCR: 'tesseract',
  DOCUSNAP_LLM: 'rules',
  // Also the tesseract pool size: one engine (~40 MB, one core busy) per image read in parallel.
  DOCUSNAP_OCR_CONCURRENCY: '2',
  POWERTOOLS_SERVICE_NAME: METRICS_SERVICE,
  POWERTOOLS_LOG_LEVEL: 'WARN',
  // EMF lines on stdout would bury the startup output; CloudWatch is the only reader of them.
  POWERTOOLS_METRICS_DISABLED: 'true',
  // No X-Ray daemon on a laptop: the tracer stays off and SDK clients are left untouched.
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // A developer's receiver runs on this machine: webhooks may post to loopback, over http too (never on AWS).
  DOCUSNAP_WEBHOOK_ALLOW_LOOPBACK: 'true',
};
