import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeEventBus } from '../../lambdas/adapters/eventbridge-event-bus';
import { DependencyThrottledError } from '../../lambdas/core/errors';
import type { Task } from '../../lambdas/core/task';
import { announceTaskEnd } from '../../lambdas/core/use-cases/announce-task-end';
import { MemoryWebhookStore } from '../support/memory-ports';

const events = mockClient(EventBridgeClient);
beforeEach(() => events.reset());
afterAll(() => events.restore());

const task = (status: Task['status']): Task => ({
  taskId: 'task-1',
  owner: 'user-a',
  type: 'document',
  status,
  priority: 'normal',
  source: 'v1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:04.000Z',
  completedAt: '2026-01-01T00:00:04.000Z',
  images: [],
  requestKey: 'inputs/user-a/task-1/request.json',
  attempts: 1,
  result: { title: 'Secret Invoice' },
  ...(status === 'error' && { error: { code: 'OCR_FAILURE', message: 'no text' } }),
  usage: {
    pages: 1,
    ocrEngine: 'textract',
    llmModel: 'm',
    inputTokens: 1,
    outputTokens: 1,
    estimatedCostUsd: 0.01,
    cacheHit: false,
  },
  expiresAt: 0,
});

const bus = () => new EventBridgeEventBus(new EventBridgeClient({ region: 'us-east-1' }), 'default');

describe('EventBridgeEventBus', () => {
  it('puts a completed task on the default bus: source docusnap, Task Completed, the view without result', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await announceTaskEnd({ webhooks: new MemoryWebhookStore(), eventBus: bus() }, task('completed'));
    const [entry] = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entry).toMatchObject({
      EventBusName: 'default',
      Source: 'docusnap',
      DetailType: 'Task Completed',
    });
    const detail = JSON.parse(entry?.Detail ?? '');
    expect(detail).toEqual({
      taskId: 'task-1',
      type: 'document',
      status: 'completed',
      priority: 'normal',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:04.000Z',
      completedAt: '2026-01-01T00:00:04.000Z',
      usage: expect.objectContaining({ pages: 1 }),
    });
    expect(entry?.Detail).not.toContain('Secret Invoice');
  });

  it('puts a failed task as Task Failed with its error', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await announceTaskEnd({ webhooks: new MemoryWebhookStore(), eventBus: bus() }, task('error'));
    const [entry] = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entry?.DetailType).toBe('Task Failed');
    expect(JSON.parse(entry?.Detail ?? '').error).toEqual({ code: 'OCR_FAILURE', message: 'no text' });
  });

  it('treats an entry EventBridge refused as a failure, and throttling as DependencyThrottledError', async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    await expect(bus().publish({ detailType: 'Task Completed', detail: {} })).rejects.toThrow(
      'EventBridge refused the event: InternalFailure try again',
    );
    events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(bus().publish({ detailType: 'Task Completed', detail: {} })).rejects.toBeInstanceOf(
      DependencyThrottledError,
    );
  });
});
