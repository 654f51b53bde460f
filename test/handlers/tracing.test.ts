/**
 * Tracing as it runs on Lambda: Powertools Tracer on (as under active tracing), its segments sent to a stand-in
 * X-Ray daemon on a local UDP port. The environment is set before the handler modules load, as Lambda sets it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64, pngImage, sqsEvent, sqsRecord } from '../support/events';
import { memoryWorld } from '../support/memory-ports';

interface Segment {
  name: string;
  parent_id?: string;
  trace_id: string;
  annotations?: Record<string, unknown>;
}

const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
let daemon: Socket;
const segments: Segment[] = [];

beforeAll(async () => {
  daemon = createSocket('udp4');
  // Each datagram is a JSON header line, then one (sub)segment.
  daemon.on('message', (datagram) => segments.push(JSON.parse(datagram.toString().split('\n')[1] ?? '{}')));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: 'docusnap-submit-document',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: '/var/task',
    POWERTOOLS_TRACE_ENABLED: 'true',
    _HANDLER: 'index.handler',
    _X_AMZN_TRACE_ID: `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`,
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
  });
});
afterAll(() => daemon.close());

/** Segments arrive over UDP: wait until `count` of them are in. */
async function received(count: number): Promise<Segment[]> {
  for (let waited = 0; segments.length < count && waited < 200; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return segments;
}

describe('tracing on Lambda', () => {
  it('leaves the SDK clients of the API routes plain: they do not load the tracing module', async () => {
    const { documentClient, s3Client, sqsClient } = await import('../../lambdas/handlers/aws-clients');
    await import('../../lambdas/handlers/api/get-task');
    for (const client of [documentClient(), s3Client({ s3ForcePathStyle: false }), sqsClient()]) {
      expect(client.middlewareStack.identify().filter((name) => name.startsWith('XRay'))).toEqual([]);
    }
  });

  it('sends the invocation’s trace header with an API route’s message, so SQS carries the trace to the worker', async () => {
    const { sqsClient } = await import('../../lambdas/handlers/aws-clients');
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const client = sqsClient();
    const sent: Record<string, string>[] = [];
    // Stops each call after the SDK's own middleware has built and signed it, before anything goes out.
    client.middlewareStack.add(
      () => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        throw new Error('not sent');
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    await expect(
      client.send(
        new SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q', MessageBody: '{}' }),
      ),
    ).rejects.toThrow('not sent');
    expect(sent[0]?.['X-Amzn-Trace-Id']).toBe(`Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`);
  });

  it('wraps every SDK client a background handler builds in X-Ray instrumentation', async () => {
    const { documentClient, s3Client, sqsClient } = await import('../../lambdas/handlers/aws-clients');
    await import('../../lambdas/handlers/sweeper');
    for (const client of [documentClient(), s3Client({ s3ForcePathStyle: false }), sqsClient()]) {
      expect(
        client.middlewareStack.identify().some((name) => name.startsWith('XRaySDKInstrumentation')),
      ).toBe(true);
    }
  });

  it('records the worker invocation and each task it runs, annotated with the task id', async () => {
    const { submitTask } = await import('../../lambdas/core/use-cases/submit-task');
    const { SubmitImagesRequest } = await import('../../lambdas/core/schemas/tasks');
    const { handler } = await import('../../lambdas/handlers/worker');
    const { useWorkerDependencies } = await import('../../lambdas/handlers/worker-dependencies');
    const world = memoryWorld();
    useWorkerDependencies(world);
    const request = SubmitImagesRequest.parse({ images: [{ data: base64(pngImage(4, 4, 1)) }] });
    const { taskId } = (await submitTask(world, 'user-a', { type: 'document', request })).summary;

    await handler(sqsEvent([sqsRecord(JSON.stringify({ taskId }))]));

    const all = await received(2);
    const invocation = all.find((segment) => segment.name === '## index.handler');
    const task = all.find((segment) => segment.name === '### task');
    expect(invocation).toMatchObject({
      name: '## index.handler',
      trace_id: TRACE_ID,
      // The invocation's own segment, which Lambda records under active tracing.
      parent_id: '53995c3f42cd8ad8',
      annotations: { ColdStart: true, Service: 'docusnap' },
    });
    expect(task).toMatchObject({ name: '### task', annotations: { taskId }, trace_id: TRACE_ID });
    expect(task?.parent_id).toBe((invocation as Segment & { id: string }).id);
    expect((await world.tasks.get(taskId))?.status).toBe('completed');
  });
});
