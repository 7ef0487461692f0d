/** `dlq list` and `dlq redrive` on local queues (the same SQS semantics the runtime uses). */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deadLetterReportSchema,
  listDeadLetters,
  type OpsQueue,
  redriveDeadLetters,
  summarizeDeadLetter,
  withFreshSchedule,
} from '../../../functions/core/operations/dead-letters.js';
import type { DeliveryMessage } from '../../../functions/core/triggers/schemas.js';
import { LocalQueue } from '../../../local/queue/local-queue.js';
import { localOpsQueue } from '../../../local/runtime/ops-routes.js';

const NOW = new Date('2026-11-28T09:00:00.000Z');
const clock = { now: () => NOW };
const SECRET_PAYLOAD = {
  id: 'e',
  event: 'order.new_sale',
  occurredAt: '2026-11-25T11:59:00.000Z',
  connection: 'Fake Store',
  orderId: 'o-1',
  cardLast4: '4242',
  email: 'buyer@example.com',
};

const event = (eventId: string) => ({
  eventId,
  connectionId: 'c_1',
  trigger: 'order' as const,
  type: 'NEW_SALE' as const,
  recordId: 'o-1',
  occurredAt: '2026-11-25T11:59:00.000Z',
  detectedAt: '2026-11-25T12:00:00.000Z',
  payload: SECRET_PAYLOAD,
});
const message = (eventId: string, extra: Partial<DeliveryMessage> = {}): DeliveryMessage => ({
  event: event(eventId),
  targets: ['sub_1'],
  attempt: 53,
  firstAttemptAt: '2026-11-25T12:00:01.000Z',
  notBefore: '2026-11-29T12:00:00.000Z',
  ...extra,
});

let dlq: LocalQueue;
let source: LocalQueue;
beforeEach(() => {
  dlq = new LocalQueue({ name: 'dead-letters', visibilityTimeoutMs: 30_000 });
  source = new LocalQueue({ name: 'deliveries', visibilityTimeoutMs: 30_000 });
});

describe('listDeadLetters', () => {
  it('counts and summarizes without payloads, and leaves the sampled messages queued', async () => {
    dlq.send(JSON.stringify(message('e1')), { reason: 'retries exhausted' });
    dlq.send(
      JSON.stringify({
        source: 'konnektive-zapier',
        'detail-type': 'KonnektiveEventDetected',
        detail: event('e2'),
      }),
    );
    dlq.send(JSON.stringify({ connectionId: 'c_2', stream: 'transactions' }));
    dlq.send('{"token":"sk_live_secret" broken json');

    const report = await listDeadLetters(localOpsQueue(dlq), 'delivery', 10);
    expect(deadLetterReportSchema.parse(report)).toEqual(report);
    expect(report.count).toBe(4);
    expect(report.sample.map((m) => m.kind).sort()).toEqual([
      'bus-event',
      'delivery',
      'poll-request',
      'unreadable',
    ]);
    expect(report.sample.find((m) => m.kind === 'delivery')).toMatchObject({
      eventId: 'e1',
      connectionId: 'c_1',
      what: 'order.NEW_SALE',
      recordId: 'o-1',
      targets: ['sub_1'],
      attempt: 53,
      reason: 'retries exhausted',
    });
    expect(report.sample.find((m) => m.kind === 'poll-request')).toMatchObject({
      connectionId: 'c_2',
      what: 'transactions',
    });
    const text = JSON.stringify(report);
    for (const secret of ['4242', 'buyer@example.com', 'sk_live_secret']) expect(text).not.toContain(secret);
    // Still there and visible: a list is not a receive.
    expect(dlq.stats()).toEqual({ total: 4, visible: 4, inFlight: 0 });
  });

  it('samples at most the number asked for', async () => {
    for (let i = 0; i < 15; i++) dlq.send(JSON.stringify(message(`e${i}`)));
    const report = await listDeadLetters(localOpsQueue(dlq), 'delivery', 12);
    expect(report.count).toBe(15);
    expect(report.sample).toHaveLength(12);
    expect((await listDeadLetters(localOpsQueue(dlq), 'delivery', 0)).sample).toEqual([]);
  });
});

describe('redriveDeadLetters', () => {
  it('moves up to max messages back, unchanged unless fresh', async () => {
    for (let i = 0; i < 12; i++) dlq.send(JSON.stringify(message(`e${i}`)));
    const first = await redriveDeadLetters(
      { deadLetters: localOpsQueue(dlq), source: localOpsQueue(source), clock },
      'delivery',
      { max: 11, fresh: false },
    );
    expect(first).toEqual({ queue: 'delivery', redriven: 11, fresh: false, remaining: 1 });
    expect(source.list().map((m) => JSON.parse(m.body).attempt)).toEqual(Array(11).fill(53));

    const second = await redriveDeadLetters(
      { deadLetters: localOpsQueue(dlq), source: localOpsQueue(source), clock },
      'delivery',
      { max: 100, fresh: true },
    );
    expect(second).toMatchObject({ redriven: 1, remaining: 0 });
    const fresh = JSON.parse(source.list()[11]?.body ?? '{}');
    expect(fresh).toMatchObject({ attempt: 1, firstAttemptAt: NOW.toISOString(), targets: ['sub_1'] });
    expect(fresh.notBefore).toBeUndefined();
  });

  it('deletes nothing when the source refuses: the dead letters stay, visible again', async () => {
    dlq.send(JSON.stringify(message('e1')));
    dlq.send(JSON.stringify(message('e2')));
    const refusing: OpsQueue = {
      ...localOpsQueue(source),
      send: async () => {
        throw new Error('AccessDenied: not allowed to send');
      },
    };
    await expect(
      redriveDeadLetters({ deadLetters: localOpsQueue(dlq), source: refusing, clock }, 'delivery', {
        max: 10,
        fresh: false,
      }),
    ).rejects.toThrow('AccessDenied');
    expect(dlq.stats()).toEqual({ total: 2, visible: 2, inFlight: 0 });
  });

  it('keeps a replay a replay and leaves bodies it cannot read as they were', () => {
    const replay = JSON.parse(
      withFreshSchedule(JSON.stringify(message('e1', { redeliver: true, booking: { from: 1, to: 2 } })), NOW),
    );
    expect(replay).toMatchObject({ redeliver: true, attempt: 1, firstAttemptAt: NOW.toISOString() });
    expect(replay.booking).toBeUndefined();
    expect(withFreshSchedule('not json', NOW)).toBe('not json');
    expect(summarizeDeadLetter({ id: 'x', body: '' })).toEqual({ id: 'x', kind: 'unreadable', bytes: 0 });
  });
});
