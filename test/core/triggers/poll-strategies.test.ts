/**
 * The poller under every answer to the API's unknowns (time filters, sorting), at a bounded cost: which strategy it
 * ends up with, what an idle poll costs, that every event is published once, and that slow pages, page budgets and
 * lost leases never cost a checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { UpstreamUnavailableError } from '../../../functions/core/errors.js';
import { CursorConflictError } from '../../../functions/core/ports.js';
import type { PollSettings } from '../../../functions/core/triggers/poll-stream.js';
import { findings } from '../../support/contract-findings.js';
import { order, transaction } from '../../support/contract-konnektive.js';
import { type PollFixture, pollFixture, SETTINGS, T0 } from './poll-fixture.js';

const MINUTE = 60_000;

/** `count` orders spread evenly over `[fromMs, toMs)` after T0 (created = updated). */
const seedOrders = (f: PollFixture, count: number, fromMs: number, toMs: number) => {
  const created = Array.from({ length: count }, (_, i) =>
    order({ dateCreated: f.at(fromMs + Math.floor(((toMs - fromMs) * i) / count)) }),
  );
  f.konnektive.orders.push(...created);
  return created;
};

/** Polls once a minute; returns the page calls of each poll. */
const idlePolls = async (f: PollFixture, n: number, settings: PollSettings = SETTINGS) => {
  const calls: number[] = [];
  for (let i = 0; i < n; i++) {
    f.clock.advance(MINUTE);
    const before = f.konnektive.calls.length;
    const result = await f.poll('orders', 300_000, settings);
    expect(result.status).toBe('done');
    calls.push(f.callsSince(before));
  }
  return calls;
};

const expectEachOnce = (f: PollFixture, ids: string[]) => {
  const published = f.published();
  expect(published.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
  expect(new Set(published).size).toBe(published.length);
};

describe('pollStream under the contract variants', () => {
  it('time filters ignored: the first narrowed page shows it, the stream moves to newest-first, an idle poll costs one call', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'honoured' };
    // 450 orders in the day so far, none in the first window.
    const day = seedOrders(f, 450, -12 * 60 * MINUTE, -10 * MINUTE);
    f.clock.advance(MINUTE);
    const first = await f.poll();
    expect(first.strategy?.name).toBe('newest-first');
    expect(first.strategyChanges.map((c) => `${c.from}→${c.to}`)).toEqual([
      'none→time-window',
      'time-window→newest-first',
    ]);
    expect(first.strategyChanges[1]?.reason).toMatch(/outside it .*time filters are ignored/);
    expect(first.calls).toBe(2);
    expect(f.published()).toEqual([]); // the day's orders are from before the stream started
    expect(await idlePolls(f, 5)).toEqual([1, 1, 1, 1, 1]);
    const sale = order({ dateCreated: f.at(6 * MINUTE + 30_000) });
    f.konnektive.orders.push(sale);
    await idlePolls(f, 3);
    expectEachOnce(f, [`NEW_SALE:${sale.orderId}`]);
    expect(day).toHaveLength(450);
  });

  it('time filters and sorting ignored: the stream moves to day-scan, and an idle poll costs the day’s pages', async () => {
    for (const [perDay, pages] of [
      [450, 3],
      [2_000, 10],
    ] as const) {
      const f = await pollFixture();
      f.konnektive.contract = { timeFilters: 'ignored', sorting: 'ignored' };
      seedOrders(f, perDay, -12 * 60 * MINUTE, -10 * MINUTE);
      f.clock.advance(MINUTE);
      const first = await f.poll();
      expect(first.strategy).toMatchObject({ name: 'day-scan', sorted: false });
      expect(first.strategyChanges.map((c) => c.to)).toEqual(['time-window', 'time-window', 'day-scan']);
      expect(await idlePolls(f, 3)).toEqual([pages, pages, pages]);
      const lead = order({ orderStatus: 'PARTIAL', dateCreated: f.at(3 * MINUTE + 10_000) });
      f.konnektive.orders.push(lead);
      await idlePolls(f, 2);
      expectEachOnce(f, [`NEW_LEAD:${lead.orderId}`]);
    }
  });

  it('once the order was seen working, a page whose records share one timestamp is trusted (one call per idle poll)', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'honoured' };
    seedOrders(f, 300, -8 * 60 * MINUTE, -60 * MINUTE);
    // 500 orders updated in the same second (a bulk change): the newest pages cannot show their order.
    f.konnektive.orders.push(
      ...Array.from({ length: 500 }, () => order({ dateCreated: f.at(-30 * MINUTE) })),
    );
    f.clock.advance(MINUTE);
    const first = await f.poll();
    expect(first.strategy).toMatchObject({ name: 'newest-first', sorted: true });
    expect(await idlePolls(f, 3)).toEqual([1, 1, 1]);
  });

  it('starts from the probe’s findings: no narrowed query is ever sent when the probe found time filters ignored', async () => {
    const contract = findings({
      timeFilters: { variant: 'ignored', evidence: 'a 1-hour window returned the day' },
    });
    const f = await pollFixture({ contract });
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'honoured' };
    seedOrders(f, 300, -6 * 60 * MINUTE, -MINUTE);
    f.clock.advance(MINUTE);
    const result = await f.poll();
    expect(result.strategyChanges).toEqual([
      expect.objectContaining({
        from: 'none',
        to: 'newest-first',
        reason: expect.stringContaining('contract probe'),
      }),
    ]);
    expect(result.calls).toBe(1);
    expect(f.konnektive.calls[0]?.query.sortDir).toBe(0);
  });

  it('a probe run later takes effect at the next poll; evidence seen after it still wins', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'ignored' };
    seedOrders(f, 300, -6 * 60 * MINUTE, -MINUTE);
    f.clock.advance(MINUTE);
    expect((await f.poll()).strategy?.name).toBe('day-scan');
    // Konnektive fixed both; a probe says so.
    f.konnektive.contract = { timeFilters: 'honoured', sorting: 'honoured' };
    f.clock.advance(MINUTE);
    await f.connections.setContract('c1', findings({}, f.clock.now().toISOString()), f.clock.now());
    f.clock.advance(MINUTE);
    const after = await f.poll();
    expect(after.strategyChanges).toEqual([
      expect.objectContaining({
        from: 'day-scan',
        to: 'time-window',
        reason: expect.stringContaining('contract probe'),
      }),
    ]);
    expect(await idlePolls(f, 2)).toEqual([1, 1]);
    // The API regresses: evidence moves the stream again, and the (older) probe does not move it back.
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'honoured' };
    await idlePolls(f, 1);
    const later = await f.poll();
    expect(later.strategy?.name).toBe('newest-first');
    expect(later.strategyChanges).toEqual([]);
  });

  it('re-checks the cheaper strategy after recheckMs: back at once while filters are ignored, kept once they work', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'honoured' };
    seedOrders(f, 300, -6 * 60 * MINUTE, -MINUTE);
    f.clock.advance(MINUTE);
    expect((await f.poll()).strategy?.name).toBe('newest-first');
    f.clock.advance(SETTINGS.recheckMs);
    const recheck = await f.poll();
    expect(recheck.strategyChanges.map((c) => `${c.from}→${c.to}`)).toEqual([
      'newest-first→time-window',
      'time-window→newest-first',
    ]);
    expect(recheck.strategy?.name).toBe('newest-first');
    expect(Date.parse(recheck.strategy?.recheckAt ?? '')).toBeGreaterThan(f.clock.now().getTime());
    // Konnektive starts honouring the filters: the next re-check sticks.
    f.konnektive.contract = { timeFilters: 'honoured', sorting: 'honoured' };
    f.clock.advance(SETTINGS.recheckMs + MINUTE);
    const fixed = await f.poll();
    expect(fixed.strategy).toMatchObject({ name: 'time-window', sorted: true });
    expect(await idlePolls(f, 2)).toEqual([1, 1]);
  });

  it.each([
    ['honoured', 'time-window'],
    ['ignored', 'newest-first'],
  ] as const)(
    'time filters %s: after a burst of 3,000 orders an idle poll costs one call, and a late row in the overlap is still found',
    async (timeFilters, strategy) => {
      const f = await pollFixture();
      f.konnektive.contract = { timeFilters, sorting: 'honoured' };
      f.clock.advance(MINUTE);
      await f.poll();
      // 3,000 orders in 50 seconds (60 a second), then quiet.
      const burst = seedOrders(f, 3_000, MINUTE, MINUTE + 50_000);
      f.clock.advance(MINUTE);
      const busy = await f.poll();
      expect(busy.strategy?.name).toBe(strategy);
      expect(busy.published.NEW_SALE).toBe(3_000);
      // While the burst sits in the 5-minute overlap, idle polls do not re-read it.
      expect(await idlePolls(f, 4)).toEqual([1, 1, 1, 1]);
      // A row committed late, inside the overlap: Konnektive's count below the hwm moves, so the overlap is re-read.
      const late = order({ dateCreated: f.at(MINUTE + 20_000) });
      f.konnektive.orders.push(late);
      const [reread] = await idlePolls(f, 1);
      expect(reread).toBeGreaterThan(1);
      expectEachOnce(
        f,
        [...burst, late].map((o) => `NEW_SALE:${o.orderId}`),
      );
      expect(await idlePolls(f, 1)).toEqual([1]);
    },
  );

  it('catches up a 3,000-event backlog at a few calls per thousand events, checkpointing as it goes', async () => {
    const f = await pollFixture();
    const backlog = seedOrders(f, 3_000, 0, 60 * MINUTE);
    f.clock.advance(61 * MINUTE);
    const result = await f.poll();
    expect(result.status).toBe('done');
    expect(result.windows).toBeGreaterThan(1);
    expect(result.calls / 3_000).toBeLessThan(0.02);
    expectEachOnce(
      f,
      backlog.map((o) => `NEW_SALE:${o.orderId}`),
    );
  });

  it('transactions under day-scan: each decline and refund (VOID included) once', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'ignored' };
    f.konnektive.transactions.push(
      ...Array.from({ length: 500 }, (_, i) =>
        transaction({ dateCreated: f.at(-8 * 60 * MINUTE + i * 1_000) }),
      ),
    );
    const events = [
      transaction({ responseType: 'HARD_DECLINE', dateCreated: f.at(20_000) }),
      transaction({ txnType: 'REFUND', dateCreated: f.at(40_000) }),
      transaction({ txnType: 'VOID', dateCreated: f.at(50_000) }),
    ];
    f.konnektive.transactions.push(...events);
    for (let i = 0; i < 3; i++) {
      f.clock.advance(MINUTE);
      await f.poll('transactions');
    }
    expectEachOnce(f, [
      `DECLINE:${events[0]?.transactionId}`,
      `REFUND:${events[1]?.transactionId}`,
      `REFUND:${events[2]?.transactionId}`,
    ]);
  });
});

describe('pollStream: bounded work, slow pages and the lease', () => {
  it('stops at the page budget, checkpoints where the walk stopped, and the next poll resumes it', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'ignored' };
    const contract = findings({
      timeFilters: { variant: 'ignored', evidence: 'probe' },
      sorting: { variant: 'ignored', evidence: 'probe' },
    });
    await f.connections.setContract('c1', contract, T0);
    const sales = seedOrders(f, 2_000, -10 * 60 * MINUTE, 50_000);
    f.clock.advance(MINUTE);
    const small = { ...SETTINGS, maxPagesPerPoll: 4 };
    const first = await f.poll('orders', 300_000, small);
    expect(first.status).toBe('partial');
    expect(first.calls).toBe(4);
    expect((await f.cursors.get('c1', 'orders'))?.progress?.scan).toMatchObject({ page: 5, order: 'listed' });
    expect((await f.cursors.get('c1', 'orders'))?.hwm).toBe(T0.toISOString());
    const second = await f.poll('orders', 300_000, small);
    expect(second.status).toBe('partial');
    const third = await f.poll('orders', 300_000, small);
    expect(third.status).toBe('done');
    expect((await f.cursors.get('c1', 'orders'))?.progress?.scan).toBeUndefined();
    // Only the sales after the stream started are events.
    const after = sales.filter((s) => s.dateCreated >= f.at(0)).map((s) => `NEW_SALE:${s.orderId}`);
    expect(after.length).toBeGreaterThan(0);
    expectEachOnce(f, after);
  });

  it('a page slower than the time left fails the poll with the checkpoint intact; a walk that had read pages keeps them', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'ignored' };
    await f.connections.setContract(
      'c1',
      findings({
        timeFilters: { variant: 'ignored', evidence: 'probe' },
        sorting: { variant: 'ignored', evidence: 'probe' },
      }),
      T0,
    );
    seedOrders(f, 1_000, -10 * 60 * MINUTE, 40_000);
    f.clock.advance(MINUTE);
    // From the third page on, a page takes longer than the invocation has left.
    let pages = 0;
    f.konnektive.beforePage = async () => {
      pages += 1;
      if (pages >= 3) await new Promise((r) => setTimeout(r, 2_000));
    };
    const tight = { ...SETTINGS, checkpointMarginMs: 299_700 };
    await expect(f.poll('orders', 300_000, tight)).rejects.toBeInstanceOf(UpstreamUnavailableError);
    const cursor = await f.cursors.get('c1', 'orders');
    expect(cursor?.hwm).toBe(T0.toISOString());
    expect(cursor?.progress?.scan).toMatchObject({ page: 3 });
    expect(cursor?.leaseOwner).toBeUndefined();
    f.konnektive.beforePage = undefined;
    expect((await f.poll()).status).toBe('done');
    expect(f.konnektive.calls.filter((c) => c.page === 1).length).toBe(1);
  });

  it('renews the lease while a slow page is read, and stops when the lease was lost meanwhile', async () => {
    const f = await pollFixture();
    f.konnektive.orders.push(order({ dateCreated: f.at(10_000) }));
    f.clock.advance(MINUTE);
    let renewals = 0;
    const renew = f.cursors.renewLease.bind(f.cursors);
    f.cursors.renewLease = async (args) => {
      renewals += 1;
      return renew(args);
    };
    const slow = { ...SETTINGS, heartbeatMs: 40 };
    f.konnektive.beforePage = () => new Promise((r) => setTimeout(r, 300));
    expect((await f.poll('orders', 300_000, slow)).status).toBe('done');
    expect(renewals).toBeGreaterThanOrEqual(3);
    // Another poller takes the stream over while the page is read: the heartbeat fails, nothing is checkpointed.
    f.konnektive.orders.push(order({ dateCreated: f.at(70_000) }));
    f.clock.advance(MINUTE);
    f.konnektive.beforePage = async () => {
      const cursor = f.cursors.items.get('c1/orders');
      if (cursor) cursor.leaseOwner = 'someone-else';
      await new Promise((r) => setTimeout(r, 300));
    };
    const hwmBefore = (await f.cursors.get('c1', 'orders'))?.hwm;
    await expect(f.poll('orders', 300_000, slow)).rejects.toBeInstanceOf(CursorConflictError);
    expect((await f.cursors.get('c1', 'orders'))?.hwm).toBe(hwmBefore);
  });
});
