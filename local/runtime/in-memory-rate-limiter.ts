/**
 * The hook rate limiter of a single process: the same window arithmetic (`bookWindows`) as the DynamoDB adapter, the
 * state in a map instead of a table. The local runtime is one process, so this is exact there and saves a DynamoDB
 * write per booking (docs/delivery.md, "Local runtime"); AWS, with many containers, uses the DynamoDB adapter.
 */
import type { HookRateLimiter, RateBooking } from '../../functions/core/ports.js';
import {
  bookWindows,
  type HookRatePolicy,
  type HookRateState,
  restrictWindows,
} from '../../functions/core/triggers/hook-rate.js';

export class InMemoryHookRateLimiter implements HookRateLimiter {
  readonly states = new Map<string, HookRateState>();

  constructor(readonly policy: HookRatePolicy) {}

  async reserve(url: string, count: number, now: Date): Promise<RateBooking[]> {
    const { state, bookings } = bookWindows(this.states.get(url), count, now.getTime(), this.policy);
    this.states.set(url, state);
    return bookings;
  }

  async restrict(url: string, until: Date, perWindow: number, now: Date): Promise<void> {
    this.states.set(
      url,
      restrictWindows(this.states.get(url), until.getTime(), perWindow, now.getTime(), this.policy),
    );
  }
}
