/**
 * The stream monitor's judgement, from the tables alone: staleness of every stream in use, stuck leases, and
 * connections that cannot be polled although Zaps still subscribe to them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Connection, EventType, Trigger } from '../../../functions/core/model.js';
import {
  assessStreams,
  DEFAULT_STREAM_HEALTH_SETTINGS,
  leaseState,
  type StreamHealthSettings,
} from '../../../functions/core/monitoring/assess-streams.js';
import {
  FakeClock,
  FakeConnectionStore,
  FakeCursorStore,
  FakeSubscriptionStore,
} from '../../support/fakes.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const SETTINGS: StreamHealthSettings = {
  leaseMs: 15 * 60_000,
  maxPollMs: 360_000,
  expiredLeaseGraceMs: 120_000,
};
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

let clock: FakeClock;
let subscriptions: FakeSubscriptionStore;
let cursors: FakeCursorStore;
let connections: FakeConnectionStore;
const deps = () => ({ subscriptions, cursors, connections, clock });

const connection = async (connectionId: string, status: Connection['status'] = 'active') => {
  await connections.upsert(
    {
      connectionId,
      loginId: connectionId,
      encryptedPassword: 'x',
      timeZone: 'UTC',
      label: connectionId,
      status,
    },
    NOW,
  );
};
let nextId = 0;
const subscribe = async (connectionId: string, trigger: Trigger, type: EventType, createdAt = ago(0)) => {
  nextId += 1;
  await subscriptions.put({
    subscriptionId: `s${nextId}`,
    connectionId,
    trigger,
    type,
    targetUrl: 'u',
    createdAt,
  });
};
const cursor = (
  connectionId: string,
  stream: 'orders' | 'transactions',
  hwm: string,
  lease?: { expiresAt: number },
) =>
  cursors.items.set(`${connectionId}/${stream}`, {
    connectionId,
    stream,
    hwm,
    version: 3,
    ...(lease ? { leaseOwner: 'poller-1', leaseExpiresAt: lease.expiresAt } : {}),
  });

beforeEach(() => {
  clock = new FakeClock(NOW);
  subscriptions = new FakeSubscriptionStore();
  cursors = new FakeCursorStore();
  connections = new FakeConnectionStore();
});

describe('assessStreams', () => {
  it('reports nothing stale when nothing is in use (and still reports: 0, not silence)', async () => {
    await connection('c1');
    cursor('c1', 'orders', ago(3 * 3_600_000)); // an old cursor nobody subscribes to any more
    expect(await assessStreams(deps(), SETTINGS)).toEqual({
      streams: [],
      maxStalenessSeconds: 0,
      stuckLeases: 0,
      invalidConnectionsInUse: 0,
    });
  });

  it('measures now − high-water mark for each stream in use, once per stream whatever the number of Zaps', async () => {
    await connection('c1');
    await subscribe('c1', 'order', 'NEW_SALE');
    await subscribe('c1', 'order', 'CANCELLED');
    await subscribe('c1', 'transaction', 'DECLINE');
    cursor('c1', 'orders', ago(65_000));
    cursor('c1', 'transactions', ago(12_000));
    const report = await assessStreams(deps(), SETTINGS);
    expect(report.streams).toEqual(
      expect.arrayContaining([
        {
          connectionId: 'c1',
          stream: 'orders',
          connectionStatus: 'active',
          stalenessSeconds: 65,
          hwm: ago(65_000),
          lease: 'free',
        },
        {
          connectionId: 'c1',
          stream: 'transactions',
          connectionStatus: 'active',
          stalenessSeconds: 12,
          hwm: ago(12_000),
          lease: 'free',
        },
      ]),
    );
    expect(report.streams).toHaveLength(2);
    expect(report.maxStalenessSeconds).toBe(65);
  });

  it('keeps growing while polls fail: the measure comes from the cursor, not from a poll', async () => {
    await connection('c1');
    await subscribe('c1', 'order', 'NEW_SALE');
    cursor('c1', 'orders', ago(60_000));
    expect((await assessStreams(deps(), SETTINGS)).maxStalenessSeconds).toBe(60);
    clock.advance(3 * 3_600_000); // Konnektive down for three hours: the hwm does not move
    expect((await assessStreams(deps(), SETTINGS)).maxStalenessSeconds).toBe(60 + 3 * 3600);
  });

  it('takes the worst stream over all active connections', async () => {
    for (const id of ['c1', 'c2', 'c3']) {
      await connection(id);
      await subscribe(id, 'order', 'NEW_SALE');
    }
    cursor('c1', 'orders', ago(30_000));
    cursor('c2', 'orders', ago(900_000));
    cursor('c3', 'orders', ago(45_000));
    expect((await assessStreams(deps(), SETTINGS)).maxStalenessSeconds).toBe(900);
  });

  it('dates a stream that has no cursor yet from its first subscription', async () => {
    await connection('c1');
    await subscribe('c1', 'transaction', 'REFUND', ago(20 * 60_000));
    await subscribe('c1', 'transaction', 'DECLINE', ago(5 * 60_000));
    await subscribe('c1', 'order', 'NEW_SALE', ago(60 * 60_000)); // another stream: not this one's age
    cursor('c1', 'orders', ago(10_000));
    const report = await assessStreams(deps(), SETTINGS);
    expect(report.streams.find((health) => health.stream === 'transactions')).toMatchObject({
      stalenessSeconds: 20 * 60,
      hwm: undefined,
    });
    expect(report.maxStalenessSeconds).toBe(20 * 60);
  });

  it('counts invalid (and vanished) connections that still have subscriptions, once each, outside the staleness', async () => {
    await connection('ok');
    await connection('bad', 'invalid');
    await subscribe('ok', 'order', 'NEW_SALE');
    await subscribe('bad', 'order', 'NEW_SALE');
    await subscribe('bad', 'transaction', 'REFUND');
    await subscribe('gone', 'order', 'NEW_LEAD'); // no connection item at all
    cursor('ok', 'orders', ago(20_000));
    cursor('bad', 'orders', ago(6 * 3_600_000));
    cursor('bad', 'transactions', ago(6 * 3_600_000));
    cursor('gone', 'orders', ago(3_600_000));
    const report = await assessStreams(deps(), SETTINGS);
    expect(report.invalidConnectionsInUse).toBe(2);
    // Their streams are stale forever until the merchant reconnects: the invalid-connection alarm says so;
    // the staleness alarm stays about the connections that should be fresh.
    expect(report.maxStalenessSeconds).toBe(20);
    expect(report.streams.filter((health) => health.connectionStatus === 'invalid')).toHaveLength(2);
    expect(report.streams.find((health) => health.connectionId === 'gone')?.connectionStatus).toBe('missing');
  });

  it('forgets an invalid connection once its Zaps are gone', async () => {
    await connection('bad', 'invalid');
    await subscribe('bad', 'order', 'NEW_SALE');
    expect((await assessStreams(deps(), SETTINGS)).invalidConnectionsInUse).toBe(1);
    subscriptions.items.clear();
    expect((await assessStreams(deps(), SETTINGS)).invalidConnectionsInUse).toBe(0);
  });

  it('counts stuck leases of active connections only', async () => {
    await connection('c1');
    await connection('c2');
    await connection('bad', 'invalid');
    for (const id of ['c1', 'c2', 'bad']) await subscribe(id, 'order', 'NEW_SALE');
    // c1: taken 30 s ago (a poll running); c2: renewed 10 minutes ago (its poll timed out); bad: long expired.
    cursor('c1', 'orders', ago(40_000), { expiresAt: NOW.getTime() - 30_000 + SETTINGS.leaseMs });
    cursor('c2', 'orders', ago(600_000), { expiresAt: NOW.getTime() - 600_000 + SETTINGS.leaseMs });
    cursor('bad', 'orders', ago(86_400_000), { expiresAt: NOW.getTime() - 3_600_000 });
    const report = await assessStreams(deps(), SETTINGS);
    expect(report.streams.map((health) => [health.connectionId, health.lease])).toEqual(
      expect.arrayContaining([
        ['c1', 'held'],
        ['c2', 'stuck'],
        ['bad', 'stuck'],
      ]),
    );
    expect(report.stuckLeases).toBe(1);
  });

  it('reads the tables only: no write to any store', async () => {
    await connection('c1');
    await subscribe('c1', 'order', 'NEW_SALE');
    cursor('c1', 'orders', ago(600_000), { expiresAt: NOW.getTime() - 3_600_000 });
    const before = JSON.stringify([...cursors.items, ...connections.items, ...subscriptions.items]);
    await assessStreams(deps(), SETTINGS);
    expect(JSON.stringify([...cursors.items, ...connections.items, ...subscriptions.items])).toBe(before);
  });
});

describe('leaseState', () => {
  const now = NOW.getTime();
  const renewedAgo = (ms: number) => ({ leaseOwner: 'p', leaseExpiresAt: now - ms + SETTINGS.leaseMs });

  it('is free without an owner or an expiry', () => {
    expect(leaseState(undefined, now, SETTINGS)).toBe('free');
    expect(leaseState({}, now, SETTINGS)).toBe('free');
  });

  it('is held while a poll could still be running (renewed within the longest poll)', () => {
    expect(leaseState(renewedAgo(0), now, SETTINGS)).toBe('held');
    expect(leaseState(renewedAgo(SETTINGS.maxPollMs), now, SETTINGS)).toBe('held');
  });

  it('is stuck once renewed longer ago than any poll can run, before it even expires', () => {
    expect(leaseState(renewedAgo(SETTINGS.maxPollMs + 1), now, SETTINGS)).toBe('stuck');
  });

  it('is stuck when held past its expiry beyond the grace, whatever the lease length', () => {
    const longPolls = { ...SETTINGS, leaseMs: 60_000, maxPollMs: 3_600_000 };
    expect(leaseState({ leaseOwner: 'p', leaseExpiresAt: now - 60_000 }, now, longPolls)).toBe('held');
    expect(leaseState({ leaseOwner: 'p', leaseExpiresAt: now - 120_001 }, now, longPolls)).toBe('stuck');
  });

  it('defaults to the poller lease and a poll timeout plus a minute', () => {
    expect(DEFAULT_STREAM_HEALTH_SETTINGS).toEqual({
      leaseMs: 30_000,
      maxPollMs: 360_000,
      expiredLeaseGraceMs: 120_000,
    });
  });
});
