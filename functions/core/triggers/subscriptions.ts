/**
 * Subscribe / unsubscribe / list (docs/architecture.md, Data flow). A subscription belongs to the caller's connection: every read and
 * write is keyed by it, so another tenant's id is simply not found.
 */
import { ValidationError } from '../errors.js';
import { type Connection, type Subscription, streamOf } from '../model.js';
import type { Clock, CursorStore, SubscriptionStore } from '../ports.js';
import { isAllowedHookUrl } from './hook-url.js';
import type { SubscribeRequest } from './schemas.js';

export interface SubscriptionDeps {
  subscriptions: SubscriptionStore;
  cursors: CursorStore;
  clock: Clock;
  allowlist: readonly string[];
  newId: () => string;
}

/** The API shape: `id` at the top level, as Zapier's performUnsubscribe reads `bundle.subscribeData.id`. */
export const toSubscriptionResponse = (subscription: Subscription) => ({
  id: subscription.subscriptionId,
  trigger: subscription.trigger,
  type: subscription.type,
  targetUrl: subscription.targetUrl,
  createdAt: subscription.createdAt,
});

/**
 * Stores a subscription. Re-subscribing the same (trigger, type, targetUrl) returns the existing one (a retried
 * performSubscribe must not double deliveries). The first subscription of a stream restarts its high-water mark at
 * now, so a Zap never receives a backlog from before it existed.
 */
export const subscribe = async (
  deps: SubscriptionDeps,
  connection: Connection,
  request: SubscribeRequest,
): Promise<{ subscription: Subscription; created: boolean }> => {
  if (!isAllowedHookUrl(request.targetUrl, deps.allowlist)) {
    const message = `targetUrl must start with one of: ${deps.allowlist.join(', ')}`;
    throw new ValidationError(message, { targetUrl: message });
  }
  const existing = await deps.subscriptions.listByConnection(connection.connectionId);
  const same = existing.find(
    (s) => s.trigger === request.trigger && s.type === request.type && s.targetUrl === request.targetUrl,
  );
  if (same) return { subscription: same, created: false };

  const now = deps.clock.now();
  const stream = streamOf(request.trigger);
  if (!existing.some((s) => streamOf(s.trigger) === stream)) {
    await deps.cursors.reset({ connectionId: connection.connectionId, stream, hwm: now.toISOString(), now });
  }
  const subscription: Subscription = {
    subscriptionId: deps.newId(),
    connectionId: connection.connectionId,
    trigger: request.trigger,
    type: request.type,
    targetUrl: request.targetUrl,
    createdAt: now.toISOString(),
  };
  await deps.subscriptions.put(subscription);
  return { subscription, created: true };
};

/** Idempotent: an unknown (or another tenant's) id is not an error. */
export const unsubscribe = async (
  deps: Pick<SubscriptionDeps, 'subscriptions'>,
  connection: Connection,
  id: string,
) => {
  await deps.subscriptions.delete(connection.connectionId, id);
};

export const listSubscriptions = async (
  deps: Pick<SubscriptionDeps, 'subscriptions'>,
  connection: Connection,
) => (await deps.subscriptions.listByConnection(connection.connectionId)).map(toSubscriptionResponse);
