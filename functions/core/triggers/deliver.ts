/**
 * Delivering one delivery message: POST its event to each target subscription (every matching one when it names
 * none), each target on its own. The result is a plan — per-target outcomes, the messages to queue next (retries,
 * rate deferrals, a hop) and what to dead-letter — which the handler carries out. docs/delivery.md explains the
 * policy; in short:
 *
 * - 2xx → delivered: a marker per (subscription, event) is written, so no later copy or retry posts there again;
 * - 410 → the Zap is gone: the subscription is deleted, no retry;
 * - 429 → retried after Retry-After, and the URL's rate is paused that long;
 * - anything else (3xx, 4xx, 5xx, timeout, network) → retried on the schedule, counted from the first attempt, until
 *   the horizon; then the failing targets are dead-lettered;
 * - a target whose rate window is not open yet, whose URL has its POSTs in flight in this process, for which too little
 *   invocation time is left, or whose store call failed, is deferred: queued again without counting an attempt (a
 *   booked window travels with it).
 *
 * Only failing or deferred targets travel on; delivered ones never do. The one window for a duplicate: a hook answered
 * 2xx and the process died before its marker was written.
 */
import { mapLimit } from '../concurrency.js';
import type { DetectedEvent, Subscription } from '../model.js';
import type {
  Clock,
  DeliveryMarkerStore,
  HookRateLimiter,
  HookResponse,
  HookSender,
  RateBooking,
} from '../ports.js';
import { QUEUE_MAX_DELAY_SECONDS } from '../ports.js';
import type { HookConcurrency } from './hook-rate.js';
import { isAllowedHookUrl } from './hook-url.js';
import { type RetrySchedule, retriesExhausted, retryDelayMs } from './retry-schedule.js';
import type { DeliveryMessage } from './schemas.js';
import { DEFAULT_DELIVERY_SETTINGS } from './settings.js';
import type { SubscriptionLookup } from './subscription-lookup.js';

export interface DeliverDeps {
  subscriptions: SubscriptionLookup;
  markers: DeliveryMarkerStore;
  sender: HookSender;
  rateLimiter: HookRateLimiter;
  /** This process's POSTs in flight per URL (one instance per process). */
  inFlight: HookConcurrency;
  clock: Clock;
  /** Waits `ms` (a booked window about to open); timers in production, the fake clock in tests. */
  wait: (ms: number) => Promise<void>;
  allowlist: readonly string[];
}

export interface DeliverySettings {
  retry: RetrySchedule;
  /** Delivered markers live at least as long as any retry or copy of the message can. */
  markerRetentionMs: number;
  /** POSTs in flight at once for one message (fan-out to many Zaps). */
  parallelPosts: number;
  /** No POST starts with less invocation time left than this (one attempt timeout plus the writes after it). */
  minRemainingMs: number;
  /** A fresh booking is asked for as of this much ahead, so no POST starts just before its window closes. */
  windowMarginMs: number;
  /** A booking whose window opens within this is waited for in the worker; a later one goes back to the queue. */
  bookingWaitMs: number;
  /** A POST slower than this (or timed out) slows its URL down for `slowDown.forMs`, for every process. */
  slowPostMs: number;
  /** POSTs in flight at once to one hook URL from one process (see HookConcurrency). */
  postsInFlightPerUrl: number;
  /** How long a target may wait for a place among its URL's POSTs in flight before it goes back to the queue. */
  busyWaitMs: number;
  /** Wait before a target whose URL had too many POSTs in flight in this process is tried again. */
  busyRetryMs: number;
  slowDown: { forMs: number; perWindow: number };
  /** A 429 without Retry-After pauses its URL this long; a Retry-After is honoured up to `maxRetryAfterMs`. */
  defaultRetryAfterMs: number;
  maxRetryAfterMs: number;
  /** Wait before a target deferred by a failed store call is tried again. */
  storeRetryMs: number;
  random: () => number;
}

export { DEFAULT_DELIVERY_SETTINGS };

/** Bookings tried before a target whose booking calls keep returning windows already gone is deferred. */
const MAX_BOOKING_ROUNDS = 3;

/** Why a target waits without counting an attempt: its URL's rate window, its URL's POSTs in flight, time, a store. */
export type DeferReason = 'rate' | 'busy' | 'deadline' | 'store';

export type SubscriptionOutcome =
  | {
      subscriptionId: string;
      result: 'delivered';
      /** The marker write failed after the 2xx: not retried, but a copy of this message would post again. */
      markerError?: string | undefined;
    }
  | { subscriptionId: string; result: 'already-delivered' | 'gone' | 'not-allowed' }
  | { subscriptionId: string; result: 'failed'; reason: string; retryAfterMs?: number | undefined }
  | {
      subscriptionId: string;
      result: 'deferred';
      reason: DeferReason;
      detail?: string | undefined;
      booking?: RateBooking | undefined;
    };

export interface DeliveryPlan {
  outcomes: SubscriptionOutcome[];
  /** Messages to queue (each with its `notBefore`): retries, deferrals, or this message itself (a hop). */
  followUps: DeliveryMessage[];
  /** Targets whose retry horizon is over, to the dead-letter queue. */
  exhausted?: DeliveryMessage | undefined;
  /** The message arrived before its `notBefore` and goes back unchanged (`followUps` holds it). */
  hop?: boolean;
}

/** The marker key of a delivery: the event id, or for a replay the event id plus the replay's start. */
export const markerKey = (message: DeliveryMessage): string =>
  message.redeliver ? `${message.event.eventId}@${message.firstAttemptAt}` : message.event.eventId;

/** The queue delay (whole seconds, at most the queue's maximum) that makes `message` due at its `notBefore`. */
export const queueDelaySeconds = (message: DeliveryMessage, now: Date): number => {
  if (message.notBefore === undefined) return 0;
  const seconds = Math.ceil((Date.parse(message.notBefore) - now.getTime()) / 1000);
  return Math.max(0, Math.min(QUEUE_MAX_DELAY_SECONDS, seconds));
};

/** The first attempt of an event from the bus rule: every matching subscription. */
export const firstDelivery = (event: DetectedEvent, queuedAt: Date): DeliveryMessage => ({
  event,
  attempt: 1,
  firstAttemptAt: queuedAt.toISOString(),
});

/**
 * Delivers `message`. Throws only when the subscriptions cannot be looked up (nothing was sent yet, so the whole
 * message may be retried); every per-target failure is an outcome.
 */
export const deliverMessage = async (
  deps: DeliverDeps,
  message: DeliveryMessage,
  budget: { remainingMs(): number },
  settings: DeliverySettings = DEFAULT_DELIVERY_SETTINGS,
): Promise<DeliveryPlan> => {
  const now = deps.clock.now();
  if (message.notBefore !== undefined && Date.parse(message.notBefore) > now.getTime()) {
    return { outcomes: [], followUps: [message], hop: true };
  }
  const { event } = message;
  const all = await deps.subscriptions.listFor(
    event.connectionId,
    event.trigger,
    event.type,
    new Date(event.detectedAt),
  );
  const named = message.targets ? new Set(message.targets) : undefined;
  const targets = named
    ? all.filter((subscription) => named.has(subscription.subscriptionId))
    : // A Zap switched on after the event was detected does not get it (polling semantics: only what is new).
      all.filter((subscription) => subscription.createdAt <= event.detectedAt);
  const outcomes = await mapLimit(targets, settings.parallelPosts, (subscription) =>
    deliverToSubscription(deps, message, subscription, budget, settings).catch(
      (error: unknown): SubscriptionOutcome => ({
        subscriptionId: subscription.subscriptionId,
        result: 'deferred',
        reason: 'store',
        detail: describe(error),
      }),
    ),
  );
  return { outcomes, ...planFollowUps(message, outcomes, deps.clock.now(), settings) };
};

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const deliverToSubscription = async (
  deps: DeliverDeps,
  message: DeliveryMessage,
  subscription: Subscription,
  budget: { remainingMs(): number },
  settings: DeliverySettings,
): Promise<SubscriptionOutcome> => {
  const subscriptionId = subscription.subscriptionId;
  const url = subscription.targetUrl;
  if (!isAllowedHookUrl(url, deps.allowlist)) return { subscriptionId, result: 'not-allowed' };
  if (budget.remainingMs() < settings.minRemainingMs)
    return { subscriptionId, result: 'deferred', reason: 'deadline' };

  const release = await deps.inFlight.acquire(url, settings.busyWaitMs);
  if (!release) return { subscriptionId, result: 'deferred', reason: 'busy' };
  try {
    return await postToSubscription(deps, message, subscription, settings);
  } finally {
    release();
  }
};

/** Checks the marker, books the URL's rate and POSTs (the caller holds one of the URL's in-flight places). */
const postToSubscription = async (
  deps: DeliverDeps,
  message: DeliveryMessage,
  subscription: Subscription,
  settings: DeliverySettings,
): Promise<SubscriptionOutcome> => {
  const subscriptionId = subscription.subscriptionId;
  const url = subscription.targetUrl;
  const key = markerKey(message);
  if (await deps.markers.has(subscriptionId, key)) return { subscriptionId, result: 'already-delivered' };

  // The rate comes last, right before the POST: a booking is used only while its window is open, and not in the last
  // `windowMarginMs` of it (the request would land in the next window). A fresh booking is asked for as of that margin
  // ahead; one that opens within `bookingWaitMs` is waited for here, a later one goes back to the queue until then.
  const usable = (booking: RateBooking | undefined) => {
    const now = deps.clock.now().getTime();
    return booking !== undefined && booking.from <= now && now < booking.to - settings.windowMarginMs;
  };
  // Timers may fire a millisecond early against the wall clock: wait until the clock says so.
  const waitUntil = async (at: number) => {
    for (let left = at - deps.clock.now().getTime(); left > 0; left = at - deps.clock.now().getTime()) {
      await deps.wait(left);
    }
  };
  // A booked message is queued to arrive a moment before its window (queue delays are whole seconds): wait for it.
  const early = (message.booking?.from ?? 0) - deps.clock.now().getTime();
  if (early > 0 && early <= settings.bookingWaitMs) await waitUntil(message.booking?.from ?? 0);
  // A slow booking call can return a window that has already passed: book again (a few times at most).
  for (let round = 0; !usable(message.booking); round++) {
    if (round === MAX_BOOKING_ROUNDS) return { subscriptionId, result: 'deferred', reason: 'busy' };
    const asOf = new Date(deps.clock.now().getTime() + settings.windowMarginMs);
    const [booking] = await deps.rateLimiter.reserve(url, 1, asOf);
    if (!booking) throw new Error('the rate limiter returned no booking');
    const now = deps.clock.now().getTime();
    if (booking.from - now > settings.bookingWaitMs) {
      return { subscriptionId, result: 'deferred', reason: 'rate', booking };
    }
    if (now >= booking.to) continue;
    await waitUntil(booking.from);
    break;
  }

  const started = deps.clock.now();
  const response = await deps.sender.post(url, message.event.payload, {
    'webhook-id': message.event.eventId,
    'webhook-timestamp': String(Math.floor(started.getTime() / 1000)),
  });
  const finished = deps.clock.now();
  const elapsed = finished.getTime() - started.getTime();
  if (response.kind === 'timeout' || elapsed >= settings.slowPostMs) {
    // A slow hook may hold a worker for an attempt timeout; fewer requests to it keep the others' workers free.
    await deps.rateLimiter
      .restrict(
        url,
        new Date(finished.getTime() + settings.slowDown.forMs),
        settings.slowDown.perWindow,
        finished,
      )
      .catch(() => undefined);
  }

  if (response.kind === 'status' && response.status >= 200 && response.status < 300) {
    let markerError: string | undefined;
    try {
      await deps.markers.mark(
        subscriptionId,
        key,
        finished,
        new Date(finished.getTime() + settings.markerRetentionMs),
      );
    } catch (error) {
      markerError = describe(error);
    }
    return { subscriptionId, result: 'delivered', markerError };
  }
  if (response.kind === 'status' && response.status === 410) {
    // Best effort: if the delete fails, the next event's POST answers 410 again and deletes it then.
    await deps.subscriptions.delete(subscription.connectionId, subscriptionId).catch(() => undefined);
    return { subscriptionId, result: 'gone' };
  }
  if (response.kind === 'status' && response.status === 429) {
    const retryAfterMs = Math.min(
      settings.maxRetryAfterMs,
      response.retryAfterSeconds !== undefined
        ? Math.max(1000, response.retryAfterSeconds * 1000)
        : settings.defaultRetryAfterMs,
    );
    await deps.rateLimiter
      .restrict(url, new Date(finished.getTime() + retryAfterMs), 0, finished)
      .catch(() => undefined);
    return { subscriptionId, result: 'failed', reason: 'HTTP 429', retryAfterMs };
  }
  return { subscriptionId, result: 'failed', reason: failureReason(response) };
};

const failureReason = (response: HookResponse): string =>
  response.kind === 'status'
    ? `HTTP ${response.status}`
    : response.kind === 'timeout'
      ? 'timeout'
      : `network: ${response.message}`;

/**
 * When a booked message should arrive. Queue delays are whole seconds, so a message sent at fraction f of a second
 * arrives at fraction f of some later second; due at the first whole-second step at or after `bookingWaitMs` before its
 * window, it lands in [from − bookingWaitMs, to − bookingWaitMs) — never in the window's last moments, where it could
 * not be used — and waits the rest in the worker.
 */
const bookedArrival = (booking: RateBooking, now: Date, settings: DeliverySettings): string => {
  const steps = Math.max(0, Math.ceil((booking.from - settings.bookingWaitMs - now.getTime()) / 1000));
  return new Date(now.getTime() + steps * 1000).toISOString();
};

/** Turns outcomes into the messages to queue next; delivered and dropped targets never travel on. */
const planFollowUps = (
  message: DeliveryMessage,
  outcomes: SubscriptionOutcome[],
  now: Date,
  settings: DeliverySettings,
): Pick<DeliveryPlan, 'followUps' | 'exhausted'> => {
  const base = {
    event: message.event,
    ...(message.redeliver ? { redeliver: true as const } : {}),
    firstAttemptAt: message.firstAttemptAt,
  };
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const pastHorizon = retriesExhausted(new Date(message.firstAttemptAt), now, settings.retry);
  const followUps: DeliveryMessage[] = [];
  const same = { ...base, attempt: message.attempt };
  const next = { ...base, attempt: message.attempt + 1 };
  const exhaustedTargets: string[] = [];

  // Failed targets: a throttled group waits for its Retry-After, the others follow the schedule.
  const failed = outcomes.filter(
    (outcome): outcome is Extract<SubscriptionOutcome, { result: 'failed' }> => outcome.result === 'failed',
  );
  const throttled = failed.filter((outcome) => outcome.retryAfterMs !== undefined);
  const broken = failed.filter((outcome) => outcome.retryAfterMs === undefined);
  if (pastHorizon) {
    exhaustedTargets.push(...failed.map((outcome) => outcome.subscriptionId));
  } else {
    if (broken.length > 0) {
      followUps.push({
        ...next,
        targets: broken.map((outcome) => outcome.subscriptionId),
        notBefore: at(retryDelayMs(message.attempt, settings.retry, settings.random)),
      });
    }
    if (throttled.length > 0) {
      followUps.push({
        ...next,
        targets: throttled.map((outcome) => outcome.subscriptionId),
        notBefore: at(Math.max(...throttled.map((outcome) => outcome.retryAfterMs ?? 0))),
      });
    }
  }

  // Deferred targets keep their attempt: a booked window each, at once (deadline), or a little later (store).
  const byWindow = new Map<number, { booking: RateBooking; targets: string[] }>();
  const soon: string[] = [];
  const busy: string[] = [];
  const later: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.result !== 'deferred') continue;
    if (outcome.reason === 'rate' && outcome.booking) {
      const group = byWindow.get(outcome.booking.from) ?? { booking: outcome.booking, targets: [] };
      group.targets.push(outcome.subscriptionId);
      byWindow.set(outcome.booking.from, group);
    } else if (outcome.reason === 'deadline') {
      soon.push(outcome.subscriptionId);
    } else if (outcome.reason === 'busy') {
      busy.push(outcome.subscriptionId);
    } else if (pastHorizon) {
      exhaustedTargets.push(outcome.subscriptionId);
    } else {
      later.push(outcome.subscriptionId);
    }
  }
  for (const { booking, targets } of byWindow.values()) {
    followUps.push({ ...same, targets, booking, notBefore: bookedArrival(booking, now, settings) });
  }
  if (soon.length > 0) followUps.push({ ...same, targets: soon });
  if (busy.length > 0) {
    followUps.push({
      ...same,
      targets: busy,
      notBefore: at(settings.busyRetryMs * (0.5 + settings.random())),
    });
  }
  if (later.length > 0) {
    followUps.push({
      ...same,
      targets: later,
      notBefore: at(settings.storeRetryMs * (0.5 + settings.random())),
    });
  }
  const exhausted = exhaustedTargets.length > 0 ? { ...same, targets: exhaustedTargets } : undefined;
  return { followUps, exhausted };
};
