import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { TaskType, Usage } from '../core/task';
import { observability } from './config';
import { METRIC_DIMENSIONS, TASK_METRICS, type TaskMetricName } from './metric-names';

const { serviceName, namespace } = observability();

/** One logger, one metrics buffer and one tracer per cold start, shared by every handler in the bundle. */
export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace });

/**
 * X-Ray through Powertools Tracer, loaded only on Lambda (which sets AWS_EXECUTION_ENV) unless
 * POWERTOOLS_TRACE_ENABLED=false. Elsewhere (tests, `npm start`) neither it nor the X-Ray SDK is loaded at all:
 * the SDK's automatic mode installs an async hook on the whole process. Then every function below is a no-op.
 */
const tracingWanted =
  Boolean(process.env.AWS_EXECUTION_ENV) && process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
export const tracer: Tracer | undefined = tracingWanted
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName })
  : undefined;

/** An SDK v3 client whose calls become X-Ray subsegments (an SQS client also sends the trace header on). */
export function tracedClient<Client>(client: Client): Client {
  return tracer?.isTracingEnabled() ? tracer.captureAWSv3Client(client) : client;
}

/** The task id as an annotation of the current subsegment, so X-Ray finds the trace by task. */
export function annotateTask(taskId: string): void {
  tracer?.putAnnotation('taskId', taskId);
}

/**
 * Runs a Lambda handler in its own subsegment (`## <handler>`) annotated with ColdStart and Service, an
 * error as metadata. Responses are not recorded: they hold users' documents, which have no place in traces.
 */
export function tracedHandler<Args extends unknown[], Result>(
  handler: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args) => {
    if (!tracer?.isTracingEnabled()) return handler(...args);
    const invocation = tracer.getSegment();
    const subsegment = invocation?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      return await handler(...args);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      if (invocation) tracer.setSegment(invocation);
    }
  };
}

/**
 * Work on one task in a subsegment annotated with its id, so X-Ray finds every trace of a task
 * (`annotation.taskId = "…"`): the submission, the worker's run with its Textract and Bedrock calls, a dead letter.
 */
export async function traceTask<Result>(taskId: string, work: () => Promise<Result>): Promise<Result> {
  if (!tracer?.isTracingEnabled()) return work();
  const parent = tracer.getSegment();
  const subsegment = parent?.addNewSubsegment('### task');
  if (!parent || !subsegment) return work();
  subsegment.addAnnotation('taskId', taskId);
  tracer.setSegment(subsegment);
  try {
    return await work();
  } catch (error) {
    subsegment.addError(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}

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
