/**
 * Replaying a time range of detected events to one subscription, deliberately: every archived event of the
 * subscription's connection, trigger and type detected in the range is queued as a delivery message naming only that
 * subscription, with `redeliver: true`, so it posts even where a delivered marker says it already did (the replay's
 * own markers keep its retries and copies from posting twice; docs/delivery.md, "Delivery messages"). No other
 * subscription is touched. The archive is the bus archive in AWS and the local bus's archive under `npm start`.
 */
import * as z from 'zod';
import { NotFoundError, ValidationError } from '../errors.js';
import type { DetectedEvent, Subscription } from '../model.js';
import type { Clock, ConnectionStore, DeliveryQueue, SubscriptionStore } from '../ports.js';
import type { DeliveryMessage } from '../triggers/schemas.js';

/** What a replay asks the archive for: one connection's events of one trigger and type, detected in [from, to). */
export interface ArchiveQuery {
  from: Date;
  to: Date;
  connectionId: string;
  trigger: Subscription['trigger'];
  type: Subscription['type'];
}

/** The events kept for replay, read back in batches (an archive may hold more than fits in memory at once). */
export interface EventArchive {
  /** Archived events matching `query` (an archive may return more; the replay filters again). */
  events(query: ArchiveQuery): AsyncIterable<DetectedEvent[]>;
}

const isoInstant = z.iso.datetime({
  offset: true,
  error: 'an ISO-8601 instant such as 2026-11-25T12:00:00Z',
});

export const replayRequestSchema = z
  .object({
    from: isoInstant,
    to: isoInstant,
    subscriptionId: z.string().min(1, 'a subscription id').max(200),
  })
  .refine((request) => Date.parse(request.to) > Date.parse(request.from), {
    error: 'must be after --from',
    path: ['to'],
  });
export type ReplayRequest = z.output<typeof replayRequestSchema>;

export const replayResultSchema = z.object({
  subscriptionId: z.string(),
  connectionId: z.string(),
  what: z.string(),
  from: z.string(),
  to: z.string(),
  /** Delivery messages queued (one per event). */
  queued: z.number().int().nonnegative(),
  /** Their `firstAttemptAt`: the replay's markers are `<eventId>@<this>`. */
  replayedAt: z.string(),
  /** Up to 20 of the event ids queued. */
  eventIds: z.array(z.string()),
});
export type ReplayResult = z.output<typeof replayResultSchema>;

export interface ReplayDeps {
  connections: Pick<ConnectionStore, 'list'>;
  subscriptions: Pick<SubscriptionStore, 'listByConnection'>;
  archive: EventArchive;
  deliveries: Pick<DeliveryQueue, 'send'>;
  clock: Clock;
}

/** A subscription by id alone (subscriptions are kept per connection: an ops command may look through them all). */
export const findSubscription = async (
  deps: Pick<ReplayDeps, 'connections' | 'subscriptions'>,
  subscriptionId: string,
): Promise<Subscription | undefined> => {
  for (const connection of await deps.connections.list()) {
    const found = (await deps.subscriptions.listByConnection(connection.connectionId)).find(
      (subscription) => subscription.subscriptionId === subscriptionId,
    );
    if (found) return found;
  }
  return undefined;
};

/** Queues the range's events for `subscriptionId` only, with `redeliver: true`. */
export const replayToSubscription = async (deps: ReplayDeps, input: unknown): Promise<ReplayResult> => {
  const parsed = replayRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
  }
  const request = parsed.data;
  const subscription = await findSubscription(deps, request.subscriptionId);
  if (!subscription) throw new NotFoundError(`No subscription ${request.subscriptionId}`);
  const from = new Date(request.from);
  const to = new Date(request.to);
  const replayedAt = deps.clock.now().toISOString();
  const matches = (event: DetectedEvent) => {
    const detected = Date.parse(event.detectedAt);
    return (
      event.connectionId === subscription.connectionId &&
      event.trigger === subscription.trigger &&
      event.type === subscription.type &&
      detected >= from.getTime() &&
      detected < to.getTime()
    );
  };
  const seen = new Set<string>();
  const eventIds: string[] = [];
  const query: ArchiveQuery = {
    from,
    to,
    connectionId: subscription.connectionId,
    trigger: subscription.trigger,
    type: subscription.type,
  };
  for await (const batch of deps.archive.events(query)) {
    const messages: DeliveryMessage[] = [];
    for (const event of batch) {
      // An archive replay may hand an event over more than once; one delivery message per event.
      if (!matches(event) || seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      if (eventIds.length < 20) eventIds.push(event.eventId);
      messages.push({
        event,
        targets: [subscription.subscriptionId],
        redeliver: true,
        attempt: 1,
        firstAttemptAt: replayedAt,
      });
    }
    if (messages.length > 0) await deps.deliveries.send(messages, deps.clock.now());
  }
  return {
    subscriptionId: subscription.subscriptionId,
    connectionId: subscription.connectionId,
    what: `${subscription.trigger}.${subscription.type}`,
    from: from.toISOString(),
    to: to.toISOString(),
    queued: seen.size,
    replayedAt,
    eventIds,
  };
};
