import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  batches,
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  EventBridgePublisher,
  PublishError,
} from '../../../functions/adapters/eventbridge/event-bridge-publisher.js';
import type { DetectedEvent } from '../../../functions/core/model.js';

const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());

const event = (n: number, padding = 0): DetectedEvent => ({
  eventId: `NEW_SALE-${n}`,
  connectionId: 'c1',
  trigger: 'order',
  type: 'NEW_SALE',
  recordId: String(n),
  occurredAt: '2026-11-25T12:00:00.000Z',
  detectedAt: '2026-11-25T12:00:05.000Z',
  payload: {
    id: `NEW_SALE-${n}`,
    event: 'order.NEW_SALE',
    occurredAt: '2026-11-25T12:00:00.000Z',
    connection: 'm',
    note: 'x'.repeat(padding),
  },
});

const publisher = () =>
  new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus', {
    sleep: async () => undefined,
  });

describe('EventBridgePublisher', () => {
  it('puts events in batches of at most 10 with our source, detail type and the event as detail', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
    }));
    await publisher().publish(Array.from({ length: 23 }, (_, i) => event(i)));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const first = calls[0]?.args[0].input.Entries?.[0];
    expect(first).toMatchObject({ EventBusName: 'bus', Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE });
    expect(JSON.parse(first?.Detail ?? '{}')).toEqual(event(0));
  });

  it('retries only the entries that failed inside a partially successful batch', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { EventId: 'c' },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    await publisher().publish([event(1), event(2), event(3)]);
    const retried = eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(retried.map((entry) => JSON.parse(entry.Detail ?? '{}').eventId)).toEqual(['NEW_SALE-2']);
  });

  it('throws PublishError naming the events still failing after its attempts (the poller must not advance)', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const attempt = publisher().publish([event(9)]);
    await expect(attempt).rejects.toBeInstanceOf(PublishError);
    await expect(attempt).rejects.toMatchObject({ failedEventIds: ['NEW_SALE-9'] });
  });

  it('propagates a failed call (e.g. throttled API) instead of swallowing it', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('ServiceUnavailable'));
    await expect(publisher().publish([event(1)])).rejects.toThrow('ServiceUnavailable');
  });

  it('keeps each batch under the 256 KB PutEvents limit', () => {
    const big = Array.from({ length: 10 }, (_, i) => event(i, 60_000));
    const grouped = batches(big);
    expect(grouped.length).toBeGreaterThan(1);
    for (const group of grouped) {
      expect(group.reduce((sum, e) => sum + JSON.stringify(e).length, 0)).toBeLessThan(256 * 1024);
    }
  });
});
