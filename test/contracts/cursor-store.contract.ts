/** The CursorStore contract: leases (single flight) and optimistic versions. */
import { describe, expect, it } from 'vitest';
import { CursorConflictError, type CursorStore } from '../../functions/core/ports.js';
import type { StreamProgress, StreamStrategy } from '../../functions/core/triggers/cursor-state.js';
import { at, freshId, type StoresUnderTest, T0 } from './support.js';

const LEASE_MS = 60_000;
const HWM = '2026-03-01T09:00:00.000Z';

export const cursorStoreContract = (stores: StoresUnderTest) =>
  describe('CursorStore contract', () => {
    const lease = (connectionId: string, owner: string, now = T0) =>
      stores().cursors.acquireLease({
        connectionId,
        stream: 'orders',
        owner,
        now,
        leaseMs: LEASE_MS,
        initialHwm: HWM,
      });

    it('creates the cursor on the first lease: initial hwm, version 0, lease held', async () => {
      const id = freshId('conn');
      const cursor = await lease(id, 'a');
      expect(cursor).toEqual({
        connectionId: id,
        stream: 'orders',
        hwm: HWM,
        version: 0,
        leaseOwner: 'a',
        leaseExpiresAt: T0.getTime() + LEASE_MS,
      });
      expect(await stores().cursors.get(id, 'orders')).toEqual(cursor);
      expect(await stores().cursors.get(id, 'transactions')).toBeUndefined();
    });

    it('refuses another owner while the lease lives (also at its last millisecond), re-enters for the holder', async () => {
      const id = freshId('conn');
      await lease(id, 'a');
      expect(await lease(id, 'b', at(1_000))).toBeUndefined();
      expect(await lease(id, 'b', at(LEASE_MS))).toBeUndefined();
      expect(await lease(id, 'a', at(1_000))).toMatchObject({
        leaseOwner: 'a',
        leaseExpiresAt: at(1_000 + LEASE_MS).getTime(),
      });
    });

    it('hands an expired lease over, keeping hwm and version', async () => {
      const id = freshId('conn');
      await lease(id, 'a');
      const taken = await lease(id, 'b', at(LEASE_MS + 2_000));
      expect(taken).toMatchObject({ leaseOwner: 'b', hwm: HWM, version: 0 });
    });

    it('checkpoints: new hwm, version + 1, updatedAt, extended lease', async () => {
      const id = freshId('conn');
      await lease(id, 'a');
      const next = await stores().cursors.checkpoint({
        connectionId: id,
        stream: 'orders',
        owner: 'a',
        expectedVersion: 0,
        hwm: '2026-03-01T09:30:00.000Z',
        now: at(5_000),
        leaseExpiresAt: at(5_000 + LEASE_MS).getTime(),
      });
      expect(next).toEqual({
        connectionId: id,
        stream: 'orders',
        hwm: '2026-03-01T09:30:00.000Z',
        version: 1,
        leaseOwner: 'a',
        leaseExpiresAt: at(5_000 + LEASE_MS).getTime(),
        updatedAt: at(5_000).toISOString(),
      });
      expect(await stores().cursors.get(id, 'orders')).toEqual(next);
    });

    it('refuses a checkpoint with a stale version, without the lease, or without a cursor; nothing changes', async () => {
      const id = freshId('conn');
      await lease(id, 'a');
      const before = await stores().cursors.get(id, 'orders');
      const checkpoint = (owner: string, expectedVersion: number, connectionId = id) =>
        stores().cursors.checkpoint({
          connectionId,
          stream: 'orders',
          owner,
          expectedVersion,
          hwm: '2026-03-01T09:30:00.000Z',
          now: at(5_000),
          leaseExpiresAt: at(5_000 + LEASE_MS).getTime(),
        });
      await expect(checkpoint('a', 7)).rejects.toBeInstanceOf(CursorConflictError);
      await expect(checkpoint('b', 0)).rejects.toBeInstanceOf(CursorConflictError);
      await expect(checkpoint('a', 0, freshId('missing'))).rejects.toBeInstanceOf(CursorConflictError);
      expect(await stores().cursors.get(id, 'orders')).toEqual(before);
    });

    it('releases a lease only for its holder', async () => {
      const id = freshId('conn');
      await lease(id, 'a');
      await stores().cursors.releaseLease(id, 'orders', 'b');
      expect(await stores().cursors.get(id, 'orders')).toMatchObject({ leaseOwner: 'a' });
      await stores().cursors.releaseLease(id, 'orders', 'a');
      const released = await stores().cursors.get(id, 'orders');
      expect(released?.leaseOwner).toBeUndefined();
      expect(released?.leaseExpiresAt).toBeUndefined();
      expect(await lease(id, 'b', at(1_000))).toMatchObject({ leaseOwner: 'b' });
      await expect(stores().cursors.releaseLease(freshId('missing'), 'orders', 'a')).resolves.toBeUndefined();
    });

    it('resets the hwm and bumps the version (so an in-flight checkpoint loses), leaving the lease', async () => {
      const id = freshId('conn');
      await stores().cursors.reset({ connectionId: id, stream: 'orders', hwm: HWM, now: T0 });
      expect(await stores().cursors.get(id, 'orders')).toEqual({
        connectionId: id,
        stream: 'orders',
        hwm: HWM,
        version: 0,
        updatedAt: T0.toISOString(),
      });
      await lease(id, 'a');
      await stores().cursors.reset({
        connectionId: id,
        stream: 'orders',
        hwm: '2026-03-01T11:00:00.000Z',
        now: at(1),
      });
      expect(await stores().cursors.get(id, 'orders')).toMatchObject({
        hwm: '2026-03-01T11:00:00.000Z',
        version: 1,
        leaseOwner: 'a',
      });
    });

    it('lists every cursor', async () => {
      const id = freshId('conn');
      await lease(id, 'a');
      const listed = (await stores().cursors.list()).filter((c) => c.connectionId === id);
      expect(listed).toHaveLength(1);
    });

    // What a poll keeps besides the hwm, and the heartbeat while a slow page is read.
    const strategy: StreamStrategy = {
      name: 'newest-first',
      sorted: true,
      since: T0.toISOString(),
      reason: 'a one-hour window returned 37 records outside it',
      recheckAt: at(6 * 3_600_000).toISOString(),
    };
    const progress: StreamProgress = {
      buckets: { from: 1740823190, counts: { '1740823200': 3, '1740823210': 1 } },
      day: { date: '2025-03-01', below: 412 },
      scan: {
        start: at(-300_000).toISOString(),
        end: T0.toISOString(),
        page: 3,
        total: 612,
        order: 'newest',
      },
      reconcile: { at: T0.toISOString(), days: { '2025-03-01': { complete: 40, cancelled: 2 } } },
    };
    const begin = async (s: CursorStore) => {
      const connectionId = freshId('conn');
      const cursor = await s.acquireLease({
        connectionId,
        stream: 'orders',
        owner: 'poller-a',
        now: T0,
        leaseMs: LEASE_MS,
        initialHwm: HWM,
      });
      if (!cursor) throw new Error('test setup: lease not acquired');
      return { connectionId, cursor };
    };
    const move = (s: CursorStore, connectionId: string, version: number, extra: object = {}) =>
      s.checkpoint({
        connectionId,
        stream: 'orders',
        owner: 'poller-a',
        expectedVersion: version,
        hwm: at(60_000).toISOString(),
        now: at(1_000),
        leaseExpiresAt: at(1_000).getTime() + LEASE_MS,
        ...extra,
      });

    it('stores strategy and progress with a checkpoint, and keeps them when a later checkpoint omits them', async () => {
      const s = stores().cursors;
      const { connectionId } = await begin(s);
      const first = await move(s, connectionId, 0, { strategy, progress });
      expect(first).toMatchObject({ version: 1, strategy, progress });
      const second = await move(s, connectionId, 1);
      expect(second).toMatchObject({ version: 2, strategy, progress });
      expect(await s.get(connectionId, 'orders')).toEqual(second);
      const third = await move(s, connectionId, 2, { progress: { buckets: { from: 1, counts: {} } } });
      expect(third.progress).toEqual({ buckets: { from: 1, counts: {} } });
      expect(third.strategy).toEqual(strategy);
    });

    it('refuses a malformed progress before writing anything', async () => {
      const s = stores().cursors;
      const { connectionId, cursor } = await begin(s);
      await expect(
        move(s, connectionId, 0, {
          progress: { buckets: { from: 1, counts: { x: -1 } } } as unknown as StreamProgress,
        }),
      ).rejects.toThrow();
      expect(await s.get(connectionId, 'orders')).toEqual(cursor);
    });

    it('reset drops the progress and keeps the strategy', async () => {
      const s = stores().cursors;
      const { connectionId } = await begin(s);
      await move(s, connectionId, 0, { strategy, progress });
      await s.reset({ connectionId, stream: 'orders', hwm: at(120_000).toISOString(), now: at(2_000) });
      const after = await s.get(connectionId, 'orders');
      expect(after).toMatchObject({ hwm: at(120_000).toISOString(), version: 2, strategy });
      expect(after?.progress).toBeUndefined();
    });

    it('renews the lease for its owner only', async () => {
      const s = stores().cursors;
      const { connectionId, cursor } = await begin(s);
      await s.renewLease({
        connectionId,
        stream: 'orders',
        owner: 'poller-a',
        now: at(30_000),
        leaseMs: LEASE_MS,
      });
      expect(await s.get(connectionId, 'orders')).toEqual({
        ...cursor,
        leaseExpiresAt: at(30_000).getTime() + LEASE_MS,
      });
      await expect(
        s.renewLease({
          connectionId,
          stream: 'orders',
          owner: 'poller-b',
          now: at(31_000),
          leaseMs: LEASE_MS,
        }),
      ).rejects.toBeInstanceOf(CursorConflictError);
      // Taken over after expiry: the former owner's heartbeat fails.
      await s.acquireLease({
        connectionId,
        stream: 'orders',
        owner: 'poller-b',
        now: at(30_000 + LEASE_MS + 1),
        leaseMs: LEASE_MS,
        initialHwm: HWM,
      });
      await expect(
        s.renewLease({
          connectionId,
          stream: 'orders',
          owner: 'poller-a',
          now: at(200_000),
          leaseMs: LEASE_MS,
        }),
      ).rejects.toBeInstanceOf(CursorConflictError);
      await expect(
        s.renewLease({
          connectionId: freshId('missing'),
          stream: 'orders',
          owner: 'poller-a',
          now: T0,
          leaseMs: 1,
        }),
      ).rejects.toBeInstanceOf(CursorConflictError);
    });
  });
