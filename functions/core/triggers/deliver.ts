/**
 * Deliver one detected event to every subscription of its connection + trigger + type (design §2.5).
 * 2xx → delivered (marker written, so a retried message never re-posts there); 410 → the Zap is gone: delete the
 * subscription; 429 → retry after Retry-After; anything else (3xx, 4xx, 5xx, timeout, network) → retry with
 * exponential backoff and jitter until the retry horizon (≥ 3 days), then dead-letter.
 *
 * The one window for a duplicate: the POST succeeded but the process died before the marker was written; the
 * retry posts again. It is as short as one DynamoDB write.
 */
import { mapLimit } from '../concurrency.js';
import type { DetectedEvent, Subscription } from '../model.js';
import type { Clock, DeliveryMarkerStore, HookResponse, HookSender, SubscriptionStore } from '../ports.js';
import { isAllowedHookUrl } from './hook-url.js';
import { DEFAULT_DELIVERY_SETTINGS } from './settings.js';

/** Paces POSTs per hook URL (Zapier allows ~30 requests/second per URL). */
export interface HookPacer {
  /** Resolves when a request to `url` may be sent. */
  acquire(url: string): Promise<void>;
}

export interface DeliverDeps {
  subscriptions: SubscriptionStore;
  markers: DeliveryMarkerStore;
  sender: HookSender;
  clock: Clock;
  pacer: HookPacer;
  allowlist: readonly string[];
}

export interface DeliverySettings {
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** Keep retrying this long after the first attempt, then dead-letter. */
  retryHorizonMs: number;
  /** Delivered markers live at least as long as any retry of the message can. */
  markerRetentionMs: number;
  /** Parallel POSTs for one event. */
  concurrency: number;
  random: () => number;
}

export { DEFAULT_DELIVERY_SETTINGS };

export type SubscriptionOutcome =
  | { subscriptionId: string; result: 'delivered' | 'already-delivered' | 'gone' | 'not-allowed' }
  | { subscriptionId: string; result: 'failed'; reason: string; retryAfterSeconds?: number | undefined };

export type DeliveryResult =
  | { status: 'done'; outcomes: SubscriptionOutcome[] }
  | { status: 'retry'; delaySeconds: number; outcomes: SubscriptionOutcome[] }
  | { status: 'exhausted'; outcomes: SubscriptionOutcome[] };

export interface DeliveryAttempt {
  /** 1 on the first delivery attempt of this message. */
  receiveCount: number;
  /** When the message was first sent to the queue (the retry horizon counts from here). */
  firstSentAt: Date;
}

/** Exponential backoff with equal jitter: attempt n waits in [d/2, d], d = min(max, base·2^(n−1)). */
export const backoffSeconds = (receiveCount: number, settings: DeliverySettings): number => {
  const exponent = Math.max(0, Math.min(30, receiveCount - 1));
  const ceiling = Math.min(settings.maxDelaySeconds, settings.baseDelaySeconds * 2 ** exponent);
  return Math.max(1, Math.round(ceiling / 2 + (settings.random() * ceiling) / 2));
};

/** Classifies a hook response. */
const classify = (
  response: HookResponse,
): { ok: boolean; gone: boolean; reason: string; retryAfter?: number } => {
  if (response.kind === 'timeout') return { ok: false, gone: false, reason: 'timeout' };
  if (response.kind === 'network') return { ok: false, gone: false, reason: `network: ${response.message}` };
  if (response.status >= 200 && response.status < 300) return { ok: true, gone: false, reason: 'ok' };
  if (response.status === 410) return { ok: false, gone: true, reason: 'gone' };
  return {
    ok: false,
    gone: false,
    reason: `HTTP ${response.status}`,
    ...(response.status === 429 && response.retryAfterSeconds !== undefined
      ? { retryAfter: response.retryAfterSeconds }
      : {}),
  };
};

/** Delivers `event` to its subscribers; says whether the message is done, must be retried later, or is exhausted. */
export const deliverEvent = async (
  deps: DeliverDeps,
  event: DetectedEvent,
  attempt: DeliveryAttempt,
  settings: DeliverySettings = DEFAULT_DELIVERY_SETTINGS,
): Promise<DeliveryResult> => {
  const subscriptions = (
    await deps.subscriptions.listFor(event.connectionId, event.trigger, event.type)
  ).filter(
    // A Zap switched on after the event was detected does not get it (polling semantics: only what is new).
    (subscription) => subscription.createdAt <= event.detectedAt,
  );
  const outcomes = await mapLimit(subscriptions, settings.concurrency, (subscription) =>
    deliverToSubscription(deps, event, subscription, settings),
  );
  const failures = outcomes.filter(
    (outcome): outcome is Extract<SubscriptionOutcome, { result: 'failed' }> => outcome.result === 'failed',
  );
  if (failures.length === 0) return { status: 'done', outcomes };
  const age = deps.clock.now().getTime() - attempt.firstSentAt.getTime();
  if (age >= settings.retryHorizonMs) return { status: 'exhausted', outcomes };
  const retryAfter = Math.max(0, ...failures.map((failure) => failure.retryAfterSeconds ?? 0));
  const delaySeconds = Math.min(
    12 * 3600 - 1,
    retryAfter > 0 ? Math.max(retryAfter, 1) : backoffSeconds(attempt.receiveCount, settings),
  );
  return { status: 'retry', delaySeconds, outcomes };
};

const deliverToSubscription = async (
  deps: DeliverDeps,
  event: DetectedEvent,
  subscription: Subscription,
  settings: DeliverySettings,
): Promise<SubscriptionOutcome> => {
  const subscriptionId = subscription.subscriptionId;
  if (await deps.markers.has(subscriptionId, event.eventId))
    return { subscriptionId, result: 'already-delivered' };
  if (!isAllowedHookUrl(subscription.targetUrl, deps.allowlist))
    return { subscriptionId, result: 'not-allowed' };
  await deps.pacer.acquire(subscription.targetUrl);
  const now = deps.clock.now();
  const response = await deps.sender.post(subscription.targetUrl, event.payload, {
    'webhook-id': event.eventId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  });
  const verdict = classify(response);
  if (verdict.ok) {
    await deps.markers.mark(
      subscriptionId,
      event.eventId,
      now,
      new Date(now.getTime() + settings.markerRetentionMs),
    );
    return { subscriptionId, result: 'delivered' };
  }
  if (verdict.gone) {
    await deps.subscriptions.delete(subscription.connectionId, subscriptionId);
    return { subscriptionId, result: 'gone' };
  }
  return { subscriptionId, result: 'failed', reason: verdict.reason, retryAfterSeconds: verdict.retryAfter };
};

/**
 * A view of the subscription store for one delivery batch: each (connection, trigger, type) is looked up once, not
 * once per event; a deletion (410) clears the view so no later event of the batch posts to a deleted Zap.
 */
export const perBatchSubscriptions = (store: SubscriptionStore): SubscriptionStore => {
  const lists = new Map<string, Promise<Subscription[]>>();
  return {
    put: (subscription) => store.put(subscription),
    get: (connectionId, subscriptionId) => store.get(connectionId, subscriptionId),
    delete: async (connectionId, subscriptionId) => {
      lists.clear();
      return store.delete(connectionId, subscriptionId);
    },
    listByConnection: (connectionId) => store.listByConnection(connectionId),
    listFor: (connectionId, trigger, type) => {
      const key = `${connectionId}|${trigger}|${type}`;
      let list = lists.get(key);
      if (!list) {
        list = store.listFor(connectionId, trigger, type);
        lists.set(key, list);
        list.catch(() => lists.delete(key));
      }
      return list;
    },
    listActiveStreams: () => store.listActiveStreams(),
  };
};
