/** The CursorStore contract: leases (single flight) and optimistic versions. */
import { describe, expect, it } from 'vitest';
import { CursorConflictError } from '../../functions/core/ports.js';
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
  });
