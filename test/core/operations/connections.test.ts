/** `connections list` and `connections retest` on the in-memory stores. */
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../functions/core/errors.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../../../functions/core/monitoring/assess-streams.js';
import {
  connectionReportsSchema,
  listConnections,
  retestConnection,
} from '../../../functions/core/operations/connections.js';
import { findings } from '../../support/contract-findings.js';
import { createFakes, type Fakes } from '../../support/fakes.js';

let fakes: Fakes;
const T0 = '2026-11-25T15:00:00.000Z';

const connection = async (connectionId: string, status: 'active' | 'invalid', at = T0) => {
  fakes.clock.set(at);
  await fakes.connections.upsert(
    {
      connectionId,
      loginId: `${connectionId}-login`,
      encryptedPassword: await fakes.cipher.encrypt('fake-pass-77', { connectionId }),
      timeZone: 'America/Chicago',
      label: `${connectionId}-label`,
      status,
    },
    fakes.clock.now(),
  );
};

const subscribe = async (connectionId: string, id: string, trigger: 'order' | 'transaction', type: string) =>
  fakes.subscriptions.put({
    subscriptionId: id,
    connectionId,
    trigger,
    type: type as never,
    targetUrl: `http://127.0.0.1/hook/${id}`,
    createdAt: T0,
  });

beforeEach(() => {
  fakes = createFakes(T0);
});

describe('listConnections', () => {
  it('every connection with its streams in use: lag, strategy, lease, subscriptions, probe summary; no password', async () => {
    await connection('c_a', 'active');
    await connection('c_b', 'invalid', '2026-11-25T15:00:01.000Z');
    await subscribe('c_a', 'sub_1', 'order', 'NEW_SALE');
    await subscribe('c_a', 'sub_2', 'order', 'NEW_SALE');
    await subscribe('c_a', 'sub_3', 'order', 'CANCELLED');
    await subscribe('c_b', 'sub_4', 'transaction', 'REFUND');
    // c_a/orders polled up to 14:58 and leased now; c_b/transactions never polled.
    await fakes.cursors.acquireLease({
      connectionId: 'c_a',
      stream: 'orders',
      owner: 'poller-1',
      now: new Date(T0),
      leaseMs: DEFAULT_STREAM_HEALTH_SETTINGS.leaseMs,
      initialHwm: '2026-11-25T14:58:00.000Z',
    });
    const cursor = fakes.cursors.items.get('c_a/orders');
    if (!cursor) throw new Error('no cursor');
    cursor.strategy = { name: 'newest-first', since: T0, reason: 'time filters ignored' };
    await fakes.connections.setContract('c_a', findings(), new Date(T0));
    fakes.clock.set('2026-11-25T15:01:00.000Z');

    const reports = await listConnections(fakes, DEFAULT_STREAM_HEALTH_SETTINGS);
    expect(connectionReportsSchema.parse({ connections: reports }).connections).toHaveLength(2);
    const [a, b] = reports;
    expect(a).toMatchObject({
      connectionId: 'c_a',
      loginId: 'c_a-login',
      label: 'c_a-label',
      status: 'active',
      timeZone: 'America/Chicago',
      subscriptions: { total: 3, byType: { 'order.NEW_SALE': 2, 'order.CANCELLED': 1 } },
      streams: [
        {
          stream: 'orders',
          subscriptions: 3,
          hwm: '2026-11-25T14:58:00.000Z',
          lagSeconds: 180,
          strategy: 'newest-first',
          lease: 'held',
        },
      ],
      contract: { checkedAt: findings().checkedAt, variants: { timeFilters: 'honoured' } },
    });
    expect(b).toMatchObject({
      connectionId: 'c_b',
      status: 'invalid',
      subscriptions: { total: 1, byType: { 'transaction.REFUND': 1 } },
      streams: [{ stream: 'transactions', subscriptions: 1, lease: 'free' }],
    });
    expect(b?.streams[0]?.lagSeconds).toBeUndefined();
    expect(b?.contract).toBeUndefined();
    expect(JSON.stringify(reports)).not.toMatch(/encryptedPassword|fake-pass-77/);
  });

  it('a lease renewed longer ago than a poll can run is stuck', async () => {
    await connection('c_a', 'active');
    await subscribe('c_a', 'sub_1', 'transaction', 'DECLINE');
    await fakes.cursors.acquireLease({
      connectionId: 'c_a',
      stream: 'transactions',
      owner: 'gone',
      now: new Date(T0),
      leaseMs: DEFAULT_STREAM_HEALTH_SETTINGS.leaseMs,
      initialHwm: T0,
    });
    fakes.clock.advance(DEFAULT_STREAM_HEALTH_SETTINGS.maxPollMs + 1_000);
    const [report] = await listConnections(fakes, DEFAULT_STREAM_HEALTH_SETTINGS);
    expect(report?.streams[0]?.lease).toBe('stuck');
  });

  it('no connections: an empty list', async () => {
    expect(await listConnections(fakes, DEFAULT_STREAM_HEALTH_SETTINGS)).toEqual([]);
  });
});

describe('retestConnection', () => {
  it('marks an invalid connection for re-test', async () => {
    await connection('c_b', 'invalid');
    const result = await retestConnection(fakes, 'c_b');
    expect(result).toMatchObject({ connectionId: 'c_b', status: 'invalid', marked: true });
    expect(fakes.connections.items.get('c_b')?.retestRequestedAt).toBe(T0);
  });

  it('an active connection has nothing to re-test and is left as it is', async () => {
    await connection('c_a', 'active');
    const result = await retestConnection(fakes, 'c_a');
    expect(result).toMatchObject({ status: 'active', marked: false });
    expect(result.message).toMatch(/nothing to re-test/);
    expect(fakes.connections.items.get('c_a')?.retestRequestedAt).toBeUndefined();
  });

  it('an unknown connection is NotFoundError', async () => {
    await expect(retestConnection(fakes, 'c_nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
