import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typesetLayout } from '../../lambdas/core/layout';
import type { OcrEngine } from '../../lambdas/core/ports';
import { type Emulators, LOCAL_CREDENTIALS, LOCAL_REGION, startEmulators } from '../../local/emulators';
import { NO_FAULTS, withOcrFaults } from '../../local/faults';
import {
  emptyPollerStats,
  type QueuePoller,
  type SqsHandler,
  startQueuePoller,
} from '../../local/queue-poller';

// Each test sends its own ids; the handler below decides per body what the "worker" does with a record.
type Behaviour = 'ok' | 'fail' | 'slow';
const deliveries: SQSRecord[] = [];
const batches: number[] = [];
let running = 0;
let maxRunning = 0;

const ocr: OcrEngine = { name: 'stub', recognize: async () => ({ layout: typesetLayout(''), pages: 1 }) };
const faultyOcr = withOcrFaults(ocr, NO_FAULTS);

const handler: SqsHandler = async (event) => {
  const { Records } = event as SQSEvent;
  batches.push(Records.length);
  running++;
  maxRunning = Math.max(maxRunning, running);
  try {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of Records) {
      deliveries.push(record);
      const { behaviour } = JSON.parse(record.body) as { behaviour: Behaviour };
      // The OCR call is where a doomed (worker.crash) invocation dies.
      await faultyOcr.recognize({ key: 'k', mediaType: 'image/png', bytes: new Uint8Array() });
      if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, 30));
      if (behaviour === 'fail') failures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures: failures };
  } finally {
    running--;
  }
};

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  maxPolls = 150,
): Promise<void> {
  for (let poll = 0; poll < maxPolls; poll++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The dead-letter function records what reaches it and always succeeds.
const deadLetterHandler: SqsHandler = async (event) => {
  deliveries.push(...(event as SQSEvent).Records);
  return { batchItemFailures: [] };
};

const deliveriesOf = (id: string) => deliveries.filter((record) => JSON.parse(record.body).id === id);

describe('queue poller (SQS event source on fauxqs)', () => {
  let emulators: Emulators;
  let sqs: SQSClient;
  let queueUrl: string;
  let deadLetterQueueUrl: string;
  const pollers: QueuePoller[] = [];

  /** `random` decides faults: the first values drawn (one per batch, then one per message) come from `draws`. */
  const start = async (
    queue: string,
    overrides: {
      crash?: number;
      duplicate?: number;
      concurrency?: number;
      draws?: number[];
      handler?: SqsHandler;
    },
  ) => {
    const draws = [...(overrides.draws ?? [])];
    const stats = emptyPollerStats();
    pollers.push(
      await startQueuePoller({
        sqs,
        queueUrl: queue,
        concurrency: overrides.concurrency ?? 2,
        handler: async () => overrides.handler ?? handler,
        functionName: 'test-worker',
        timeoutMs: 10_000,
        waitTimeSeconds: 1,
        crashProbability: overrides.crash ?? 0,
        duplicateProbability: overrides.duplicate ?? 0,
        random: () => draws.shift() ?? 0.99,
        stats,
        log: () => {},
      }),
    );
    return stats;
  };

  const send = async (queue: string, ids: string[], behaviour: Behaviour) => {
    for (let start = 0; start < ids.length; start += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue,
          Entries: ids.slice(start, start + 10).map((id, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({ id, behaviour }),
          })),
        }),
      );
    }
  };

  const visibleAndInFlight = async (queue: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };

  beforeAll(async () => {
    emulators = await startEmulators({ visibilityTimeoutSeconds: 1 });
    sqs = new SQSClient({
      endpoint: emulators.env.AWS_ENDPOINT_URL_SQS,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    queueUrl = emulators.env.DOCUSNAP_QUEUE_URL as string;
    deadLetterQueueUrl = emulators.env.DOCUSNAP_DLQ_URL as string;
  });
  const stopPollers = async () => {
    for (const poller of pollers.splice(0)) await poller.stop();
  };

  afterAll(async () => {
    await stopPollers();
    sqs?.destroy();
    await emulators?.stop();
  });

  it('delivers real SQS events in batches of at most 10, at most `concurrency` at a time, and deletes successes', async () => {
    const stats = await start(queueUrl, { concurrency: 2 });
    const ids = Array.from({ length: 25 }, (_, index) => `ok-${index}`);
    await send(queueUrl, ids, 'slow');
    await waitFor(() => stats.deleted >= 25, '25 deletions');

    expect(new Set(ids.flatMap((id) => deliveriesOf(id).map(() => id))).size).toBe(25);
    expect(Math.max(...batches)).toBeLessThanOrEqual(10);
    expect(maxRunning).toBeLessThanOrEqual(2);
    const record = deliveriesOf('ok-0')[0] as SQSRecord;
    expect(record).toMatchObject({ eventSource: 'aws:sqs', awsRegion: LOCAL_REGION });
    expect(record.eventSourceARN).toMatch(/^arn:aws:sqs:.*:docusnap-tasks$/);
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(record.receiptHandle).not.toBe('');
    await waitFor(async () => (await visibleAndInFlight(queueUrl)) === 0, 'an empty queue');
    await stopPollers();
  });

  it('leaves a reported failure for redelivery and the queue redrives it to the DLQ after 5 receives', async () => {
    await start(queueUrl, { concurrency: 1 });
    const dlqStats = await start(deadLetterQueueUrl, { concurrency: 1, handler: deadLetterHandler });
    await send(queueUrl, ['doomed-to-fail'], 'fail');
    await waitFor(
      () => deliveriesOf('doomed-to-fail').length >= 6,
      'five receives and the DLQ delivery',
      200,
    );

    const receives = deliveriesOf('doomed-to-fail').map((record) => [
      record.eventSourceARN.split(':').pop(),
      record.attributes.ApproximateReceiveCount,
    ]);
    expect(receives.slice(0, 5)).toEqual([1, 2, 3, 4, 5].map((count) => ['docusnap-tasks', String(count)]));
    expect(receives[5]?.[0]).toBe('docusnap-tasks-dlq');
    await waitFor(() => dlqStats.deleted >= 1, 'the DLQ handler to succeed');
    await stopPollers();
  });

  it('abandons a crashed invocation: nothing is deleted and the message comes back after the visibility timeout', async () => {
    // The first batch's draw (0) dooms it; later draws (0.99) let the redelivery through.
    const stats = await start(queueUrl, { crash: 0.5, concurrency: 1, draws: [0] });
    await send(queueUrl, ['crash-victim'], 'ok');
    await waitFor(() => stats.deleted >= 1, 'the redelivery to succeed');

    expect(stats.crashes).toBe(1);
    expect(deliveriesOf('crash-victim').map((record) => record.attributes.ApproximateReceiveCount)).toEqual([
      '1',
      '2',
    ]);
    await stopPollers();
  });

  it('delivers a message twice under queue.duplicate and still deletes it once', async () => {
    // Draws: the batch's crash decision (no crash), then the message's duplicate decision (yes).
    const stats = await start(queueUrl, { duplicate: 0.5, concurrency: 1, draws: [0.99, 0] });
    await send(queueUrl, ['twin'], 'ok');
    await waitFor(() => stats.deleted >= 1 && deliveriesOf('twin').length >= 2, 'both deliveries');

    expect(stats.duplicates).toBe(1);
    expect(deliveriesOf('twin').map((record) => record.messageId)).toEqual([
      deliveriesOf('twin')[0]?.messageId,
      deliveriesOf('twin')[0]?.messageId,
    ]);
    await waitFor(async () => (await visibleAndInFlight(queueUrl)) === 0, 'an empty queue');
  });
});
