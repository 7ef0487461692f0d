/**
 * Reconciliation of the orders stream by `dateCreated`: conversions and cancellations that do not move
 * `dateUpdated` are still reported, once; orders from before the stream started are never replayed.
 */
import { describe, expect, it } from 'vitest';
import type { PollSettings } from '../../../functions/core/triggers/poll-stream.js';
import {
  DEFAULT_RECONCILE_SETTINGS,
  reconcileCadenceMs,
} from '../../../functions/core/triggers/reconcile.js';
import { findings } from '../../support/contract-findings.js';
import { order } from '../../support/contract-konnektive.js';
import { type PollFixture, pollFixture, SETTINGS, T0 } from './poll-fixture.js';

const MINUTE = 60_000;
const RECONCILING: PollSettings = { ...SETTINGS, reconcile: DEFAULT_RECONCILE_SETTINGS };

const pollFor = async (f: PollFixture, minutes: number, settings = RECONCILING) => {
  const results = [];
  for (let i = 0; i < minutes; i++) {
    f.clock.advance(MINUTE);
    results.push(await f.poll('orders', 300_000, settings));
  }
  return results;
};

describe('orders reconciliation', () => {
  it('reports a conversion and a cancellation that did not move dateUpdated, once, within its cadence', async () => {
    const f = await pollFixture();
    await pollFor(f, 1); // the first run records the counts
    const lead = order({ orderStatus: 'PARTIAL', dateCreated: f.at(90_000) });
    const sale = order({ dateCreated: f.at(100_000) });
    f.konnektive.orders.push(lead, sale);
    await pollFor(f, 1);
    expect(f.published().sort()).toEqual([`NEW_LEAD:${lead.orderId}`, `NEW_SALE:${sale.orderId}`].sort());
    // Once both have left the 5-minute overlap, Konnektive changes them without touching dateUpdated.
    await pollFor(f, 6);
    lead.orderStatus = 'COMPLETE';
    sale.orderStatus = 'CANCELLED';
    const results = await pollFor(f, 16);
    const runs = results.filter((r) => r.reconciled !== undefined);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(f.published().sort()).toEqual(
      [
        `NEW_LEAD:${lead.orderId}`,
        `NEW_SALE:${sale.orderId}`,
        `NEW_SALE:${lead.orderId}`,
        `CANCELLED:${sale.orderId}`,
      ].sort(),
    );
    expect(runs.reduce((n, r) => n + (r.reconciled?.missed ?? 0), 0)).toBe(2);
    // Having missed something, it now runs every 5 minutes; nothing is published again.
    const later = await pollFor(f, 11);
    expect(later.filter((r) => r.reconciled !== undefined).length).toBeGreaterThanOrEqual(2);
    expect(f.published()).toHaveLength(4);
  });

  it('without it the same changes are never reported (what the reconciliation is for)', async () => {
    const f = await pollFixture();
    await pollFor(f, 1, SETTINGS);
    const lead = order({ orderStatus: 'PARTIAL', dateCreated: f.at(90_000) });
    f.konnektive.orders.push(lead);
    await pollFor(f, 7, SETTINGS);
    lead.orderStatus = 'COMPLETE';
    await pollFor(f, 20, SETTINGS);
    expect(f.published()).toEqual([`NEW_LEAD:${lead.orderId}`]);
  });

  it('never replays orders from before the stream started, but reports what happens to them afterwards', async () => {
    const f = await pollFixture();
    // Before the stream started: a sale, and a lead.
    const old = order({ dateCreated: f.at(-60 * MINUTE) });
    const oldLead = order({ orderStatus: 'PARTIAL', dateCreated: f.at(-50 * MINUTE) });
    f.konnektive.orders.push(old, oldLead);
    await pollFor(f, 1);
    // A new sale changes today's counts, so the day is re-read: the old orders become a silent baseline.
    f.konnektive.orders.push(order({ dateCreated: f.at(90_000) }));
    await pollFor(f, 20);
    expect(f.published()).toHaveLength(1);
    // The old sale is now cancelled without dateUpdated moving: that is news, and reported.
    old.orderStatus = 'CANCELLED';
    await pollFor(f, 16);
    expect(f.published().filter((id) => id.includes(old.orderId))).toEqual([`CANCELLED:${old.orderId}`]);
    // A lead the stream never saw (older than the stream) converting is the residual risk: not reported.
    expect(f.published().filter((id) => id.includes(oldLead.orderId))).toEqual([]);
  });

  it('adds nothing when dateUpdated does move: the ledger has every event already', async () => {
    const f = await pollFixture();
    await pollFor(f, 1);
    const lead = order({ orderStatus: 'PARTIAL', dateCreated: f.at(90_000) });
    f.konnektive.orders.push(lead);
    await pollFor(f, 1);
    lead.orderStatus = 'COMPLETE';
    lead.dateUpdated = f.at(2 * MINUTE + 30_000);
    const results = await pollFor(f, 20);
    expect(f.published().sort()).toEqual([`NEW_LEAD:${lead.orderId}`, `NEW_SALE:${lead.orderId}`].sort());
    expect(results.reduce((n, r) => n + (r.reconciled?.published ?? 0), 0)).toBe(0);
  });

  it('costs two calls per day of the horizon when nothing changed', async () => {
    const f = await pollFixture();
    f.konnektive.orders.push(
      ...Array.from({ length: 30 }, (_, i) => order({ dateCreated: f.at(-i * 3 * 60 * MINUTE) })),
    );
    await pollFor(f, 1);
    f.clock.advance(DEFAULT_RECONCILE_SETTINGS.everyMs);
    const before = f.konnektive.calls.length;
    const result = await f.poll('orders', 300_000, RECONCILING);
    expect(result.reconciled).toEqual({ published: 0, missed: 0, complete: true });
    const reconcileCalls = f.konnektive.calls
      .slice(before)
      .filter((c) => c.query.dateRangeType === 'dateCreated');
    expect(reconcileCalls).toHaveLength(2 * DEFAULT_RECONCILE_SETTINGS.horizonDays);
  });

  it('is off with a horizon of 0 days: no call, no state', async () => {
    const f = await pollFixture();
    const result = (await pollFor(f, 1, SETTINGS))[0];
    expect(result?.reconciled).toBeUndefined();
    expect(f.konnektive.calls.filter((c) => c.query.dateRangeType === 'dateCreated')).toEqual([]);
    expect((await f.cursors.get('c1', 'orders'))?.progress?.reconcile).toBeUndefined();
  });

  it('runs on a cadence set by what is known about dateUpdated', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const s = DEFAULT_RECONCILE_SETTINGS;
    const state = { at: now.toISOString(), days: {} };
    expect(reconcileCadenceMs(undefined, state, now, s)).toBe(s.everyMs);
    expect(reconcileCadenceMs(findings(), state, now, s)).toBe(s.slowEveryMs);
    const stale = findings({
      dateUpdated: { variant: 'neither', evidence: 'cancelled orders keep dateUpdated' },
    });
    expect(reconcileCadenceMs(stale, state, now, s)).toBe(s.fastEveryMs);
    const missed = { ...state, missedAt: new Date(now.getTime() - 86_400_000).toISOString() };
    expect(reconcileCadenceMs(findings(), missed, now, s)).toBe(s.fastEveryMs);
    expect(T0.getTime()).toBeGreaterThan(0);
  });
});
