import type { SQSRecord } from 'aws-lambda';
import { decodeTaskMessage } from '../core/shared-facts';
import { logger } from './powertools';

/**
 * The task id a queue message carries. A malformed message can never succeed, so it is logged and dropped
 * rather than retried into the dead-letter queue.
 */
export function taskIdOf(record: SQSRecord): string | undefined {
  const message = decodeTaskMessage(record.body);
  if (message) return message.taskId;
  logger.error('dropping a malformed task message', {
    messageId: record.messageId,
    body: record.body.slice(0, 200),
  });
  return undefined;
}
