/**
 * X-Ray subsegments for the background handlers (worker, dead-letter, sweeper, webhook delivery): the handler,
 * each task, every SDK call. The API routes do not import this module, so their bundles carry neither
 * Powertools Tracer nor the X-Ray SDK (~115 KB to compile per cold start); under Lambda's active tracing their
 * invocations are still recorded, and the SDK's recursion-detection middleware sends the invocation's trace
 * header (`_X_AMZN_TRACE_ID`) with every call, so SQS carries it on to the worker (docs/architecture.md).
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { instrumentClients } from './aws-clients';
import { observability } from './config';

const { serviceName } = observability();

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

/** An SDK v3 client whose calls become X-Ray subsegments. */
export function tracedClient<Client>(client: Client): Client {
  return tracer?.isTracingEnabled() ? tracer.captureAWSv3Client(client) : client;
}

// Every client aws-clients.ts builds from here on is traced too (the stores, queues and buckets).
instrumentClients(tracedClient);

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
