/** The EventLedger contract: one 'new' per live event id. */
import { describe, expect, it } from 'vitest';
import { at, freshId, type StoresUnderTest, T0 } from './support.js';

const DAY_MS = 86_400_000;

export const eventLedgerContract = (stores: StoresUnderTest) =>
  describe('EventLedger contract', () => {
    const record = (
      connectionId: string,
      eventId: string,
      now: Date,
      cursorVersion: number,
      ttlMs = DAY_MS,
    ) =>
      stores().ledger.record({
        connectionId,
        eventId,
        firstSeenAt: now,
        cursorVersion,
        expiresAt: new Date(now.getTime() + ttlMs),
      });

    it("is 'new' once, then 'seen' with when and under which cursor version it was first seen", async () => {
      const connectionId = freshId('conn');
      expect(await record(connectionId, 'NEW_SALE-1', T0, 3)).toEqual({ status: 'new' });
      expect(await record(connectionId, 'NEW_SALE-1', at(60_000), 4)).toEqual({
        status: 'seen',
        firstSeenAt: T0.toISOString(),
        cursorVersion: 3,
      });
    });

    it('keeps connections apart', async () => {
      expect(await record(freshId('conn'), 'NEW_SALE-1', T0, 0)).toEqual({ status: 'new' });
      expect(await record(freshId('conn'), 'NEW_SALE-1', T0, 0)).toEqual({ status: 'new' });
    });

    it('treats an entry past its expiry as absent (still there until swept), but not at its last second', async () => {
      const connectionId = freshId('conn');
      await record(connectionId, 'REFUND-9', T0, 1, 10_000);
      expect(await record(connectionId, 'REFUND-9', at(10_000), 2)).toMatchObject({ status: 'seen' });
      expect(await record(connectionId, 'REFUND-9', at(11_000), 2)).toEqual({ status: 'new' });
      expect(await record(connectionId, 'REFUND-9', at(12_000), 5)).toEqual({
        status: 'seen',
        firstSeenAt: at(11_000).toISOString(),
        cursorVersion: 2,
      });
    });

    it('tells which events have a live entry, across more than one batch, per connection', async () => {
      const l = stores().ledger;
      const connectionId = freshId('conn');
      const ids = Array.from({ length: 130 }, (_, i) => `NEW_SALE-${i}`);
      for (const eventId of ids.filter((_, i) => i % 3 === 0)) {
        await l.record({ connectionId, eventId, firstSeenAt: T0, cursorVersion: 1, expiresAt: at(DAY_MS) });
      }
      // A baseline entry (version −1) is an entry like any other.
      await l.record({
        connectionId,
        eventId: 'NEW_LEAD-x',
        firstSeenAt: T0,
        cursorVersion: -1,
        expiresAt: at(DAY_MS),
      });
      const present = await l.has({
        connectionId,
        eventIds: [...ids, 'NEW_LEAD-x', 'NEW_SALE-0'],
        now: at(1_000),
      });
      expect([...present].sort()).toEqual([...ids.filter((_, i) => i % 3 === 0), 'NEW_LEAD-x'].sort());
      expect(await l.has({ connectionId: freshId('other'), eventIds: ids, now: at(1_000) })).toEqual(
        new Set(),
      );
      // Past its expiry an entry no longer counts.
      expect((await l.has({ connectionId, eventIds: ['NEW_SALE-0'], now: at(2 * DAY_MS) })).size).toBe(0);
      expect(await l.has({ connectionId, eventIds: [], now: T0 })).toEqual(new Set());
    });
  });
