import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TaskType, Usage } from '../core/task';
import { observability } from './config';

const { serviceName, namespace } = observability();

/** One logger and one metrics buffer per cold start, shared by every handler in the bundle. */
export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace });

/**
 * One metric with the task type as its dimension. A single-metric instance each time, because records
 * of different types share one invocation's buffer.
 */
export function countForType(
  name: string,
  type: TaskType,
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
): void {
  const single = metrics.singleMetric();
  single.addDimension('type', type);
  single.addMetric(name, unit, value);
}

/** Metrics of a finished task: pages, tokens, cache hits and estimated cost, by task type. */
export function recordUsage(type: TaskType, usage: Usage): void {
  countForType('OcrPages', type, usage.pages);
  countForType('InputTokens', type, usage.inputTokens);
  countForType('OutputTokens', type, usage.outputTokens);
  countForType('CacheHits', type, usage.cacheHit ? 1 : 0);
  countForType('EstimatedCostUsd', type, usage.estimatedCostUsd, MetricUnit.NoUnit);
}
