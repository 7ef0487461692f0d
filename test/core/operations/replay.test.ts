/** `replay`: archived events of one subscription's connection, trigger and type, queued for it alone with redeliver. */
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../functions/core/errors.js';
import type { DetectedEvent } from '../../../functions/core/model.js';
import {
  type ArchiveQuery,
  type EventArchive,
  replayToSubscription,
} from '../../../functions/core/operations/replay.js';
import { deliverMessage } from '../../../functions/core/triggers/deliver.js';
import { HookConcurrency } from '../../../functions/core/triggers/hook-rate.js';
import { createFakes, FakeHookRateLimiter, type Fakes } from '../../support/fakes.js';
import { RecordingDeliveryQueue, ScriptedHookSender } from '../../support/trigger-fakes.js';

const T0 = '2026-11-25T12:00:00.000Z';
let fakes: Fakes;
let queue: RecordingDeliveryQueue;

const event = (eventId: string, detectedAt: string, over: Partial<DetectedEvent> = {}): DetectedEvent => ({
  eventId,
  connectionId: 'c_1',
  trigger: 'order',
  type: 'NEW_SALE',
  recordId: eventId,
  occurredAt: detectedAt,
  detectedAt,
  payload: {
    id: eventId,
    event: 'order.new_sale',
    occurredAt: detectedAt,
    connection: 'c_1',
    orderId: eventId,
  },
  ...over,
});

/** An archive that hands back everything it holds in batches of two, and remembers what it was asked. */
const archiveOf = (events: DetectedEvent[]) => {
  const queries: ArchiveQuery[] = [];
  const archive: EventArchive = {
    async *events(query) {
      queries.push(query);
      for (let i = 0; i < events.length; i += 2) yield events.slice(i, i + 2);
    },
  };
  return { archive, queries };
};

beforeEach(async () => {
  fakes = createFakes(T0);
  queue = new RecordingDeliveryQueue();
  for (const id of ['c_1', 'c_2']) {
    await fakes.connections.upsert(
      { connectionId: id, loginId: id, encryptedPassword: 'x', timeZone: 'UTC', label: id, status: 'active' },
      fakes.clock.now(),
    );
  }
  const sub = (subscriptionId: string, connectionId: string, type: 'NEW_SALE' | 'CANCELLED') =>
    fakes.subscriptions.put({
      subscriptionId,
      connectionId,
      trigger: 'order',
      type,
      targetUrl: `http://127.0.0.1/${subscriptionId}`,
      createdAt: T0,
    });
  await sub('sub_a', 'c_1', 'NEW_SALE');
  await sub('sub_b', 'c_1', 'NEW_SALE');
  await sub('sub_c', 'c_1', 'CANCELLED');
  await sub('sub_d', 'c_2', 'NEW_SALE');
});

const request = { from: '2026-11-25T10:00:00Z', to: '2026-11-25T11:00:00Z', subscriptionId: 'sub_a' };

describe('replayToSubscription', () => {
  it('queues each matching event once, for the named subscription only, with redeliver', async () => {
    const { archive, queries } = archiveOf([
      event('e1', '2026-11-25T10:00:00.000Z'),
      event('e2', '2026-11-25T10:59:59.999Z'),
      event('e2', '2026-11-25T10:59:59.999Z'), // handed over twice
      event('late', '2026-11-25T11:00:00.000Z'), // `to` is exclusive
      event('other-type', '2026-11-25T10:30:00.000Z', { type: 'CANCELLED' }),
      event('other-connection', '2026-11-25T10:30:00.000Z', { connectionId: 'c_2' }),
    ]);
    fakes.clock.set('2026-11-28T09:00:00.000Z');
    const result = await replayToSubscription({ ...fakes, archive, deliveries: queue }, request);
    expect(queries).toEqual([
      {
        from: new Date(request.from),
        to: new Date(request.to),
        connectionId: 'c_1',
        trigger: 'order',
        type: 'NEW_SALE',
      },
    ]);
    expect(result).toMatchObject({
      queued: 2,
      eventIds: ['e1', 'e2'],
      connectionId: 'c_1',
      what: 'order.NEW_SALE',
    });
    expect(
      queue.sent.map((m) => [m.event.eventId, m.targets, m.redeliver, m.attempt, m.firstAttemptAt]),
    ).toEqual([
      ['e1', ['sub_a'], true, 1, '2026-11-28T09:00:00.000Z'],
      ['e2', ['sub_a'], true, 1, '2026-11-28T09:00:00.000Z'],
    ]);
  });

  it('posts a replayed event again to that subscription despite its delivered marker, and to no other', async () => {
    const e1 = event('e1', '2026-11-25T10:10:00.000Z');
    await fakes.deliveries.mark('sub_a', 'e1', new Date(T0), new Date('2027-01-01T00:00:00Z'));
    await fakes.deliveries.mark('sub_b', 'e1', new Date(T0), new Date('2027-01-01T00:00:00Z'));
    await replayToSubscription({ ...fakes, archive: archiveOf([e1]).archive, deliveries: queue }, request);
    const sender = new ScriptedHookSender();
    const [replayed] = queue.sent;
    if (!replayed) throw new Error('nothing queued');
    const plan = await deliverMessage(
      {
        subscriptions: {
          listFor: (c, t, y) => fakes.subscriptions.listFor(c, t, y),
          delete: (c, s) => fakes.subscriptions.delete(c, s),
        },
        markers: fakes.deliveries,
        sender,
        rateLimiter: new FakeHookRateLimiter(),
        inFlight: new HookConcurrency(8),
        clock: fakes.clock,
        wait: async (ms) => fakes.clock.advance(ms),
        allowlist: ['http://127.0.0.1'],
      },
      replayed,
      { remainingMs: () => 60_000 },
    );
    expect(plan.outcomes).toEqual([{ subscriptionId: 'sub_a', result: 'delivered' }]);
    expect(sender.posts.map((post) => post.url)).toEqual(['http://127.0.0.1/sub_a']);
  });

  it('refuses an unknown subscription and a bad range, naming the field', async () => {
    const { archive } = archiveOf([]);
    await expect(
      replayToSubscription(
        { ...fakes, archive, deliveries: queue },
        { ...request, subscriptionId: 'sub_zz' },
      ),
    ).rejects.toThrow(new NotFoundError('No subscription sub_zz'));
    await expect(
      replayToSubscription({ ...fakes, archive, deliveries: queue }, { ...request, to: request.from }),
    ).rejects.toThrow(ValidationError);
    await expect(
      replayToSubscription({ ...fakes, archive, deliveries: queue }, { ...request, from: 'yesterday' }),
    ).rejects.toThrow(/^from: an ISO-8601 instant/);
    expect(queue.sent).toEqual([]);
  });
});
