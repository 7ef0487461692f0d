/**
 * The deliverer's view of subscriptions: a short-lived per-process cache of "who gets events of this (connection,
 * trigger, type)", so a burst of events costs one query per list, not one per event. A list is reused only if it was
 * read after the event was detected — a Zap switched on before detection is never missed — and for a few seconds at
 * most; a 410 (deletion) drops the connection's lists.
 */
import type { EventType, Subscription, Trigger } from '../model.js';
import type { Clock, SubscriptionStore } from '../ports.js';

/** What delivery needs from the subscriptions. */
export interface SubscriptionLookup {
  /** The subscriptions of (connection, trigger, type), read at `asOf` or later (now when absent). */
  listFor(connectionId: string, trigger: Trigger, type: EventType, asOf?: Date): Promise<Subscription[]>;
  delete(connectionId: string, subscriptionId: string): Promise<boolean>;
}

export class RecentSubscriptions implements SubscriptionLookup {
  private readonly lists = new Map<string, { readAt: number; list: Promise<Subscription[]> }>();

  constructor(
    private readonly store: Pick<SubscriptionStore, 'listFor' | 'delete'>,
    private readonly clock: Clock,
    private readonly maxAgeMs = 5_000,
    private readonly maxEntries = 5_000,
  ) {}

  listFor(connectionId: string, trigger: Trigger, type: EventType, asOf?: Date): Promise<Subscription[]> {
    const key = `${connectionId}|${trigger}|${type}`;
    const now = this.clock.now().getTime();
    const cached = this.lists.get(key);
    if (cached && cached.readAt >= (asOf?.getTime() ?? now) && now - cached.readAt <= this.maxAgeMs) {
      return cached.list;
    }
    if (this.lists.size >= this.maxEntries) this.lists.clear();
    const list = this.store.listFor(connectionId, trigger, type);
    const entry = { readAt: now, list };
    this.lists.set(key, entry);
    list.catch(() => {
      if (this.lists.get(key) === entry) this.lists.delete(key);
    });
    return list;
  }

  async delete(connectionId: string, subscriptionId: string): Promise<boolean> {
    for (const key of [...this.lists.keys()]) if (key.startsWith(`${connectionId}|`)) this.lists.delete(key);
    return this.store.delete(connectionId, subscriptionId);
  }
}
