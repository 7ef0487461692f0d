import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../functions/adapters/dynamodb/errors.js';
import { DynamoDbHookRateLimiter } from '../../../functions/adapters/dynamodb/hook-rate-limiter.js';
import type { RateBooking } from '../../../functions/core/ports.js';
import { hookRatePolicy } from '../../../functions/core/triggers/hook-rate.js';
import { createTestTables, id, scanRaw, type TestTables } from './support.js';

let tables: TestTables;
const policy = hookRatePolicy(25);
const limiter = () => new DynamoDbHookRateLimiter(tables.doc, tables.names.hookRates, policy);

beforeAll(async () => {
  tables = await createTestTables('rates');
});
afterAll(() => tables.dispose());

/** A whole second ahead of the wall clock: DynamoDB Local sweeps items whose TTL has passed. */
const T = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
const url = () => `https://hooks.zapier.com/hooks/standard/1/${id('hook')}/`;
const perWindow = (bookings: RateBooking[]) => {
  const counts = new Map<number, number>();
  for (const booking of bookings) counts.set(booking.from, (counts.get(booking.from) ?? 0) + 1);
  return counts;
};

describe('DynamoDbHookRateLimiter', () => {
  it('books up to the rate in the current window and the rest in the next ones', async () => {
    const hook = url();
    const bookings = await limiter().reserve(hook, 30, new Date(T + 400));
    expect([...perWindow(bookings)]).toEqual([
      [T, 25],
      [T + 1000, 5],
    ]);
    // A second request (another process, no cached state) continues where the first stopped.
    expect(await limiter().reserve(hook, 1, new Date(T + 500))).toEqual([{ from: T + 1000, to: T + 2000 }]);
  });

  it('stores a hash of the URL, never the URL (whoever has a hook URL can trigger the Zap)', async () => {
    const hook = url();
    await limiter().reserve(hook, 1, new Date(T));
    const items = await scanRaw(tables.raw, tables.names.hookRates);
    expect(JSON.stringify(items)).not.toContain(hook);
    expect(JSON.stringify(items)).not.toContain('hooks.zapier.com');
    const mine = items.filter((item) => Number(item.window?.N) === T && item.count?.N === '1');
    expect(mine.some((item) => /^[0-9a-f]{64}$/.test(item.urlHash?.S ?? ''))).toBe(true);
    expect(mine.every((item) => Number(item.expiresAt?.N) > T / 1000)).toBe(true);
  });

  it('holds the rate across processes booking the same URL at the same time', async () => {
    const hook = url();
    const processes = [limiter(), limiter(), limiter()];
    const now = new Date(T + 10_000);
    // Warm each process's cache with a stale view, then let them race.
    await Promise.all(processes.map((p) => p.reserve(hook, 1, now)));
    const bookings = (
      await Promise.all(processes.flatMap((p) => Array.from({ length: 10 }, () => p.reserve(hook, 3, now))))
    ).flat();
    const all = [...bookings, ...((await processes[0]?.reserve(hook, 1, now)) ?? [])];
    expect(all).toHaveLength(91);
    expect(Math.max(...perWindow(all).values())).toBeLessThanOrEqual(25);
  });

  it('shares a pause (429) with every process', async () => {
    const hook = url();
    await limiter().restrict(hook, new Date(T + 30_500), 0, new Date(T + 100));
    expect(await limiter().reserve(hook, 1, new Date(T + 200))).toEqual([
      { from: T + 31_000, to: T + 32_000 },
    ]);
  });

  it('recovers when the item it remembers has expired and gone', async () => {
    const hook = url();
    const process = limiter();
    await process.reserve(hook, 25, new Date(T));
    for (const item of await scanRaw(tables.raw, tables.names.hookRates)) {
      if (item.window?.N === String(T) && item.count?.N === '25' && item.urlHash) {
        await tables.raw.send(
          new DeleteItemCommand({ TableName: tables.names.hookRates, Key: { urlHash: item.urlHash } }),
        );
      }
    }
    expect(await process.reserve(hook, 1, new Date(T + 5_000))).toEqual([{ from: T + 5_000, to: T + 6_000 }]);
  });

  it('fails as a StoreError a caller can retry (e.g. the table is unavailable)', async () => {
    const broken = new DynamoDbHookRateLimiter(tables.doc, 'no-such-table', policy);
    const error = await broken.reserve(url(), 1, new Date(T)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).operation).toBe('HookRateLimiter.reserve');
  });
});
