import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBus } from '../core/ports';
import { rethrowAwsError } from './aws-errors';

/** The `source` of every DocuSnap event (DESIGN §3.3): what an integrator's rule matches on. */
export const EVENT_SOURCE = 'docusnap';

/** EventBus on an EventBridge bus (the account's `default` bus as deployed). */
export class EventBridgeEventBus implements EventBus {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: { detailType: string; detail: unknown }): Promise<void> {
    let failed: { ErrorCode?: string; ErrorMessage?: string } | undefined;
    try {
      const { FailedEntryCount = 0, Entries = [] } = await this.events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
            },
          ],
        }),
      );
      if (FailedEntryCount > 0) failed = Entries[0] ?? {};
    } catch (error) {
      rethrowAwsError('EventBridge', error);
    }
    // PutEvents answers 200 with per-entry failures; an entry refused is a failure all the same.
    if (failed) throw new Error(`EventBridge refused the event: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  }
}
