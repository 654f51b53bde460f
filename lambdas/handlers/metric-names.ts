/**
 * The names of the metrics the handlers emit and the dashboard reads. Both the handlers and the CDK app
 * (lib/observability.ts) import this module, so it imports nothing: no Powertools in the CDK app.
 */

/** Defaults of `POWERTOOLS_METRICS_NAMESPACE` and `POWERTOOLS_SERVICE_NAME`; the stack sets both. */
export const METRICS_NAMESPACE = 'DocuSnap';
export const METRICS_SERVICE = 'docusnap';

/** Every task metric carries these two dimensions (Powertools adds `service` itself). */
export const METRIC_DIMENSIONS = { service: 'service', taskType: 'type' } as const;

export const TASK_METRICS = {
  submitted: 'TasksSubmitted',
  completed: 'TasksCompleted',
  failed: 'TasksFailed',
  ocrPages: 'OcrPages',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  /** 1 per finished task whose LLM result came from the cache, else 0. */
  cacheHits: 'CacheHits',
  /** Estimated USD of the task's OCR and LLM calls (core/pricing.ts). */
  estimatedCost: 'EstimatedCostUsd',
  /** Per completed task: `kv` values no OCR words support (possibly invented by the model), kept or dropped. */
  ungroundedValues: 'UngroundedValues',
} as const;

export type TaskMetricName = (typeof TASK_METRICS)[keyof typeof TASK_METRICS];

/** Webhook deliveries (no dimension but `service`); the given-up count has an alarm (lib/webhooks.ts). */
export const WEBHOOK_METRICS = {
  delivered: 'WebhooksDelivered',
  failedAttempts: 'WebhookAttemptsFailed',
  givenUp: 'WebhooksGivenUp',
} as const;
