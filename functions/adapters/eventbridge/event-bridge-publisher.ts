/**
 * EventPublisher on an EventBridge bus: PutEvents in batches of ≤ 10 entries (and ≤ 256 KB), retrying entries
 * that failed inside a partially successful batch; resolves only when every event was accepted.
 */
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DetectedEvent } from '../../core/model.js';
import type { EventPublisher } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';

export const EVENT_SOURCE = 'konnektive-zapier';
export const EVENT_DETAIL_TYPE = 'KonnektiveEventDetected';

const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 240 * 1024;

/** Some events could not be published after retries; the poller must not advance its high-water mark. */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly failedEventIds: string[],
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly options: { maxAttempts?: number; sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  async publish(events: DetectedEvent[]): Promise<void> {
    for (const batch of batches(events)) await this.putBatch(batch);
  }

  private async putBatch(events: DetectedEvent[]): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let pending = events;
    for (let attempt = 1; ; attempt++) {
      const response = await this.client.send(
        new awsSdk.eventBridge.PutEventsCommand({ Entries: pending.map((event) => this.entry(event)) }),
      );
      if (!response.FailedEntryCount) return;
      const entries = response.Entries ?? [];
      pending = pending.filter(
        (_, index) => entries[index]?.ErrorCode !== undefined || !entries[index]?.EventId,
      );
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new PublishError(
          `EventBridge rejected ${pending.length} event(s) after ${attempt} attempts`,
          pending.map((event) => event.eventId),
        );
      }
      await sleep(100 * 2 ** (attempt - 1));
    }
  }

  private entry(event: DetectedEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: EVENT_DETAIL_TYPE,
      Detail: JSON.stringify(event),
      Time: new Date(event.detectedAt),
    };
  }
}

/** Groups events into PutEvents-sized batches. */
export const batches = (events: DetectedEvent[]): DetectedEvent[][] => {
  const result: DetectedEvent[][] = [];
  let current: DetectedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 200;
    if (current.length > 0 && (current.length >= MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
};
