/**
 * In-memory implementations of the trigger-side ports with the same conditional semantics as the DynamoDB
 * adapters (which are tested against DynamoDB Local): for fast core tests.
 */
import type {
  Connection,
  Cursor,
  DetectedEvent,
  EventType,
  LedgerOutcome,
  Stream,
  Subscription,
  Trigger,
} from '../../functions/core/model.js';
import { streamOf } from '../../functions/core/model.js';
import {
  type Clock,
  type ConnectionStore,
  CursorConflictError,
  type CursorStore,
  type DeliveryMarkerStore,
  type EventLedger,
  type EventPublisher,
  type HookResponse,
  type HookSender,
  type SubscriptionStore,
} from '../../functions/core/ports.js';

export class SteppingClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class MemoryConnections implements ConnectionStore {
  readonly items = new Map<string, Connection>();
  async upsert(input: Omit<Connection, 'createdAt' | 'updatedAt'>, now: Date) {
    const existing = this.items.get(input.connectionId);
    const item = {
      ...input,
      createdAt: existing?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    };
    this.items.set(input.connectionId, item);
    return item;
  }
  async get(id: string) {
    return this.items.get(id);
  }
  async setStatus(id: string, status: Connection['status'], now: Date) {
    const item = this.items.get(id);
    if (item) this.items.set(id, { ...item, status, updatedAt: now.toISOString() });
  }
  async list() {
    return [...this.items.values()];
  }
}

export class MemorySubscriptions implements SubscriptionStore {
  readonly items = new Map<string, Subscription>();
  async put(subscription: Subscription) {
    if (this.items.has(subscription.subscriptionId)) throw new Error('exists');
    this.items.set(subscription.subscriptionId, subscription);
  }
  async get(connectionId: string, id: string) {
    const item = this.items.get(id);
    return item?.connectionId === connectionId ? item : undefined;
  }
  async delete(connectionId: string, id: string) {
    const item = this.items.get(id);
    if (item?.connectionId !== connectionId) return false;
    return this.items.delete(id);
  }
  async listByConnection(connectionId: string) {
    return [...this.items.values()].filter((s) => s.connectionId === connectionId);
  }
  async listFor(connectionId: string, trigger: Trigger, type: EventType) {
    return [...this.items.values()].filter(
      (s) => s.connectionId === connectionId && s.trigger === trigger && s.type === type,
    );
  }
  async listActiveStreams() {
    const seen = new Map<string, { connectionId: string; stream: Stream }>();
    for (const s of this.items.values()) {
      const stream = streamOf(s.trigger);
      seen.set(`${s.connectionId}|${stream}`, { connectionId: s.connectionId, stream });
    }
    return [...seen.values()];
  }
}

export class MemoryCursors implements CursorStore {
  readonly items = new Map<string, Cursor>();
  private key(connectionId: string, stream: Stream) {
    return `${connectionId}|${stream}`;
  }
  async get(connectionId: string, stream: Stream) {
    const item = this.items.get(this.key(connectionId, stream));
    return item ? { ...item } : undefined;
  }
  async acquireLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
    initialHwm: string;
  }) {
    const key = this.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    if (
      existing?.leaseOwner &&
      existing.leaseOwner !== args.owner &&
      (existing.leaseExpiresAt ?? 0) >= args.now.getTime()
    ) {
      return undefined;
    }
    const item: Cursor = {
      connectionId: args.connectionId,
      stream: args.stream,
      hwm: existing?.hwm ?? args.initialHwm,
      version: existing?.version ?? 0,
      leaseOwner: args.owner,
      leaseExpiresAt: args.now.getTime() + args.leaseMs,
      updatedAt: existing?.updatedAt,
    };
    this.items.set(key, item);
    return { ...item };
  }
  async checkpoint(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    expectedVersion: number;
    hwm: string;
    now: Date;
    leaseExpiresAt: number;
  }) {
    const key = this.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    if (!existing || existing.version !== args.expectedVersion || existing.leaseOwner !== args.owner) {
      throw new CursorConflictError('conflict');
    }
    const item = {
      ...existing,
      hwm: args.hwm,
      version: existing.version + 1,
      updatedAt: args.now.toISOString(),
      leaseExpiresAt: args.leaseExpiresAt,
    };
    this.items.set(key, item);
    return { ...item };
  }
  async reset(args: { connectionId: string; stream: Stream; hwm: string; now: Date }) {
    const key = this.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    this.items.set(key, {
      connectionId: args.connectionId,
      stream: args.stream,
      hwm: args.hwm,
      version: (existing?.version ?? 0) + 1,
      leaseOwner: existing?.leaseOwner,
      leaseExpiresAt: existing?.leaseExpiresAt,
      updatedAt: args.now.toISOString(),
    });
  }
  async releaseLease(connectionId: string, stream: Stream, owner: string) {
    const item = this.items.get(this.key(connectionId, stream));
    if (item?.leaseOwner === owner) {
      item.leaseOwner = undefined;
      item.leaseExpiresAt = undefined;
    }
  }
  async list() {
    return [...this.items.values()];
  }
}

export class MemoryLedger implements EventLedger {
  readonly items = new Map<string, { firstSeenAt: string; cursorVersion: number; expiresAt: number }>();
  async record(args: {
    connectionId: string;
    eventId: string;
    firstSeenAt: Date;
    cursorVersion: number;
    expiresAt: Date;
  }): Promise<LedgerOutcome> {
    const key = `${args.connectionId}|${args.eventId}`;
    const existing = this.items.get(key);
    if (existing && existing.expiresAt > args.firstSeenAt.getTime()) {
      return { status: 'seen', firstSeenAt: existing.firstSeenAt, cursorVersion: existing.cursorVersion };
    }
    this.items.set(key, {
      firstSeenAt: args.firstSeenAt.toISOString(),
      cursorVersion: args.cursorVersion,
      expiresAt: args.expiresAt.getTime(),
    });
    return { status: 'new' };
  }
}

export class MemoryMarkers implements DeliveryMarkerStore {
  readonly items = new Set<string>();
  async has(subscriptionId: string, eventId: string) {
    return this.items.has(`${subscriptionId}|${eventId}`);
  }
  async mark(subscriptionId: string, eventId: string) {
    this.items.add(`${subscriptionId}|${eventId}`);
  }
}

/** Records what was published; can be told to fail the next N publishes. */
export class RecordingPublisher implements EventPublisher {
  readonly events: DetectedEvent[] = [];
  failNext = 0;
  async publish(events: DetectedEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('bus unavailable');
    }
    this.events.push(...events);
  }
}

/** A hook sender whose answers are scripted per URL (default 200); records every POST. */
export class ScriptedHookSender implements HookSender {
  readonly posts: Array<{ url: string; payload: unknown; headers: Record<string, string> }> = [];
  private readonly scripts = new Map<string, HookResponse[]>();
  script(url: string, ...responses: HookResponse[]) {
    this.scripts.set(url, responses);
  }
  async post(url: string, payload: unknown, headers: Record<string, string>): Promise<HookResponse> {
    this.posts.push({ url, payload, headers });
    const queue = this.scripts.get(url);
    return queue && queue.length > 0 ? (queue.shift() as HookResponse) : { kind: 'status', status: 200 };
  }
}

/** Reversible, non-plaintext cipher for core tests. */
export const reversibleCipher = {
  async encrypt(plaintext: string, context: { connectionId: string }) {
    return Buffer.from(`${context.connectionId}|${plaintext}`).toString('base64');
  },
  async decrypt(ciphertext: string, context: { connectionId: string }) {
    const text = Buffer.from(ciphertext, 'base64').toString();
    const prefix = `${context.connectionId}|`;
    if (!text.startsWith(prefix)) throw new Error('wrong context');
    return text.slice(prefix.length);
  },
};
