/**
 * One request rate per hook URL across every delivering process (Zapier answers 429 past about 30 requests/second
 * per hook URL). Requests book fixed one-second windows; a window holds at most `perWindow` bookings. What a URL's
 * limiter remembers is small — the last window with bookings (the frontier) and how full it is — so a store can keep
 * it in one item and update it with a compare-and-set. A booking in the current window is sent at once; a later one
 * is waited for off the worker: the message goes back to the queue until its window (docs/delivery.md).
 *
 * The same arithmetic runs in every adapter (DynamoDB, in memory), so they agree exactly.
 */
import type { HookRateLimiter, RateBooking } from '../ports.js';

export interface HookRatePolicy {
  /** Bookings per window (default 25 per one-second window: under Zapier's ~30/s with room for clock skew). */
  readonly perWindow: number;
  readonly windowMs: number;
}

export const hookRatePolicy = (perSecond: number): HookRatePolicy => ({
  perWindow: perSecond,
  windowMs: 1000,
});

/** What one URL's limiter remembers. */
export interface HookRateState {
  /** Start (epoch ms) of the latest window with bookings. */
  readonly window: number;
  /** Bookings in that window. */
  readonly count: number;
  /** Until this instant (epoch ms; 0 = none) windows take at most `restrictedPerWindow` bookings. */
  readonly restrictedUntil: number;
  readonly restrictedPerWindow: number;
}

const windowStart = (at: number, policy: HookRatePolicy) =>
  Math.floor(at / policy.windowMs) * policy.windowMs;

/**
 * Books `count` requests from `now` on: fills the frontier window (or the current one, when the frontier lies in the
 * past) up to its capacity, then the following windows. Returns the new state and one booking per request, in order.
 */
export const bookWindows = (
  state: HookRateState | undefined,
  count: number,
  now: number,
  policy: HookRatePolicy,
): { state: HookRateState; bookings: RateBooking[] } => {
  const current = windowStart(now, policy);
  let window = current;
  let used = 0;
  if (state && state.window >= current) {
    window = state.window;
    used = state.count;
  }
  const restrictedUntil = state && state.restrictedUntil > now ? state.restrictedUntil : 0;
  const restrictedPerWindow = restrictedUntil > 0 ? (state?.restrictedPerWindow ?? 0) : 0;
  const capacity = (start: number) =>
    start < restrictedUntil ? Math.min(restrictedPerWindow, policy.perWindow) : policy.perWindow;
  const bookings: RateBooking[] = [];
  while (bookings.length < count) {
    const room = capacity(window) - used;
    if (room <= 0) {
      // A paused span (capacity 0) is skipped in one step rather than window by window.
      const next = window + policy.windowMs;
      window =
        capacity(next) === 0
          ? Math.max(next, windowStart(restrictedUntil - 1, policy) + policy.windowMs)
          : next;
      used = 0;
      continue;
    }
    const take = Math.min(room, count - bookings.length);
    for (let i = 0; i < take; i++) bookings.push({ from: window, to: window + policy.windowMs });
    used += take;
  }
  return { state: { window, count: used, restrictedUntil, restrictedPerWindow }, bookings };
};

/**
 * Restricts a URL to `perWindow` bookings per window until `until`. Of two overlapping restrictions the stricter
 * stays in force (the later one on a tie); bookings already made stand.
 */
export const restrictWindows = (
  state: HookRateState | undefined,
  until: number,
  perWindow: number,
  now: number,
  policy: HookRatePolicy,
): HookRateState => {
  const base: HookRateState = state ?? {
    window: windowStart(now, policy),
    count: 0,
    restrictedUntil: 0,
    restrictedPerWindow: policy.perWindow,
  };
  const active = base.restrictedUntil > now;
  const keepOld =
    active &&
    (base.restrictedPerWindow < perWindow ||
      (base.restrictedPerWindow === perWindow && base.restrictedUntil >= until));
  if (keepOld || until <= now) return base;
  return { ...base, restrictedUntil: until, restrictedPerWindow: Math.max(0, Math.floor(perWindow)) };
};

/**
 * A process-wide decorator that turns concurrent bookings for one URL into one call of the underlying limiter: the
 * first request goes at once; requests that arrive while it is in flight are booked together right after it. Under
 * load this is what keeps the limiter's store writes well below one per delivered event.
 */
export class CoalescingHookRateLimiter implements HookRateLimiter {
  private readonly waiting = new Map<
    string,
    Array<{
      count: number;
      now: Date;
      resolve: (bookings: RateBooking[]) => void;
      reject: (error: unknown) => void;
    }>
  >();
  private readonly inFlight = new Set<string>();

  constructor(private readonly inner: HookRateLimiter) {}

  reserve(url: string, count: number, now: Date): Promise<RateBooking[]> {
    return new Promise((resolve, reject) => {
      let queue = this.waiting.get(url);
      if (!queue) {
        queue = [];
        this.waiting.set(url, queue);
      }
      queue.push({ count, now, resolve, reject });
      if (!this.inFlight.has(url)) this.flush(url);
    });
  }

  restrict(url: string, until: Date, perWindow: number, now: Date): Promise<void> {
    return this.inner.restrict(url, until, perWindow, now);
  }

  private flush(url: string): void {
    const batch = this.waiting.get(url);
    if (!batch || batch.length === 0) return;
    this.waiting.delete(url);
    this.inFlight.add(url);
    const total = batch.reduce((sum, request) => sum + request.count, 0);
    const now = new Date(Math.max(...batch.map((request) => request.now.getTime())));
    this.inner
      .reserve(url, total, now)
      .then(
        (bookings) => {
          let next = 0;
          for (const request of batch) {
            request.resolve(bookings.slice(next, next + request.count));
            next += request.count;
          }
        },
        (error: unknown) => {
          for (const request of batch) request.reject(error);
        },
      )
      .finally(() => {
        this.inFlight.delete(url);
        this.flush(url);
      });
  }
}

/**
 * POSTs in flight per hook URL in this process, capped: a hook that answers slowly holds at most `perUrl` of the
 * process's workers, whatever its backlog. A request for a URL at its cap waits a moment for a place (a fast hook frees
 * one within milliseconds); if none frees up in time, the caller puts the message back in the queue instead.
 */
export class HookConcurrency {
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(readonly perUrl: number) {}

  /** A place for one POST to `url`, waiting at most `maxWaitMs`; its release, or undefined when none freed up. */
  async acquire(url: string, maxWaitMs: number): Promise<(() => void) | undefined> {
    if ((this.counts.get(url) ?? 0) < this.perUrl) return this.take(url);
    if (maxWaitMs <= 0) return undefined;
    const handedOver = await new Promise<boolean>((resolve) => {
      const queue = this.waiters.get(url) ?? [];
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const index = queue.indexOf(wake);
        if (index >= 0) queue.splice(index, 1);
        resolve(false);
      }, maxWaitMs);
      queue.push(wake);
      this.waiters.set(url, queue);
    });
    // A released place is handed to the first waiter directly, so it cannot be taken from under it.
    return handedOver ? this.releaser(url) : undefined;
  }

  inFlight(url: string): number {
    return this.counts.get(url) ?? 0;
  }

  private take(url: string): () => void {
    this.counts.set(url, (this.counts.get(url) ?? 0) + 1);
    return this.releaser(url);
  }

  private releaser(url: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.get(url)?.shift();
      if (next) {
        next(); // the place passes on; the count stays
        return;
      }
      this.waiters.delete(url);
      const left = (this.counts.get(url) ?? 1) - 1;
      if (left <= 0) this.counts.delete(url);
      else this.counts.set(url, left);
    };
  }
}
