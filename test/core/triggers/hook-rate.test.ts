import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HookRateLimiter, RateBooking } from '../../../functions/core/ports.js';
import {
  bookWindows,
  CoalescingHookRateLimiter,
  type HookRateState,
  hookRatePolicy,
  restrictWindows,
} from '../../../functions/core/triggers/hook-rate.js';
import { FakeHookRateLimiter } from '../../support/fakes.js';

const policy = hookRatePolicy(25);
const T = 1_780_000_000_000; // a whole second

describe('bookWindows', () => {
  it('never books more than the rate into one window, never before the current one, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 60 })), {
          minLength: 1,
          maxLength: 60,
        }),
        (steps) => {
          let state: HookRateState | undefined;
          let now = T;
          const perWindow = new Map<number, number>();
          for (const [advance, count] of steps) {
            now += advance;
            const result = bookWindows(state, count, now, policy);
            state = result.state;
            expect(result.bookings).toHaveLength(count);
            let previous = -Infinity;
            for (const booking of result.bookings) {
              expect(booking.from).toBeGreaterThanOrEqual(Math.floor(now / 1000) * 1000);
              expect(booking.to - booking.from).toBe(1000);
              expect(booking.from % 1000).toBe(0);
              expect(booking.from).toBeGreaterThanOrEqual(previous);
              previous = booking.from;
              perWindow.set(booking.from, (perWindow.get(booking.from) ?? 0) + 1);
            }
          }
          expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(25);
        },
      ),
    );
  });

  it('sends an idle URL’s requests at once and spills a burst into the following windows', () => {
    const { bookings, state } = bookWindows(undefined, 60, T + 300, policy);
    const count = (from: number) => bookings.filter((b) => b.from === from).length;
    expect([count(T), count(T + 1000), count(T + 2000)]).toEqual([25, 25, 10]);
    expect(state).toMatchObject({ window: T + 2000, count: 10 });
    // A later request joins the end of the line, not the current window.
    expect(bookWindows(state, 1, T + 500, policy).bookings).toEqual([{ from: T + 2000, to: T + 3000 }]);
    // Once the line is served, the current window is free again.
    expect(bookWindows(state, 1, T + 5_100, policy).bookings).toEqual([{ from: T + 5000, to: T + 6000 }]);
  });

  it('books nothing inside a pause (a 429) and at most one per window while a URL is slowed', () => {
    const paused = restrictWindows(undefined, T + 30_500, 0, T + 100, policy);
    expect(bookWindows(paused, 1, T + 200, policy).bookings).toEqual([{ from: T + 31_000, to: T + 32_000 }]);
    const slowed = restrictWindows(undefined, T + 5_000, 1, T + 100, policy);
    const { bookings } = bookWindows(slowed, 7, T + 200, policy);
    expect(bookings.map((b) => b.from - T)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 5000]);
  });

  it('keeps the stricter of two overlapping restrictions, and forgets one that has ended', () => {
    const paused = restrictWindows(undefined, T + 10_000, 0, T, policy);
    expect(restrictWindows(paused, T + 60_000, 1, T + 1, policy)).toEqual(paused);
    const slowed = restrictWindows(undefined, T + 60_000, 1, T, policy);
    expect(restrictWindows(slowed, T + 10_000, 0, T + 1, policy)).toMatchObject({
      restrictedUntil: T + 10_000,
      restrictedPerWindow: 0,
    });
    expect(bookWindows(slowed, 30, T + 61_000, policy).bookings.every((b) => b.from === T + 61_000)).toBe(
      false,
    );
    expect(bookWindows(slowed, 25, T + 61_000, policy).bookings.every((b) => b.from === T + 61_000)).toBe(
      true,
    );
  });
});

describe('CoalescingHookRateLimiter', () => {
  /** A limiter whose calls stay open until released, to see what the decorator sends while one is in flight. */
  class GatedLimiter implements HookRateLimiter {
    readonly inner = new FakeHookRateLimiter();
    readonly calls: number[] = [];
    private gates: Array<() => void> = [];
    fail = false;
    async reserve(url: string, count: number, now: Date): Promise<RateBooking[]> {
      this.calls.push(count);
      await new Promise<void>((open) => this.gates.push(open));
      if (this.fail) throw new Error('store throttled');
      return this.inner.reserve(url, count, now);
    }
    restrict = this.inner.restrict.bind(this.inner);
    release() {
      for (const open of this.gates.splice(0)) open();
    }
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('books concurrent requests for one URL in one call once the call in flight returns', async () => {
    const gated = new GatedLimiter();
    const limiter = new CoalescingHookRateLimiter(gated);
    const now = new Date(T + 100);
    const first = limiter.reserve('u', 1, now);
    const rest = Array.from({ length: 9 }, () => limiter.reserve('u', 1, now));
    const other = limiter.reserve('v', 2, now);
    await settle();
    expect(gated.calls).toEqual([1, 2]); // u's first request and v go at once
    gated.release();
    await first;
    await settle();
    expect(gated.calls).toEqual([1, 2, 9]); // the nine that waited, together
    gated.release();
    const bookings = await Promise.all(rest);
    expect(bookings.every((b) => b.length === 1)).toBe(true);
    expect((await other).length).toBe(2);
  });

  it('hands each request its own bookings in arrival order', async () => {
    const limiter = new CoalescingHookRateLimiter(new FakeHookRateLimiter());
    const now = new Date(T + 100);
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.reserve('u', 1, now)));
    const froms = results.map((b) => b[0]?.from);
    expect(froms.filter((from) => from === T)).toHaveLength(25);
    expect(froms.slice(25).every((from) => from === T + 1000)).toBe(true);
  });

  it('rejects every request of a failed call, and books the next ones afresh', async () => {
    const gated = new GatedLimiter();
    const limiter = new CoalescingHookRateLimiter(gated);
    const now = new Date(T);
    gated.fail = true;
    const first = limiter.reserve('u', 1, now);
    const second = limiter.reserve('u', 1, now);
    await settle();
    gated.release();
    await expect(first).rejects.toThrow('store throttled');
    await settle();
    gated.release();
    await expect(second).rejects.toThrow('store throttled');
    gated.fail = false;
    const third = limiter.reserve('u', 1, now);
    await settle();
    gated.release();
    expect(await third).toEqual([{ from: T, to: T + 1000 }]);
  });
});
