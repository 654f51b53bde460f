import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from './powertools';

const TaskMessage = z.object({ taskId: z.string().min(1).max(256) });

/**
 * The task id a queue message carries (`{"taskId":"…"}`). A malformed message can never succeed, so it is
 * logged and dropped rather than retried into the dead-letter queue.
 */
export function taskIdOf(record: SQSRecord): string | undefined {
  try {
    const parsed = TaskMessage.safeParse(JSON.parse(record.body));
    if (parsed.success) return parsed.data.taskId;
  } catch {
    // Not JSON: handled below like any other malformed message.
  }
  logger.error('dropping a malformed task message', {
    messageId: record.messageId,
    body: record.body.slice(0, 200),
  });
  return undefined;
}
