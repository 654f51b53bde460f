import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGES_PER_TASK } from '../../lambdas/core/images';
import { DEFAULT_WORKER_TIMEOUT_SECONDS as WORKER_TIMEOUT_SECONDS } from '../../lambdas/core/shared-facts';
import { strategyFor } from '../../lambdas/core/strategies/registry';
import { taskBudget } from '../../lambdas/core/task-budget';
import { handlerSourcePath } from '../../lib/handler-entries';
import { TaskQueues } from '../../lib/queues';
import { Storage } from '../../lib/storage';
import { TaskProcessing, type TaskProcessingProps } from '../../lib/task-processing';
import { SYNTH_TIMEOUT_MS, synthesize } from './synth';
import { TemplateQueries } from './template-queries';

let t: TemplateQueries;
let stack: ReturnType<typeof synthesize>['stack'];
beforeAll(() => {
  // An odd pool size, so the split between the queues is not a round default.
  const synth = synthesize({ workerConcurrency: 7 });
  stack = synth.stack;
  t = new TemplateQueries(synth.stack, synth.template);
}, SYNTH_TIMEOUT_MS);

describe('queues', () => {
  it('give a crashed worker six times its timeout before its message comes back', () => {
    expect(t.of(stack.taskProcessing.worker).Properties.Timeout).toBe(WORKER_TIMEOUT_SECONDS);
    for (const queue of [stack.queues.normal, stack.queues.high]) {
      expect(t.of(queue).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * WORKER_TIMEOUT_SECONDS);
    }
  });

  it('let the longest task (50 pages) end its OCR and model calls inside the worker timeout it is told', () => {
    const worker = t.of(stack.taskProcessing.worker).Properties;
    const told = Number(worker.Environment.Variables.DOCUSNAP_WORKER_TIMEOUT_S);
    expect(told).toBe(worker.Timeout);
    const longest = taskBudget(MAX_PAGES_PER_TASK, strategyFor('document'), {
      workerTimeoutSeconds: told,
      maxOutputTokens: Number(worker.Environment.Variables.DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS),
    });
    expect(longest.deadlineMs).toBeLessThan(worker.Timeout * 1000);
    expect(longest.maxTokens).toBe(5_000);
    for (const queue of [stack.queues.normal, stack.queues.high]) {
      expect(t.of(queue).Properties.VisibilityTimeout).toBeGreaterThan(longest.deadlineMs / 1000);
    }
  });

  it('send a message that failed 5 receives to the shared dead-letter queue', () => {
    for (const queue of [stack.queues.normal, stack.queues.high]) {
      expect(t.of(queue).Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: t.arnOf(stack.queues.deadLetter),
        maxReceiveCount: 5,
      });
    }
    expect(t.of(stack.queues.deadLetter).Properties.RedrivePolicy).toBeUndefined();
  });

  it('refuse requests without TLS', () => {
    const policies = Object.values(t.resources('AWS::SQS::QueuePolicy'));
    // The task queues and their dead-letter queue, the webhook delivery queue and its dead-letter queue.
    expect(policies).toHaveLength(5);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('worker event sources', () => {
  it('cap each queue so both together never exceed the reserved pool', () => {
    const reserved = t.of(stack.taskProcessing.worker).Properties.ReservedConcurrentExecutions;
    expect(reserved).toBe(7);
    const mappings = t.eventSourcesOf(stack.taskProcessing.worker);
    expect(mappings.map((mapping) => mapping.Properties.EventSourceArn)).toEqual(
      expect.arrayContaining([t.arnOf(stack.queues.high), t.arnOf(stack.queues.normal)]),
    );
    expect(mappings).toHaveLength(2);
    const caps = mappings.map((mapping) => mapping.Properties.ScalingConfig?.MaximumConcurrency as number);
    for (const cap of caps) expect(cap).toBeGreaterThanOrEqual(2);
    expect(caps.reduce((sum, cap) => sum + cap, 0)).toBeLessThanOrEqual(reserved);
  });

  it('give the high-priority queue the default split of the pool and the normal queue the rest', () => {
    expect(capsByQueue(t, stack)).toEqual({ high: 2, normal: 5 });
  });

  it(
    'give the high-priority queue `highPriorityConcurrency` when it is set',
    () => {
      const custom = synthesize({ workerConcurrency: 7, highPriorityConcurrency: 4 });
      const queries = new TemplateQueries(custom.stack, custom.template);
      expect(queries.of(custom.stack.taskProcessing.worker).Properties.ReservedConcurrentExecutions).toBe(7);
      expect(capsByQueue(queries, custom.stack)).toEqual({ high: 4, normal: 3 });
    },
    SYNTH_TIMEOUT_MS,
  );

  it('report partial batch failures, one task per invocation', () => {
    for (const mapping of t.eventSourcesOf(stack.taskProcessing.worker)) {
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.Properties.BatchSize).toBe(1);
    }
  });

  it('feed the dead-letter queue to the dead-letter handler', () => {
    const mappings = t.eventSourcesOf(stack.taskProcessing.deadLetterHandler);
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties.EventSourceArn).toEqual(t.arnOf(stack.queues.deadLetter));
    expect(mappings[0]?.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

/** Each queue's event-source maxConcurrency on the worker. */
function capsByQueue(queries: TemplateQueries, of: typeof stack): { high?: number; normal?: number } {
  const capOf = (queue: typeof stack.queues.high) =>
    queries
      .eventSourcesOf(of.taskProcessing.worker)
      .find(
        (mapping) =>
          JSON.stringify(mapping.Properties.EventSourceArn) === JSON.stringify(queries.arnOf(queue)),
      )?.Properties.ScalingConfig?.MaximumConcurrency as number | undefined;
  return { high: capOf(of.queues.high), normal: capOf(of.queues.normal) };
}

describe('worker pool validation', () => {
  const scratch = () => {
    const stack = new Stack(new App(), 'Scratch');
    const storage = new Storage(stack, 'Storage', { retentionDays: 7, removalPolicy: RemovalPolicy.DESTROY });
    const queues = new TaskQueues(stack, 'Queues', {
      encryptionKey: storage.key,
      workerTimeout: Duration.seconds(90),
    });
    const functionDefaults = {
      entryFor: handlerSourcePath,
      environment: {},
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    };
    return { stack, storage, queues, functionDefaults };
  };
  const worker = (overrides: Partial<TaskProcessingProps>) => {
    const { stack, ...shared } = scratch();
    return () =>
      new TaskProcessing(stack, 'Worker', {
        ...shared,
        timeout: Duration.seconds(90),
        concurrency: 4,
        queueConcurrency: { high: 2, normal: 2 },
        bedrockModelId: 'us.amazon.nova-lite-v1:0',
        bedrockMaxOutputTokens: 5000,
        ...overrides,
      });
  };

  it('refuses queue caps that sum to more than the reserved pool', () => {
    expect(worker({ queueConcurrency: { high: 2, normal: 3 } })).toThrow(/exceeds the worker's reserved 4/);
  });

  it("refuses a queue cap below Lambda's minimum of 2", () => {
    expect(worker({ queueConcurrency: { high: 1, normal: 3 } })).toThrow(/at least 2/);
  });

  it("refuses a worker timeout whose retries would outlast the sweeper's processing timeout", () => {
    expect(worker({ timeout: Duration.seconds(100) })).toThrow(/visibility 600 s must stay below/);
  });
});
