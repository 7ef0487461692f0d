/**
 * Ports: what the use cases need from the outside world. Adapters in functions/adapters implement them
 * (DynamoDB, KMS, EventBridge, SQS, HTTP); local/ provides local adapters; tests pass in-memory fakes.
 */

import type { ContractFindings } from './contract/findings.js';
import type {
  Connection,
  Cursor,
  DetectedEvent,
  EventType,
  IdempotencyRecord,
  LedgerOutcome,
  Stream,
  Subscription,
  TokenRecord,
  Trigger,
} from './model.js';
import type { StreamProgress, StreamStrategy } from './triggers/cursor-state.js';
import type { DeliveryMessage } from './triggers/schemas.js';

/** Wall-clock time, injectable so tests control it. */
export interface Clock {
  now(): Date;
}

/** Connections (tenants), keyed by connectionId; one per loginId. */
export interface ConnectionStore {
  /**
   * Creates the connection for `loginId` or updates its password/zone/label/status (other attributes, such as the
   * probe's findings, are kept; a requested re-test is cleared: this password has just been decided); returns the
   * stored item.
   */
  upsert(input: Omit<Connection, 'createdAt' | 'updatedAt'>, now: Date): Promise<Connection>;
  get(connectionId: string): Promise<Connection | undefined>;
  setStatus(connectionId: string, status: Connection['status'], now: Date): Promise<void>;
  /** Stores the contract probe's findings on an existing connection (a missing one stays missing). */
  setContract(connectionId: string, contract: ContractFindings, now: Date): Promise<void>;
  /** Every connection (status page, small N). */
  list(): Promise<Connection[]>;
  /** Marks an existing connection for re-test (`retestRequestedAt = now`); false when there is no such connection. */
  requestRetest(connectionId: string, now: Date): Promise<boolean>;
  /** Clears a requested re-test atomically: true for exactly one caller when one was requested. */
  takeRetest(connectionId: string): Promise<boolean>;
}

/** Bearer tokens by hash. */
export interface TokenStore {
  put(record: TokenRecord): Promise<void>;
  get(tokenHash: string): Promise<TokenRecord | undefined>;
  /** Idempotent. */
  delete(tokenHash: string): Promise<void>;
}

/** REST-hook subscriptions, partitioned by connection so tenants are isolated by key. */
export interface SubscriptionStore {
  put(subscription: Subscription): Promise<void>;
  get(connectionId: string, subscriptionId: string): Promise<Subscription | undefined>;
  /** Returns whether something was deleted; deleting a missing id is not an error. */
  delete(connectionId: string, subscriptionId: string): Promise<boolean>;
  listByConnection(connectionId: string): Promise<Subscription[]>;
  listFor(connectionId: string, trigger: Trigger, type: EventType): Promise<Subscription[]>;
  /** Every (connection, stream) with at least one subscription: what the dispatcher polls. */
  listActiveStreams(): Promise<Array<{ connectionId: string; stream: Stream }>>;
}

/** Thrown by a CursorStore when a conditional write lost (lease taken over or version moved). */
export class CursorConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorConflictError';
  }
}

/** High-water marks with an optimistic version and a single-flight lease. */
export interface CursorStore {
  get(connectionId: string, stream: Stream): Promise<Cursor | undefined>;
  /**
   * Takes the lease for `owner` until `now + leaseMs` if it is free or expired, creating the cursor at
   * `initialHwm` when none exists. Returns the cursor, or undefined when another owner holds a live lease.
   */
  acquireLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
    initialHwm: string;
  }): Promise<Cursor | undefined>;
  /**
   * Moves the hwm forward and bumps the version, only if the version is still `expectedVersion` and
   * `owner` still holds the lease (which is extended to `leaseExpiresAt`). `strategy` and `progress`, when given,
   * replace the stored ones in the same write. Throws CursorConflictError otherwise.
   */
  checkpoint(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    expectedVersion: number;
    hwm: string;
    now: Date;
    leaseExpiresAt: number;
    strategy?: StreamStrategy | undefined;
    progress?: StreamProgress | undefined;
  }): Promise<Cursor>;
  /**
   * Extends `owner`'s lease to `now + leaseMs` (a heartbeat while a slow read is in flight). Throws
   * CursorConflictError when `owner` no longer holds it.
   */
  renewLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
  }): Promise<void>;
  /**
   * (Re)starts a stream at `hwm`: creates the cursor if absent, otherwise sets hwm, bumps the version
   * (unconditionally, so an in-flight poll's checkpoint loses) and clears `progress` (the strategy stays: it is
   * about the account's API, not the stream's position). Called when a stream gets its first subscription, so a
   * Zap switched on never receives a backlog from before it existed.
   */
  reset(args: { connectionId: string; stream: Stream; hwm: string; now: Date }): Promise<void>;
  /** Gives the lease up (no-op when not held by owner). */
  releaseLease(connectionId: string, stream: Stream, owner: string): Promise<void>;
  list(): Promise<Cursor[]>;
}

/** Which events have been seen, so a re-read window never publishes twice. */
export interface EventLedger {
  /**
   * Conditionally records `eventId`; 'new' when this call created it. When it already exists, returns when
   * and under which cursor version it was first seen (the caller re-publishes entries whose poll never
   * checkpointed).
   */
  record(args: {
    connectionId: string;
    eventId: string;
    firstSeenAt: Date;
    cursorVersion: number;
    expiresAt: Date;
  }): Promise<LedgerOutcome>;
  /** Which of `eventIds` have a live (unexpired at `now`) entry. */
  has(args: { connectionId: string; eventIds: string[]; now: Date }): Promise<Set<string>>;
}

/** Per-subscription "already delivered" markers, so a retried message never re-posts. */
export interface DeliveryMarkerStore {
  has(subscriptionId: string, eventId: string): Promise<boolean>;
  mark(subscriptionId: string, eventId: string, deliveredAt: Date, expiresAt: Date): Promise<void>;
}

/** Thrown when an idempotency key is reused with a different body. */
export type IdempotencyClaim =
  | { status: 'claimed' }
  | { status: 'completed'; record: IdempotencyRecord }
  | { status: 'in_progress' }
  | { status: 'mismatch' };

/** Action results by Idempotency-Key. */
export interface IdempotencyStore {
  /**
   * Claims `key` for a new request (conditional put), unless a live record exists: then reports it as
   * completed (same body), in progress, or mismatch (different body hash). Expired records are replaced.
   */
  claim(args: {
    key: string;
    bodyHash: string;
    now: Date;
    inProgressMs: number;
    ttlSeconds: number;
  }): Promise<IdempotencyClaim>;
  complete(args: { key: string; response: { statusCode: number; body: unknown } }): Promise<void>;
  /** Drops an in-progress claim so the client may retry (e.g. Konnektive was unreachable). */
  release(key: string): Promise<void>;
}

/** Every storage port, as one process builds them (DynamoDB in AWS and locally, fakes in core tests). */
export interface Stores {
  connections: ConnectionStore;
  tokens: TokenStore;
  subscriptions: SubscriptionStore;
  cursors: CursorStore;
  ledger: EventLedger;
  deliveries: DeliveryMarkerStore;
  idempotency: IdempotencyStore;
}

/** Encrypts Konnektive passwords at rest (KMS in AWS, AES-256-GCM locally), bound to the connection. */
export interface CredentialCipher {
  encrypt(plaintext: string, context: { connectionId: string }): Promise<string>;
  decrypt(ciphertext: string, context: { connectionId: string }): Promise<string>;
}

/** Publishes detected events (EventBridge in AWS, a local bus locally). */
export interface EventPublisher {
  /** Resolves only when every event is durably accepted; rejects otherwise (the caller re-reads later). */
  publish(events: DetectedEvent[]): Promise<void>;
}

/** Result of one POST to a hook URL. */
export type HookResponse =
  | { kind: 'status'; status: number; retryAfterSeconds?: number | undefined }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

/** POSTs one JSON payload to a Zapier hook URL (attempt timeout applied by the adapter). */
export interface HookSender {
  post(url: string, payload: unknown, headers: Record<string, string>): Promise<HookResponse>;
}

/** A rate window [from, to), epoch milliseconds. */
export interface RateBooking {
  from: number;
  to: number;
}

/**
 * Each hook URL's request rate, shared by every process that delivers (Zapier allows about 30 requests/second per
 * hook URL). Bookings are made in fixed windows; a request is sent inside the window it booked.
 */
export interface HookRateLimiter {
  /**
   * Books `count` requests to `url` in the earliest windows with room from `now` on, in order. A booking whose window
   * has begun may be sent at once; a later one is waited for off the worker (the message is queued again until then).
   */
  reserve(url: string, count: number, now: Date): Promise<RateBooking[]>;
  /** Allows at most `perWindow` requests per window to `url` until `until` (0 pauses it after a 429; 1 slows it). */
  restrict(url: string, until: Date, perWindow: number, now: Date): Promise<void>;
}

/** The longest delay a queue message can be given (SQS DelaySeconds); longer waits hop (see DeliveryQueue). */
export const QUEUE_MAX_DELAY_SECONDS = 900;

/** The delivery queue (SQS in AWS, a local queue with the same semantics locally). */
export interface DeliveryQueue {
  /**
   * Queues `messages`, each to be received at or after its `notBefore` (at once when absent). A wait longer than
   * {@link QUEUE_MAX_DELAY_SECONDS} is sent with that delay; the consumer re-sends a message received before its
   * `notBefore` with the rest of the wait (a hop), so no message waits in flight.
   */
  send(messages: DeliveryMessage[], now: Date): Promise<void>;
  /** Parks a message (or an unreadable body) in the dead-letter queue with the reason; the alarm watches it. */
  deadLetter(body: DeliveryMessage | string, reason: string): Promise<void>;
}
