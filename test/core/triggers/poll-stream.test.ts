import { describe, expect, it } from 'vitest';
import { CredentialsRejectedError, UpstreamUnavailableError } from '../../../functions/core/errors.js';
import { KonnektiveAuthError, KonnektiveTransientError } from '../../../functions/core/konnektive.js';
import { CursorConflictError } from '../../../functions/core/ports.js';
import { DEFAULT_POLL_SETTINGS, pollStream } from '../../../functions/core/triggers/poll-stream.js';
import { SettledEvents } from '../../../functions/core/triggers/settled-events.js';
import { order, transaction } from '../../support/contract-konnektive.js';
import { pollFixture, SETTINGS, T0 } from './poll-fixture.js';

const fixture = (timeZone = 'UTC') => pollFixture({ timeZone });

describe('pollStream', () => {
  it('fires NEW_LEAD for a lead and NEW_SALE when the same orderId is converted later (by dateUpdated)', async () => {
    const f = await fixture();
    const lead = order({ orderStatus: 'PARTIAL', dateCreated: f.at(10_000) });
    f.konnektive.orders.push(lead);
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published()).toEqual([`NEW_LEAD:${lead.orderId}`]);

    // Converted: keeps orderId and dateCreated, only dateUpdated moves.
    lead.orderStatus = 'COMPLETE';
    lead.dateUpdated = f.at(90_000);
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published()).toEqual([`NEW_LEAD:${lead.orderId}`, `NEW_SALE:${lead.orderId}`]);
  });

  it('re-reads the overlap without publishing anything twice, and catches a row that arrived late', async () => {
    const f = await fixture();
    const early = order({ dateCreated: f.at(54_000) });
    f.konnektive.orders.push(early);
    f.clock.advance(60_000); // window ends at T0+55s
    await f.poll();
    // A row committed late with a timestamp before the hwm (T0+50s) and a row sharing the hwm's second.
    const late = order({ dateCreated: f.at(50_000) });
    const sameSecond = order({ dateCreated: f.at(55_000) });
    f.konnektive.orders.push(late, sameSecond);
    f.clock.advance(60_000);
    await f.poll();
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published().sort()).toEqual(
      [`NEW_SALE:${early.orderId}`, `NEW_SALE:${late.orderId}`, `NEW_SALE:${sameSecond.orderId}`].sort(),
    );
  });

  it('classifies transactions into DECLINE and REFUND and ignores successful sales', async () => {
    const f = await fixture();
    const hard = transaction({ responseType: 'HARD_DECLINE', dateCreated: f.at(1_000) });
    const soft = transaction({ responseType: 'SOFT_DECLINE', dateCreated: f.at(2_000) });
    const refund = transaction({ txnType: 'REFUND', responseType: 'SUCCESS', dateCreated: f.at(3_000) });
    const sale = transaction({ dateCreated: f.at(4_000) });
    f.konnektive.transactions.push(hard, soft, refund, sale);
    f.clock.advance(60_000);
    await f.poll('transactions');
    expect(f.published().sort()).toEqual(
      [
        `DECLINE:${hard.transactionId}`,
        `DECLINE:${soft.transactionId}`,
        `REFUND:${refund.transactionId}`,
      ].sort(),
    );
  });

  it('loses nothing when publishing fails: the hwm stays and the next poll publishes the events', async () => {
    const f = await fixture();
    const sale = order({ dateCreated: f.at(5_000) });
    f.konnektive.orders.push(sale);
    f.clock.advance(60_000);
    f.publisher.failNext = 1;
    await expect(f.poll()).rejects.toThrow('bus unavailable');
    expect((await f.cursors.get('c1', 'orders'))?.hwm).toBe(T0.toISOString());
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published()).toEqual([`NEW_SALE:${sale.orderId}`]);
  });

  it('loses nothing on a crash between publish and the hwm write (re-publishes; deliveries dedupe)', async () => {
    const f = await fixture();
    const sale = order({ dateCreated: f.at(5_000) });
    f.konnektive.orders.push(sale);
    f.clock.advance(60_000);
    const realCheckpoint = f.cursors.checkpoint.bind(f.cursors);
    f.cursors.checkpoint = async () => {
      throw new Error('process killed before the checkpoint');
    };
    await expect(f.poll()).rejects.toThrow('process killed');
    f.cursors.checkpoint = realCheckpoint;
    f.clock.advance(60_000);
    await f.poll();
    // Published by the crashed poll and again by the recovery poll: at least once, never zero.
    expect(f.published()).toEqual([`NEW_SALE:${sale.orderId}`, `NEW_SALE:${sale.orderId}`]);
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published()).toHaveLength(2);
  });

  it('keeps a Konnektive outage from moving the hwm; the window is re-read when it recovers', async () => {
    const f = await fixture();
    const sale = order({ dateCreated: f.at(5_000) });
    f.konnektive.orders.push(sale);
    f.clock.advance(60_000);
    f.konnektive.failures.push(new KonnektiveTransientError('HTTP 503', 'order/query', { status: 503 }));
    // Konnektive failures leave the poll as domain errors (the handler logs them; the next tick re-reads).
    await expect(f.poll()).rejects.toBeInstanceOf(UpstreamUnavailableError);
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published()).toEqual([`NEW_SALE:${sale.orderId}`]);
  });

  it('is single-flight: a second poller is turned away while the lease is live, and can take over an expired one', async () => {
    const f = await fixture();
    f.clock.advance(60_000);
    await f.cursors.acquireLease({
      connectionId: 'c1',
      stream: 'orders',
      owner: 'stuck-poller',
      now: f.clock.now(),
      leaseMs: 60_000,
      initialHwm: T0.toISOString(),
    });
    expect((await f.poll()).status).toBe('busy');
    expect(f.konnektive.calls).toHaveLength(0);
    f.clock.advance(61_000);
    expect((await f.poll()).status).toBe('done');
  });

  it('a poller whose lease was taken over cannot checkpoint', async () => {
    const f = await fixture();
    f.clock.advance(60_000);
    f.konnektive.afterPage = () => {
      // While the first poller reads, its lease expires and another poller checkpoints.
      f.konnektive.afterPage = undefined;
      const cursor = f.cursors.items.get('c1/orders');
      if (cursor) {
        cursor.leaseOwner = 'other';
        cursor.version += 1;
      }
    };
    await expect(f.poll()).rejects.toBeInstanceOf(CursorConflictError);
  });

  it('catches up after an outage in checkpointed slices within the time budget', async () => {
    const f = await fixture();
    const sales = [1, 2, 3, 4, 5].map((hour) => order({ dateCreated: f.at(hour * 3_600_000 - 60_000) }));
    f.konnektive.orders.push(...sales);
    f.clock.advance(5 * 3_600_000 + 60_000);
    // The invocation runs low on time once its first window is checkpointed.
    const startVersion = (await f.cursors.get('c1', 'orders'))?.version ?? 0;
    const first = await f.poll('orders', () =>
      (f.cursors.items.get('c1/orders')?.version ?? 0) > startVersion
        ? DEFAULT_POLL_SETTINGS.minRemainingMs - 1
        : 300_000,
    );
    expect(first.status).toBe('partial');
    expect(first.windows).toBe(1);
    expect(f.published()).toHaveLength(1);
    const second = await f.poll();
    expect(second.status).toBe('done');
    expect(second.windows).toBe(5);
    expect(f.published()).toEqual(sales.map((sale) => `NEW_SALE:${sale.orderId}`));
    expect(second.lagSeconds).toBeLessThanOrEqual(6);
  });

  it('reads a window that spans pages without losing rows that shift between pages', async () => {
    const f = await fixture();
    // 450 rows spread over 45 minutes: far more than the 5-minute overlap could re-read.
    const sales = Array.from({ length: 450 }, (_, i) => order({ dateCreated: f.at(1_000 + i * 6_000) }));
    f.konnektive.orders.push(...sales);
    // While paging, the first row is updated: under naive paging every later row would shift one page up.
    f.konnektive.afterPage = () => {
      const first = f.konnektive.orders[0];
      if (first) first.dateUpdated = f.at(3_300_000);
    };
    f.clock.advance(50 * 60_000);
    await f.poll();
    f.konnektive.afterPage = undefined;
    f.clock.advance(10 * 60_000);
    await f.poll();
    const published = f.published();
    expect(new Set(published).size).toBe(450);
    expect(published).toHaveLength(450);
  });

  it('counts malformed records by id without stopping the others', async () => {
    const f = await fixture();
    const good = order({ dateCreated: f.at(1_000) });
    const bad = order({ dateCreated: f.at(2_000), dateUpdated: 'not a date' });
    f.konnektive.orders.push(good, bad);
    f.konnektive.transactions = [];
    const original = f.konnektive.queryOrders.bind(f.konnektive);
    f.konnektive.queryOrders = (credentials, query) => {
      const pages = original(credentials, { ...query, range: undefined });
      return pages;
    };
    f.clock.advance(60_000);
    const result = await f.poll();
    expect(f.published()).toEqual([`NEW_SALE:${good.orderId}`]);
    expect(result.rejected).toEqual([{ id: bad.orderId, issue: expect.stringContaining('not a date') }]);
  });

  it('never re-fires records created before the ledger horizon (their entry may have expired)', async () => {
    const f = await fixture();
    const ancient = order({
      dateCreated: '2020-01-01 00:00:00',
      dateUpdated: f.at(1_000),
      orderStatus: 'CANCELLED',
    });
    const recent = order({
      dateCreated: f.at(-86_400_000),
      dateUpdated: f.at(2_000),
      orderStatus: 'CANCELLED',
    });
    f.konnektive.orders.push(ancient, recent);
    f.clock.advance(60_000);
    await f.poll();
    expect(f.published()).toEqual([`CANCELLED:${recent.orderId}`]);
  });

  it('converts account-zone wall times across the fall-back DST change without losing rows', async () => {
    const f = await fixture('America/New_York');
    // 2026-11-01 01:30 happens twice in New York; the second one is 06:30Z.
    const start = new Date('2026-11-01T05:00:00Z');
    f.clock.set(start);
    await f.cursors.reset({ connectionId: 'c1', stream: 'orders', hwm: start.toISOString(), now: start });
    const existing = await f.connections.get('c1');
    if (!existing) throw new Error('fixture connection missing');
    await f.connections.upsert({ ...existing, timeZone: 'America/New_York' }, start);
    const first = order({ dateCreated: '2026-11-01 01:30:00' }); // ambiguous, 05:30Z or 06:30Z
    const after = order({ dateCreated: '2026-11-01 01:10:00' }); // 05:10Z or 06:10Z
    f.konnektive.orders.push(first, after);
    for (let i = 0; i < 12; i++) {
      f.clock.advance(10 * 60_000);
      await f.poll();
    }
    expect(new Set(f.published())).toEqual(
      new Set([`NEW_SALE:${first.orderId}`, `NEW_SALE:${after.orderId}`]),
    );
    expect(f.published()).toHaveLength(2);
  });

  it('with a settled-events cache, re-reading the overlap skips the ledger for settled events but still finds late rows', async () => {
    const f = await fixture();
    const settled = new SettledEvents();
    let ledgerWrites = 0;
    const record = f.ledger.record.bind(f.ledger);
    f.ledger.record = async (args) => {
      ledgerWrites += 1;
      return record(args);
    };
    const deps = { ...f.deps, settled };
    const poll = (owner: string) =>
      pollStream(deps, { connectionId: 'c1', stream: 'orders', owner, remainingMs: () => 300_000 }, SETTINGS);
    const sales = [1, 2, 3].map((s) => order({ dateCreated: f.at(s * 1_000) }));
    f.konnektive.orders.push(...sales);
    f.clock.advance(60_000);
    await poll('p1');
    expect(ledgerWrites).toBe(3);
    // The next ticks re-read these rows in the overlap: no ledger writes for them.
    f.clock.advance(60_000);
    await poll('p2');
    expect(ledgerWrites).toBe(3);
    // A row committed late inside the overlap is still checked and published.
    const late = order({ dateCreated: f.at(4_000) });
    f.konnektive.orders.push(late);
    f.clock.advance(60_000);
    await poll('p3');
    expect(ledgerWrites).toBe(4);
    expect(f.published().sort()).toEqual([...sales, late].map((s) => `NEW_SALE:${s.orderId}`).sort());
  });

  it('reads each window once per poll even when reading takes longer than a second (one horizon per poll)', async () => {
    const f = await fixture();
    f.konnektive.orders.push(order({ dateCreated: f.at(1_000) }));
    // Every page read takes two seconds of clock time.
    f.konnektive.afterPage = () => f.clock.advance(2_000);
    f.clock.advance(60_000);
    const result = await f.poll();
    expect(result.windows).toBe(1);
    expect(f.konnektive.calls).toHaveLength(1);
    expect(f.published()).toHaveLength(1);
  });

  it('tells onPublished the record and detection time of every event it published (for the detection latency)', async () => {
    const told: Array<{ occurredAt: string; detectedAt: string }> = [];
    const f = await pollFixture({ onPublished: (event) => told.push(event) });
    f.konnektive.orders.push(order({ dateCreated: f.at(1_000) }), order({ dateCreated: f.at(2_000) }));
    f.clock.advance(60_000);
    await f.poll();
    expect(told).toEqual(
      f.publisher.events.map((event) => ({ occurredAt: event.occurredAt, detectedAt: event.detectedAt })),
    );
    expect(told).toEqual([
      { occurredAt: new Date(T0.getTime() + 1_000).toISOString(), detectedAt: f.clock.now().toISOString() },
      { occurredAt: new Date(T0.getTime() + 2_000).toISOString(), detectedAt: f.clock.now().toISOString() },
    ]);
    // The next poll re-reads them in the overlap and publishes nothing: nothing told.
    f.clock.advance(60_000);
    await f.poll();
    expect(told).toHaveLength(2);
  });

  it('tells onStoredCredentialsRejected which connection Konnektive refused, and marks it invalid', async () => {
    const f = await fixture();
    const rejected: string[] = [];
    f.konnektive.failures = [new KonnektiveAuthError('Could not authenticate credentials', 'order/query')];
    f.clock.advance(60_000);
    await expect(
      pollStream(
        { ...f.deps, onStoredCredentialsRejected: (connectionId) => void rejected.push(connectionId) },
        { connectionId: 'c1', stream: 'orders', owner: 'p1', remainingMs: () => 300_000 },
        SETTINGS,
      ),
    ).rejects.toThrow(CredentialsRejectedError);
    expect(rejected).toEqual(['c1']);
    expect((await f.connections.get('c1'))?.status).toBe('invalid');
  });
});
