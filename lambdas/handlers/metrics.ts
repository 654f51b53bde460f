import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { TaskType, Usage } from '../core/task';
import { observability } from './config';
import { METRIC_DIMENSIONS, TASK_METRICS, type TaskMetricName } from './metric-names';

const { serviceName, namespace } = observability();

/** One metrics buffer per cold start: the submission routes, the worker, dead-letter, sweeper and webhook delivery. */
export const metrics = new Metrics({ serviceName, namespace });

/**
 * One metric with the task type as its dimension. A single-metric instance each time, because records
 * of different types share one invocation's buffer.
 */
export function countForType(
  name: TaskMetricName,
  type: TaskType,
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
): void {
  const single = metrics.singleMetric();
  single.addDimension(METRIC_DIMENSIONS.taskType, type);
  single.addMetric(name, unit, value);
}

/** Metrics of a finished task: pages, tokens, cache hits and estimated cost, by task type. */
export function recordUsage(type: TaskType, usage: Usage): void {
  countForType(TASK_METRICS.ocrPages, type, usage.pages);
  countForType(TASK_METRICS.inputTokens, type, usage.inputTokens);
  countForType(TASK_METRICS.outputTokens, type, usage.outputTokens);
  countForType(TASK_METRICS.cacheHits, type, usage.cacheHit ? 1 : 0);
  countForType(TASK_METRICS.estimatedCost, type, usage.estimatedCostUsd, MetricUnit.NoUnit);
}
