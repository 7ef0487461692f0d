import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCursorStore } from '../../../functions/adapters/dynamodb/cursor-store.js';
import type { Cursor, Stream } from '../../../functions/core/model.js';
import { CursorConflictError } from '../../../functions/core/ports.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbCursorStore;

beforeAll(async () => {
  tables = await createTestTables('cursors');
  store = new DynamoDbCursorStore(tables.doc, tables.names.cursors);
});
afterAll(() => tables.dispose());

const T0 = new Date('2025-03-01T10:00:00.000Z');
const LEASE_MS = 60_000;
const INITIAL_HWM = '2025-02-28T10:00:00.000Z';

const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

const acquire = (connectionId: string, owner: string, now = T0, stream: Stream = 'orders') =>
  store.acquireLease({ connectionId, stream, owner, now, leaseMs: LEASE_MS, initialHwm: INITIAL_HWM });

const checkpoint = (
  connectionId: string,
  owner: string,
  expectedVersion: number,
  hwm: string,
  now = at(1_000),
) =>
  store.checkpoint({
    connectionId,
    stream: 'orders',
    owner,
    expectedVersion,
    hwm,
    now,
    leaseExpiresAt: now.getTime() + LEASE_MS,
  });

/** A cursor held by `owner` at version 0. */
const held = async (owner = 'poller-a'): Promise<{ connectionId: string; cursor: Cursor }> => {
  const connectionId = id('conn');
  const cursor = await acquire(connectionId, owner);
  if (!cursor) throw new Error('test setup: lease not acquired');
  return { connectionId, cursor };
};

describe('DynamoDbCursorStore.acquireLease', () => {
  it('creates the cursor at the initial hwm, version 0, leased to the caller', async () => {
    const connectionId = id('conn');
    const expected: Cursor = {
      connectionId,
      stream: 'orders',
      hwm: INITIAL_HWM,
      version: 0,
      leaseOwner: 'poller-a',
      leaseExpiresAt: T0.getTime() + LEASE_MS,
    };
    expect(await acquire(connectionId, 'poller-a')).toEqual(expected);
    expect(await store.get(connectionId, 'orders')).toEqual(expected);
    expect(await store.get(connectionId, 'transactions')).toBeUndefined();
  });

  it('lets exactly one of two racing owners win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const connectionId = id('conn');
      const [a, b] = await Promise.all([
        acquire(connectionId, 'poller-a'),
        acquire(connectionId, 'poller-b'),
      ]);
      const winners = [a, b].filter((cursor) => cursor !== undefined);
      expect(winners).toHaveLength(1);
      const stored = await store.get(connectionId, 'orders');
      expect(stored?.leaseOwner).toBe(winners[0]?.leaseOwner);
    }
  });

  it('refuses a live lease held by another owner and leaves the cursor unchanged', async () => {
    const { connectionId, cursor } = await held('poller-a');
    expect(await acquire(connectionId, 'poller-b', at(LEASE_MS - 1))).toBeUndefined();
    // Exactly at expiry the lease is still live (expiry is strict).
    expect(await acquire(connectionId, 'poller-b', at(LEASE_MS))).toBeUndefined();
    expect(await store.get(connectionId, 'orders')).toEqual(cursor);
  });

  it('lets the holder re-acquire, extending the lease and keeping hwm and version', async () => {
    const { connectionId } = await held('poller-a');
    await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:00:00.000Z');
    const again = await acquire(connectionId, 'poller-a', at(30_000));
    expect(again).toMatchObject({
      hwm: '2025-03-01T09:00:00.000Z',
      version: 1,
      leaseOwner: 'poller-a',
      leaseExpiresAt: at(30_000).getTime() + LEASE_MS,
    });
  });

  it('lets another owner take over an expired lease without resetting hwm or version', async () => {
    const { connectionId } = await held('poller-a');
    await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:00:00.000Z');
    const later = at(1_000 + LEASE_MS + 1);
    const takeover = await acquire(connectionId, 'poller-b', later);
    expect(takeover).toEqual({
      connectionId,
      stream: 'orders',
      hwm: '2025-03-01T09:00:00.000Z',
      version: 1,
      leaseOwner: 'poller-b',
      leaseExpiresAt: later.getTime() + LEASE_MS,
      updatedAt: at(1_000).toISOString(),
    });
  });

  it('keeps streams of one connection independent', async () => {
    const { connectionId } = await held('poller-a');
    const transactions = await acquire(connectionId, 'poller-b', T0, 'transactions');
    expect(transactions).toMatchObject({ stream: 'transactions', leaseOwner: 'poller-b', version: 0 });
    expect(await store.get(connectionId, 'orders')).toMatchObject({ leaseOwner: 'poller-a' });
  });
});

describe('DynamoDbCursorStore.checkpoint', () => {
  it('moves the hwm, bumps the version, stamps updatedAt and extends the lease', async () => {
    const { connectionId } = await held('poller-a');
    const now = at(5_000);
    const result = await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:55:00.000Z', now);
    const expected: Cursor = {
      connectionId,
      stream: 'orders',
      hwm: '2025-03-01T09:55:00.000Z',
      version: 1,
      leaseOwner: 'poller-a',
      leaseExpiresAt: now.getTime() + LEASE_MS,
      updatedAt: now.toISOString(),
    };
    expect(result).toEqual(expected);
    expect(await store.get(connectionId, 'orders')).toEqual(expected);
    expect(await checkpoint(connectionId, 'poller-a', 1, '2025-03-01T09:56:00.000Z')).toMatchObject({
      version: 2,
    });
  });

  it('throws CursorConflictError on a stale version and leaves the item unchanged', async () => {
    const { connectionId } = await held('poller-a');
    await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:00:00.000Z');
    const before = await store.get(connectionId, 'orders');
    const error = await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:30:00.000Z').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CursorConflictError);
    expect(error).toMatchObject({
      name: 'CursorConflictError',
      message: expect.stringContaining('version is 1'),
    });
    expect(await store.get(connectionId, 'orders')).toEqual(before);
  });

  it('throws CursorConflictError for a non-owner and leaves the item unchanged', async () => {
    const { connectionId, cursor } = await held('poller-a');
    const error = await checkpoint(connectionId, 'poller-b', 0, '2025-03-01T09:30:00.000Z').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CursorConflictError);
    expect(error).toMatchObject({ message: expect.stringContaining('held by poller-a') });
    expect(await store.get(connectionId, 'orders')).toEqual(cursor);
  });

  it('rejects the former owner after an expired lease was taken over', async () => {
    const { connectionId } = await held('poller-a');
    expect(await acquire(connectionId, 'poller-b', at(LEASE_MS + 1))).toBeDefined();
    const before = await store.get(connectionId, 'orders');
    await expect(checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:30:00.000Z')).rejects.toBeInstanceOf(
      CursorConflictError,
    );
    expect(await store.get(connectionId, 'orders')).toEqual(before);
  });

  it('throws CursorConflictError for a cursor that does not exist, without creating it', async () => {
    const connectionId = id('conn');
    await expect(checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:30:00.000Z')).rejects.toBeInstanceOf(
      CursorConflictError,
    );
    expect(await store.get(connectionId, 'orders')).toBeUndefined();
  });

  it('lets exactly one of two concurrent checkpoints with the same expected version win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { connectionId } = await held('poller-a');
      const results = await Promise.allSettled([
        checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:10:00.000Z'),
        checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:20:00.000Z'),
      ]);
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(CursorConflictError);
      const stored = await store.get(connectionId, 'orders');
      expect(stored).toMatchObject({ version: 1, hwm: won[0]?.hwm });
    }
  });
});

describe('DynamoDbCursorStore.reset', () => {
  it('creates a missing cursor at the given hwm, version 0, without a lease', async () => {
    const connectionId = id('conn');
    await store.reset({ connectionId, stream: 'transactions', hwm: '2025-03-01T10:00:00.000Z', now: T0 });
    expect(await store.get(connectionId, 'transactions')).toEqual({
      connectionId,
      stream: 'transactions',
      hwm: '2025-03-01T10:00:00.000Z',
      version: 0,
      updatedAt: T0.toISOString(),
    });
    // A first poll then starts from there, not from its own initial hwm.
    expect(await acquire(connectionId, 'poller-a', at(1_000), 'transactions')).toMatchObject({
      hwm: '2025-03-01T10:00:00.000Z',
      version: 0,
    });
  });

  it('moves an existing cursor and bumps its version, so an in-flight checkpoint loses', async () => {
    const { connectionId } = await held('poller-a');
    await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T08:00:00.000Z');
    await store.reset({ connectionId, stream: 'orders', hwm: '2025-03-01T10:00:00.000Z', now: at(2_000) });
    expect(await store.get(connectionId, 'orders')).toEqual({
      connectionId,
      stream: 'orders',
      hwm: '2025-03-01T10:00:00.000Z',
      version: 2,
      leaseOwner: 'poller-a',
      leaseExpiresAt: at(1_000).getTime() + LEASE_MS,
      updatedAt: at(2_000).toISOString(),
    });
    await expect(checkpoint(connectionId, 'poller-a', 1, '2025-03-01T08:30:00.000Z')).rejects.toBeInstanceOf(
      CursorConflictError,
    );
    expect(await store.get(connectionId, 'orders')).toMatchObject({
      hwm: '2025-03-01T10:00:00.000Z',
      version: 2,
    });
  });
});

describe('DynamoDbCursorStore.releaseLease', () => {
  it('removes the lease for its owner, keeping hwm and version, so another owner can take it at once', async () => {
    const { connectionId } = await held('poller-a');
    await checkpoint(connectionId, 'poller-a', 0, '2025-03-01T09:00:00.000Z');
    await store.releaseLease(connectionId, 'orders', 'poller-a');
    const released = await store.get(connectionId, 'orders');
    expect(released).toEqual({
      connectionId,
      stream: 'orders',
      hwm: '2025-03-01T09:00:00.000Z',
      version: 1,
      updatedAt: at(1_000).toISOString(),
    });
    expect(await acquire(connectionId, 'poller-b', at(2_000))).toMatchObject({
      leaseOwner: 'poller-b',
      version: 1,
    });
  });

  it('is a no-op for a non-owner and for a missing cursor', async () => {
    const { connectionId, cursor } = await held('poller-a');
    await expect(store.releaseLease(connectionId, 'orders', 'poller-b')).resolves.toBeUndefined();
    expect(await store.get(connectionId, 'orders')).toEqual(cursor);

    const missing = id('conn');
    await expect(store.releaseLease(missing, 'orders', 'poller-a')).resolves.toBeUndefined();
    expect(await store.get(missing, 'orders')).toBeUndefined();
  });
});

describe('DynamoDbCursorStore.list', () => {
  it('lists every cursor across pages', async () => {
    const paged = new DynamoDbCursorStore(tables.doc, tables.names.cursors, { pageSize: 1 });
    const created = await Promise.all([held('poller-a'), held('poller-b'), held('poller-c')]);
    const listed = await paged.list();
    for (const { cursor } of created) expect(listed).toContainEqual(cursor);
    const keys = listed.map((c) => `${c.connectionId}|${c.stream}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
