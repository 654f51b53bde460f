import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { type Random, runDoomedInvocation } from './faults';
import { lambdaContext } from './lambda-context';
import { toSqsEvent } from './sqs-event';

/** Lambda's largest SQS batch for a standard queue without a batching window. */
export const MAX_BATCH_SIZE = 10;
const RECEIVE_RETRY_MS = 500;

export type SqsHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** What the pollers did, for the startup log and for tests that count faults. */
export interface PollerStats {
  invocations: number;
  deleted: number;
  batchItemFailures: number;
  /** Invocations whose handler threw: Lambda leaves the whole batch for redelivery. */
  failedInvocations: number;
  crashes: number;
  duplicates: number;
  timeouts: number;
}

export const emptyPollerStats = (): PollerStats => ({
  invocations: 0,
  deleted: 0,
  batchItemFailures: 0,
  failedInvocations: 0,
  crashes: 0,
  duplicates: 0,
  timeouts: 0,
});

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Concurrent invocations, like the event source's maxConcurrency. */
  concurrency: number;
  handler: () => Promise<SqsHandler>;
  functionName: string;
  /** The function's timeout: an invocation still running then is abandoned, as Lambda would kill it. */
  timeoutMs: number;
  /** Long-poll wait of each receive. */
  waitTimeSeconds: number;
  /** Probability that an invocation's worker dies at its first OCR/LLM call (DOCUSNAP_FAULTS worker.crash). */
  crashProbability: number;
  /** Probability that a message is also handed to a second, concurrent invocation (queue.duplicate). */
  duplicateProbability: number;
  random: Random;
  stats: PollerStats;
  log: (message: string) => void;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

type Outcome =
  | { kind: 'returned'; response: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'died' }
  | { kind: 'timed-out' };

/**
 * Polls one queue into a handler the way Lambda's SQS event source does: up to `concurrency` concurrent
 * invocations of batches of up to 10, long polling, partial batch failures (successes deleted, failures
 * left to come back after the visibility timeout). Redrive to the DLQ is the queue's own (fauxqs).
 */
export async function startQueuePoller(options: QueuePollerOptions): Promise<QueuePoller> {
  const { sqs, queueUrl, stats } = options;
  let stopping = false;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn ?? queueUrl;
  const region = (await sqs.config.region()) ?? 'us-east-1';

  const invoke = async (messages: readonly Message[], doomed: boolean): Promise<Outcome> => {
    const handler = await options.handler();
    const event = toSqsEvent(messages, queueArn, region);
    const context = lambdaContext(options.functionName, options.timeoutMs);
    stats.invocations++;
    let timer: NodeJS.Timeout | undefined;
    const outcomes: Promise<Outcome>[] = [
      new Promise((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timed-out' }), options.timeoutMs);
      }),
    ];
    if (doomed) {
      let die: () => void = () => {};
      outcomes.push(new Promise((resolve) => (die = () => resolve({ kind: 'died' }))));
      outcomes.push(
        runDoomedInvocation(die, () => handler(event, context)).then(
          (response): Outcome => ({ kind: 'returned', response }),
          (error: unknown): Outcome => ({ kind: 'threw', error }),
        ),
      );
    } else {
      outcomes.push(
        handler(event, context).then(
          (response): Outcome => ({ kind: 'returned', response }),
          (error: unknown): Outcome => ({ kind: 'threw', error }),
        ),
      );
    }
    try {
      return await Promise.race(outcomes);
    } finally {
      clearTimeout(timer);
    }
  };

  const deleteMessages = async (messages: readonly Message[]) => {
    for (let start = 0; start < messages.length; start += MAX_BATCH_SIZE) {
      const chunk = messages.slice(start, start + MAX_BATCH_SIZE);
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      stats.deleted += result.Successful?.length ?? 0;
      for (const failure of result.Failed ?? []) options.log(`[poller] delete failed: ${failure.Message}`);
    }
  };

  const handleBatch = async (messages: Message[]) => {
    const doomed = options.random() < options.crashProbability;
    const duplicated = messages.filter(() => options.random() < options.duplicateProbability);
    // The duplicate runs beside the original, so two workers really race for the same task.
    const duplicates = duplicated.map(async (message) => {
      stats.duplicates++;
      const outcome = await invoke([message], false);
      if (outcome.kind === 'threw')
        options.log(`[poller] duplicate delivery threw: ${String(outcome.error)}`);
    });

    const outcome = await invoke(messages, doomed);
    if (outcome.kind === 'died') stats.crashes++;
    else if (outcome.kind === 'timed-out') {
      stats.timeouts++;
      options.log(
        `[poller] ${options.functionName} timed out after ${options.timeoutMs} ms; batch left for redelivery`,
      );
    } else if (outcome.kind === 'threw') {
      stats.failedInvocations++;
      options.log(
        `[poller] ${options.functionName} failed: ${outcome.error instanceof Error ? outcome.error.stack : outcome.error}`,
      );
    } else {
      const failed = new Set(
        ((outcome.response as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map(
          (failure) => failure.itemIdentifier,
        ),
      );
      stats.batchItemFailures += failed.size;
      await deleteMessages(messages.filter((message) => !failed.has(message.MessageId ?? '')));
    }
    await Promise.all(duplicates);
  };

  const pollSlot = async () => {
    while (!stopping) {
      let messages: Message[];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: MAX_BATCH_SIZE,
            WaitTimeSeconds: options.waitTimeSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (stopping) return;
        options.log(`[poller] receive from ${queueUrl} failed: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, RECEIVE_RETRY_MS));
        continue;
      }
      if (messages.length > 0) {
        await handleBatch(messages).catch((error: unknown) =>
          options.log(`[poller] batch failed: ${String(error)}`),
        );
      }
    }
  };

  const slots = Array.from({ length: options.concurrency }, () => pollSlot());
  return {
    /**
     * Lets each slot finish its long poll and batch: an abandoned receive would still take messages
     * server-side and hide them for a visibility timeout.
     */
    async stop() {
      stopping = true;
      await Promise.all(slots);
    },
  };
}
