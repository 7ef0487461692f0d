import { describe, expect, it } from 'vitest';
import type { DetectedEvent, Subscription } from '../../../functions/core/model.js';
import {
  DEFAULT_DELIVERY_SETTINGS,
  type DeliveryPlan,
  deliverMessage,
  firstDelivery,
  markerKey,
} from '../../../functions/core/triggers/deliver.js';
import { HookConcurrency } from '../../../functions/core/triggers/hook-rate.js';
import type { DeliveryMessage } from '../../../functions/core/triggers/schemas.js';
import {
  FakeClock,
  FakeDeliveryMarkerStore,
  FakeHookRateLimiter,
  FakeSubscriptionStore,
} from '../../support/fakes.js';
import { ScriptedHookSender } from '../../support/trigger-fakes.js';

const T0 = new Date('2026-11-25T12:00:00.000Z');
const settings = { ...DEFAULT_DELIVERY_SETTINGS, random: () => 0.5 };
const HOUR = 3_600_000;

const event = (overrides: Partial<DetectedEvent> = {}): DetectedEvent => ({
  eventId: 'NEW_SALE-ABC',
  connectionId: 'c1',
  trigger: 'order',
  type: 'NEW_SALE',
  recordId: 'ABC',
  occurredAt: T0.toISOString(),
  detectedAt: T0.toISOString(),
  payload: {
    id: 'NEW_SALE-ABC',
    event: 'order.NEW_SALE',
    occurredAt: T0.toISOString(),
    connection: 'm',
    orderId: 'ABC',
  },
  ...overrides,
});

const url = (name: string) => `https://hooks.zapier.com/hooks/standard/1/${name}/`;
const A = url('a');
const B = url('b');

const fixture = async (urls: string[], options: { remainingMs?: () => number } = {}) => {
  const subscriptions = new FakeSubscriptionStore();
  const markers = new FakeDeliveryMarkerStore();
  const clock = new FakeClock(new Date(T0.getTime() + 1000));
  const sender = new ScriptedHookSender(clock);
  const rateLimiter = new FakeHookRateLimiter();
  for (const [index, target] of urls.entries()) {
    await subscriptions.put(subscription(`s${index + 1}`, target));
  }
  const inFlight = new HookConcurrency(settings.postsInFlightPerUrl);
  const deps = {
    subscriptions,
    markers,
    sender,
    clock,
    rateLimiter,
    inFlight,
    wait: async (ms: number) => clock.advance(ms),
    allowlist: ['https://hooks.zapier.com/'],
  };
  const budget = { remainingMs: options.remainingMs ?? (() => 60_000) };
  const run = (message: DeliveryMessage, overrides: Partial<typeof settings> = {}) =>
    deliverMessage(deps, message, budget, { ...settings, ...overrides });
  const first = (e = event()) => run(firstDelivery(e, clock.now()));
  return { subscriptions, markers, sender, clock, rateLimiter, inFlight, deps, run, first };
};

const subscription = (id: string, targetUrl: string, createdAt = new Date(T0.getTime() - 60_000)) =>
  ({
    subscriptionId: id,
    connectionId: 'c1',
    trigger: 'order',
    type: 'NEW_SALE',
    targetUrl,
    createdAt: createdAt.toISOString(),
  }) satisfies Subscription;

const results = (plan: DeliveryPlan) =>
  Object.fromEntries(plan.outcomes.map((outcome) => [outcome.subscriptionId, outcome.result]));

describe('deliverMessage', () => {
  it('POSTs the payload as one JSON object to every subscription of the connection + trigger + type', async () => {
    const f = await fixture([A, B]);
    await f.subscriptions.put({ ...subscription('other-type', A), type: 'NEW_LEAD' });
    await f.subscriptions.put({ ...subscription('other-tenant', A), connectionId: 'c2' });
    const plan = await f.first();
    expect(results(plan)).toEqual({ s1: 'delivered', s2: 'delivered' });
    expect(plan.followUps).toEqual([]);
    expect(f.sender.posts.map((p) => p.url).sort()).toEqual([A, B]);
    expect(f.sender.posts[0]?.payload).toEqual(event().payload);
    expect(f.sender.posts[0]?.headers['webhook-id']).toBe('NEW_SALE-ABC');
    expect(await f.markers.has('s1', 'NEW_SALE-ABC')).toBe(true);
  });

  it('retries only the failing subscription: the follow-up names it, with the next attempt, seconds later', async () => {
    const f = await fixture([A, B]);
    f.sender.script(B, { kind: 'status', status: 500 });
    const plan = await f.first();
    expect(results(plan)).toEqual({ s1: 'delivered', s2: 'failed' });
    expect(plan.followUps).toEqual([
      {
        event: event(),
        targets: ['s2'],
        attempt: 2,
        firstAttemptAt: f.clock.now().toISOString(),
        notBefore: new Date(f.clock.now().getTime() + 5_000).toISOString(),
      },
    ]);
    f.clock.advance(5_000);
    const retry = await f.run(plan.followUps[0] as DeliveryMessage);
    expect(results(retry)).toEqual({ s2: 'delivered' });
    expect(f.sender.posts.map((p) => p.url)).toEqual([A, B, B]);
  });

  it('never re-posts to a subscription that already has the event (a second copy of the message)', async () => {
    const f = await fixture([A]);
    await f.first();
    const again = await f.first();
    expect(results(again)).toEqual({ s1: 'already-delivered' });
    expect(f.sender.posts).toHaveLength(1);
  });

  it('deletes the subscription on 410 and does not retry it', async () => {
    const f = await fixture([A]);
    f.sender.script(A, { kind: 'status', status: 410 });
    const plan = await f.first();
    expect(results(plan)).toEqual({ s1: 'gone' });
    expect(plan.followUps).toEqual([]);
    expect(await f.subscriptions.get('c1', 's1')).toBeUndefined();
  });

  it('honours Retry-After on 429 and pauses the URL for everyone that long', async () => {
    const f = await fixture([A]);
    f.sender.script(A, { kind: 'status', status: 429, retryAfterSeconds: 120 });
    const plan = await f.first();
    expect(plan.followUps).toMatchObject([
      { targets: ['s1'], attempt: 2, notBefore: new Date(f.clock.now().getTime() + 120_000).toISOString() },
    ]);
    // Another event to the same URL books its window after the pause, not now.
    const other = await f.first(event({ eventId: 'NEW_SALE-DEF' }));
    expect(other.outcomes).toMatchObject([{ result: 'deferred', reason: 'rate' }]);
    const booked = other.followUps[0]?.booking?.from ?? 0;
    expect(booked).toBeGreaterThanOrEqual(f.clock.now().getTime() + 120_000);
  });

  it.each([
    [{ kind: 'status', status: 503 } as const, 'HTTP 503'],
    [{ kind: 'status', status: 302 } as const, 'HTTP 302'],
    [{ kind: 'status', status: 400 } as const, 'HTTP 400'],
    [{ kind: 'timeout' } as const, 'timeout'],
    [{ kind: 'network', message: 'ECONNRESET' } as const, 'network: ECONNRESET'],
  ])('retries %j on the schedule', async (response, reason) => {
    const f = await fixture([A]);
    f.sender.script(A, response);
    const plan = await f.run({ ...firstDelivery(event(), f.clock.now()), attempt: 3 });
    expect(plan.outcomes).toEqual([{ subscriptionId: 's1', result: 'failed', reason }]);
    expect(plan.followUps).toMatchObject([
      { attempt: 4, notBefore: new Date(f.clock.now().getTime() + 120_000).toISOString() },
    ]);
    expect(await f.markers.has('s1', 'NEW_SALE-ABC')).toBe(false);
  });

  it('dead-letters only the failing targets once the horizon has passed, counted from the first attempt', async () => {
    const f = await fixture([A, B]);
    f.sender.script(B, { kind: 'status', status: 500 });
    const firstAttemptAt = new Date(f.clock.now().getTime() - settings.retry.horizonMs).toISOString();
    const plan = await f.run({ event: event(), attempt: 40, firstAttemptAt });
    expect(results(plan)).toEqual({ s1: 'delivered', s2: 'failed' });
    expect(plan.followUps).toEqual([]);
    expect(plan.exhausted).toEqual({ event: event(), targets: ['s2'], attempt: 40, firstAttemptAt });
  });

  it('does not deliver to a Zap switched on after the event was detected, unless a message names it', async () => {
    const f = await fixture([]);
    await f.subscriptions.put(subscription('late', A, new Date(T0.getTime() + 1)));
    expect((await f.first()).outcomes).toEqual([]);
    const named = await f.run({ ...firstDelivery(event(), f.clock.now()), targets: ['late'] });
    expect(results(named)).toEqual({ late: 'delivered' });
  });

  it('skips named targets that no longer exist', async () => {
    const f = await fixture([A]);
    const plan = await f.run({ ...firstDelivery(event(), f.clock.now()), targets: ['s1', 'deleted'] });
    expect(results(plan)).toEqual({ s1: 'delivered' });
  });

  it('re-checks the allow-list at delivery: a stored URL outside it is never contacted', async () => {
    const f = await fixture(['http://169.254.169.254/latest/meta-data/']);
    const plan = await f.first();
    expect(results(plan)).toEqual({ s1: 'not-allowed' });
    expect(plan.followUps).toEqual([]);
    expect(f.sender.posts).toHaveLength(0);
  });

  it('the one duplicate window: the marker write fails after a 2xx; the target is not retried, a copy re-posts', async () => {
    const f = await fixture([A]);
    f.markers.failNext('mark');
    const plan = await f.first();
    expect(plan.outcomes).toMatchObject([
      { result: 'delivered', markerError: 'Error: markers.mark throttled' },
    ]);
    expect(plan.followUps).toEqual([]);
    await f.first(); // only a redelivered copy of the same message posts again
    expect(f.sender.posts).toHaveLength(2);
  });
});

describe('deliverMessage: store errors fail one target, not the message', () => {
  it('defers a target whose marker read fails, a little later and without counting an attempt', async () => {
    const f = await fixture([A]);
    f.markers.failNext('has');
    const plan = await f.first();
    expect(plan.outcomes).toEqual([
      { subscriptionId: 's1', result: 'deferred', reason: 'store', detail: 'Error: markers.has throttled' },
    ]);
    expect(plan.followUps).toMatchObject([{ targets: ['s1'], attempt: 1 }]);
    const wait = Date.parse(plan.followUps[0]?.notBefore ?? '') - f.clock.now().getTime();
    expect(wait).toBe(settings.storeRetryMs);
    expect(f.sender.posts).toHaveLength(0);
  });

  it('defers a target whose rate booking fails and still delivers the others', async () => {
    const f = await fixture([A, B]);
    f.rateLimiter.failNext(1);
    const plan = await f.first();
    expect(Object.values(results(plan)).sort()).toEqual(['deferred', 'delivered']);
    expect(plan.followUps).toHaveLength(1);
    expect(plan.followUps[0]?.targets).toHaveLength(1);
  });

  it('throws when the subscriptions cannot be read (nothing was sent: the whole message may be retried)', async () => {
    const f = await fixture([A]);
    f.subscriptions.listFor = async () => {
      throw new Error('subscriptions throttled');
    };
    await expect(f.first()).rejects.toThrow('subscriptions throttled');
    expect(f.sender.posts).toHaveLength(0);
  });

  it('dead-letters a store-deferred target past the horizon instead of deferring it forever', async () => {
    const f = await fixture([A]);
    f.markers.failNext('has');
    const firstAttemptAt = new Date(f.clock.now().getTime() - settings.retry.horizonMs - 1).toISOString();
    const plan = await f.run({ event: event(), attempt: 2, firstAttemptAt });
    expect(plan.followUps).toEqual([]);
    expect(plan.exhausted?.targets).toEqual(['s1']);
  });
});

describe('deliverMessage: per-URL rate without holding a worker', () => {
  it('sends the current window’s share at once and books the rest into later windows, queued until then', async () => {
    const f = await fixture([A]);
    f.clock.set(new Date(T0.getTime() + 1_300));
    const plans: DeliveryPlan[] = [];
    for (let i = 0; i < 30; i++) plans.push(await f.first(event({ eventId: `NEW_SALE-${i}` })));
    const deferred = plans.filter((plan) => plan.outcomes[0]?.result === 'deferred');
    expect(f.sender.posts).toHaveLength(25);
    expect(deferred).toHaveLength(5);
    const windowStart = T0.getTime() + 2_000;
    for (const plan of deferred) {
      expect(plan.followUps).toEqual([
        expect.objectContaining({
          attempt: 1,
          targets: ['s1'],
          booking: { from: windowStart, to: windowStart + 1000 },
          // Whole-second queue delays keep the sending fraction (.3): due 0.3 s into the window, well before its end.
          notBefore: new Date(windowStart + 300).toISOString(),
        }),
      ]);
    }
    // Back in its window, a booked message posts without booking again.
    f.clock.set(new Date(windowStart + 300));
    const calls = f.rateLimiter.reserveCalls.length;
    const back = await f.run(deferred[0]?.followUps[0] as DeliveryMessage);
    expect(results(back)).toEqual({ s1: 'delivered' });
    expect(f.rateLimiter.reserveCalls).toHaveLength(calls);
  });

  it('a booked message that comes back after its window books again', async () => {
    const f = await fixture([A]);
    const message: DeliveryMessage = {
      ...firstDelivery(event(), f.clock.now()),
      booking: { from: T0.getTime() - 5_000, to: T0.getTime() - 4_000 },
    };
    const plan = await f.run(message);
    expect(results(plan)).toEqual({ s1: 'delivered' });
    expect(f.rateLimiter.reserveCalls).toEqual([{ url: A, count: 1 }]);
  });

  /** Makes the first call of a dependency take `ms` of the fake clock. */
  const slowFirstCall = <A extends unknown[], R>(
    f: Awaited<ReturnType<typeof fixture>>,
    call: (...args: A) => Promise<R>,
    ms: number,
  ) => {
    let slow = true;
    return async (...args: A) => {
      const result = await call(...args);
      if (slow) f.clock.advance(ms);
      slow = false;
      return result;
    };
  };

  it.each([
    {
      // The rate is booked last, after the marker read: a slow read cannot make the POST late.
      slow: 'marker read',
      at: 1_500,
      patch: (f: Awaited<ReturnType<typeof fixture>>) => {
        f.markers.has = slowFirstCall(f, f.markers.has.bind(f.markers), 600);
      },
      bookings: 1,
    },
    {
      // A slow booking call returns window [1 s, 2 s) once it is over: book again.
      slow: 'booking call',
      at: 1_850,
      patch: (f: Awaited<ReturnType<typeof fixture>>) => {
        f.rateLimiter.reserve = slowFirstCall(f, f.rateLimiter.reserve.bind(f.rateLimiter), 300);
      },
      bookings: 2,
    },
  ])('posts inside the window it booked after a slow $slow', async ({ at, patch, bookings }) => {
    const f = await fixture([A]);
    f.clock.set(new Date(T0.getTime() + at));
    patch(f);
    const plan = await f.first();
    expect(results(plan)).toEqual({ s1: 'delivered' });
    expect(f.rateLimiter.reserveCalls).toHaveLength(bookings);
    expect(f.rateLimiter.states.get(A)).toMatchObject({ window: T0.getTime() + 2_000, count: 1 });
  });

  it('does not book for a target that already has the event', async () => {
    const f = await fixture([A]);
    await f.first();
    await f.first();
    expect(f.rateLimiter.reserveCalls).toHaveLength(1);
  });

  it('starts no POST in the last moments of a window: waits the few ms for the next one instead', async () => {
    const f = await fixture([A]);
    f.clock.set(new Date(T0.getTime() + 1_980));
    const plan = await f.first();
    expect(results(plan)).toEqual({ s1: 'delivered' });
    expect(f.clock.now().getTime()).toBe(T0.getTime() + 2_000);
    expect(f.rateLimiter.states.get(A)).toMatchObject({ window: T0.getTime() + 2_000, count: 1 });
  });

  it('a slow hook holds a few workers only: past its POSTs in flight, its messages wait in the queue', async () => {
    const f = await fixture([A, B]);
    const gates: Array<() => void> = [];
    const post = f.sender.post.bind(f.sender);
    f.sender.post = async (url, ...rest) => {
      if (url === A) await new Promise<void>((resolve) => gates.push(resolve));
      return post(url, ...rest);
    };
    const slow = Array.from({ length: settings.postsInFlightPerUrl }, (_, i) =>
      f.run({ ...firstDelivery(event({ eventId: `NEW_SALE-${i}` }), f.clock.now()), targets: ['s1'] }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(f.inFlight.inFlight(A)).toBe(settings.postsInFlightPerUrl);
    const plan = await f.first(event({ eventId: 'NEW_SALE-next' }));
    expect(results(plan)).toEqual({ s1: 'deferred', s2: 'delivered' });
    expect(plan.followUps).toEqual([
      expect.objectContaining({
        targets: ['s1'],
        attempt: 1,
        notBefore: new Date(f.clock.now().getTime() + settings.busyRetryMs).toISOString(),
      }),
    ]);
    for (const open of gates) open();
    expect((await Promise.all(slow)).flatMap((p) => p.outcomes.map((o) => o.result))).toEqual(
      Array.from({ length: settings.postsInFlightPerUrl }, () => 'delivered'),
    );
    expect(f.inFlight.inFlight(A)).toBe(0);
  });

  it('never starts a POST before its window, even when a timer fires a millisecond early', async () => {
    const f = await fixture([A]);
    f.deps.wait = async (ms: number) => f.clock.advance(Math.max(1, ms - 1));
    f.clock.set(new Date(T0.getTime() + 1_980));
    await f.first();
    expect(f.clock.now().getTime()).toBeGreaterThanOrEqual(T0.getTime() + 2_000);
    expect(f.sender.posts[0]?.headers['webhook-timestamp']).toBe(String((T0.getTime() + 2_000) / 1000));
  });

  it('is queued to arrive just before its window when it was deferred late in a second, and waits for it', async () => {
    const f = await fixture([A]);
    f.clock.set(new Date(T0.getTime() + 1_950));
    // The next window, [2 s, 3 s), is already full.
    f.rateLimiter.states.set(A, {
      window: T0.getTime() + 2_000,
      count: 25,
      restrictedUntil: 0,
      restrictedPerWindow: 25,
    });
    const message = (await f.first()).followUps[0] as DeliveryMessage;
    // Booked for [3 s, 4 s): a whole-second delay from 2.95 s arrives at 2.95 s + 1 s, 50 ms before the window.
    expect(message.booking).toEqual({ from: T0.getTime() + 3_000, to: T0.getTime() + 4_000 });
    expect(message.notBefore).toBe(new Date(T0.getTime() + 2_950).toISOString());
    f.clock.set(new Date(T0.getTime() + 2_950));
    const calls = f.rateLimiter.reserveCalls.length;
    expect(results(await f.run(message))).toEqual({ s1: 'delivered' });
    expect(f.clock.now().getTime()).toBe(T0.getTime() + 3_000);
    expect(f.rateLimiter.reserveCalls).toHaveLength(calls);
  });

  it('goes back to the queue unchanged when received before its notBefore (a hop of a long wait)', async () => {
    const f = await fixture([A]);
    const message: DeliveryMessage = {
      ...firstDelivery(event(), f.clock.now()),
      attempt: 8,
      notBefore: new Date(f.clock.now().getTime() + 2 * HOUR).toISOString(),
    };
    const plan = await f.run(message);
    expect(plan).toEqual({ outcomes: [], followUps: [message], hop: true });
    expect(f.sender.posts).toHaveLength(0);
  });

  it('slows a URL down after a slow answer, so one slow Zap cannot take every worker', async () => {
    const f = await fixture([A, B]);
    f.sender.script(A, { kind: 'status', status: 200, elapsedMs: 11_000 });
    await f.first();
    expect(f.rateLimiter.restrictions).toEqual([
      { url: A, until: f.clock.now().getTime() + settings.slowDown.forMs, perWindow: 1 },
    ]);
    const bookings = await Promise.all(
      [1, 2, 3].map(() => f.rateLimiter.reserve(A, 1, f.clock.now()).then((b) => b[0]?.from)),
    );
    expect(new Set(bookings).size).toBe(3); // one per window
    const fast = await f.rateLimiter.reserve(B, 3, f.clock.now());
    expect(new Set(fast.map((b) => b.from)).size).toBe(1);
  });
});

describe('deliverMessage: deadline and fan-out', () => {
  it('starts no POST with too little invocation time left and hands every target back at once', async () => {
    const f = await fixture([A, B], { remainingMs: () => settings.minRemainingMs - 1 });
    const plan = await f.first();
    expect(f.sender.posts).toHaveLength(0);
    expect(f.rateLimiter.reserveCalls).toHaveLength(0);
    expect(plan.followUps).toEqual([
      { event: event(), targets: ['s1', 's2'], attempt: 1, firstAttemptAt: f.clock.now().toISOString() },
    ]);
  });

  it('fans one event out to 100 Zaps with bounded parallelism; one failing Zap retries alone', async () => {
    const urls = Array.from({ length: 100 }, (_, i) => url(`z${i}`));
    const f = await fixture(urls);
    f.sender.realDelayMs = 1;
    f.sender.script(url('z42'), { kind: 'status', status: 502 });
    const plan = await f.first();
    expect(f.sender.peakInFlight).toBe(settings.parallelPosts);
    expect(f.sender.posts).toHaveLength(100);
    expect(plan.outcomes.filter((o) => o.result === 'delivered')).toHaveLength(99);
    expect(plan.followUps).toMatchObject([{ targets: ['s43'], attempt: 2 }]);
    f.clock.advance(6_000);
    const retry = await f.run(plan.followUps[0] as DeliveryMessage);
    expect(results(retry)).toEqual({ s43: 'delivered' });
    expect(new Set(f.sender.posts.map((p) => p.url)).size).toBe(100);
    expect(f.sender.posts).toHaveLength(101);
  });

  it('when time runs short during a fan-out, hands the rest back and drops nothing', async () => {
    const urls = Array.from({ length: 100 }, (_, i) => url(`z${i}`));
    let remaining = 60_000;
    const f = await fixture(urls, { remainingMs: () => remaining });
    const post = f.sender.post.bind(f.sender);
    f.sender.post = async (...args) => {
      remaining -= 1_000; // every POST takes a second of the invocation
      return post(...args);
    };
    const plan = await f.first();
    const delivered = plan.outcomes.filter((o) => o.result === 'delivered').map((o) => o.subscriptionId);
    const handedBack = plan.followUps.flatMap((message) => message.targets ?? []);
    expect(delivered.length).toBeGreaterThan(0);
    expect(handedBack.length).toBeGreaterThan(0);
    expect(new Set([...delivered, ...handedBack]).size).toBe(100);
    expect(plan.followUps.every((message) => message.attempt === 1 && !message.notBefore)).toBe(true);
    // The hand-back, delivered later, completes the fan-out without posting twice anywhere.
    remaining = 60_000;
    for (const message of plan.followUps) await f.run(message);
    expect(f.sender.posts).toHaveLength(100);
  });
});

describe('deliverMessage: replays', () => {
  it('redelivers a marked event when asked, once per replay, under its own markers', async () => {
    const f = await fixture([A, B]);
    await f.first();
    const replay: DeliveryMessage = {
      event: event(),
      targets: ['s2'],
      redeliver: true,
      attempt: 1,
      firstAttemptAt: new Date(f.clock.now().getTime() + 1000).toISOString(),
    };
    expect(results(await f.run(replay))).toEqual({ s2: 'delivered' });
    expect(results(await f.run(replay))).toEqual({ s2: 'already-delivered' });
    expect(f.sender.posts.map((p) => p.url)).toEqual([A, B, B]);
    expect(await f.markers.has('s2', markerKey(replay))).toBe(true);
    expect(markerKey(replay)).toBe(`NEW_SALE-ABC@${replay.firstAttemptAt}`);
  });

  it('keeps the replay flag and the first-attempt time on retries of a replay', async () => {
    const f = await fixture([A]);
    f.sender.script(A, { kind: 'status', status: 500 });
    const replay: DeliveryMessage = {
      event: event(),
      targets: ['s1'],
      redeliver: true,
      attempt: 1,
      firstAttemptAt: '2026-11-25T11:59:00.000Z',
    };
    const plan = await f.run(replay);
    expect(plan.followUps).toMatchObject([
      { redeliver: true, firstAttemptAt: '2026-11-25T11:59:00.000Z', attempt: 2, targets: ['s1'] },
    ]);
  });
});
