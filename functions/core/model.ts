/**
 * Domain model shared by the use cases. Pure types: no AWS, no HTTP.
 */
import type { ContractFindings } from './contract/findings.js';
import type { StreamProgress, StreamStrategy } from './triggers/cursor-state.js';

export const ORDER_TYPES = ['NEW_SALE', 'CANCELLED', 'NEW_LEAD'] as const;
export const TRANSACTION_TYPES = ['DECLINE', 'REFUND'] as const;
export const TRIGGERS = ['order', 'transaction'] as const;
export const STREAMS = ['orders', 'transactions'] as const;

export type OrderEventType = (typeof ORDER_TYPES)[number];
export type TransactionEventType = (typeof TRANSACTION_TYPES)[number];
export type EventType = OrderEventType | TransactionEventType;
export type Trigger = (typeof TRIGGERS)[number];
/** A Konnektive read we poll: orders by dateUpdated, transactions by dateCreated. */
export type Stream = (typeof STREAMS)[number];

/** The stream that feeds a trigger. */
export const streamOf = (trigger: Trigger): Stream => (trigger === 'order' ? 'orders' : 'transactions');

/** A merchant's Konnektive API user, our tenant. Keyed by loginId. */
export interface Connection {
  connectionId: string;
  loginId: string;
  /** Opaque ciphertext from the CredentialCipher; never the password itself. */
  encryptedPassword: string;
  /** IANA zone of the Konnektive account (dates carry no offset). */
  timeZone: string;
  /** Shown in Zapier and in payloads; the loginId unless set otherwise. */
  label: string;
  status: 'active' | 'invalid';
  createdAt: string;
  updatedAt: string;
  /** What the contract probe found out about this account's API (absent until a probe ran). */
  contract?: ContractFindings | undefined;
}

/** A bearer token, stored only as its SHA-256 hash. */
export interface TokenRecord {
  tokenHash: string;
  connectionId: string;
  createdAt: string;
}

/** One Zap's REST-hook subscription. */
export interface Subscription {
  subscriptionId: string;
  connectionId: string;
  trigger: Trigger;
  type: EventType;
  targetUrl: string;
  createdAt: string;
}

/** High-water mark and single-flight lease of one (connection, stream). */
export interface Cursor {
  connectionId: string;
  stream: Stream;
  /** UTC ISO-8601 instant: everything up to here has been published. */
  hwm: string;
  /** Bumped by every successful checkpoint; optimistic-lock token. */
  version: number;
  leaseOwner?: string | undefined;
  /** Epoch milliseconds after which the lease may be taken over. */
  leaseExpiresAt?: number | undefined;
  /** When the last checkpoint was written (UTC ISO-8601). */
  updatedAt?: string | undefined;
  /** How this stream is read (absent: not decided yet; the poller starts from the connection's probe findings). */
  strategy?: StreamStrategy | undefined;
  /** Overlap counts, an unfinished walk, the reconciliation: cleared when the stream is reset. */
  progress?: StreamProgress | undefined;
}

/** Outcome of recording an event in the ledger. */
export type LedgerOutcome =
  /** First time seen: publish it. */
  | { status: 'new' }
  /** Seen before by a poll that checkpointed after it: suppress. */
  | { status: 'seen'; firstSeenAt: string; cursorVersion: number };

/** A stored idempotent action result. */
export interface IdempotencyRecord {
  key: string;
  bodyHash: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  /** Present when COMPLETED: the HTTP status and body returned the first time. */
  response?: { statusCode: number; body: unknown } | undefined;
  /** Epoch ms when an IN_PROGRESS claim may be taken over (crashed request). */
  inProgressExpiresAt: number;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
}

/** An event as published to the bus and delivered to hooks. */
export interface DetectedEvent {
  /** Stable per (connection, type, record). */
  eventId: string;
  connectionId: string;
  trigger: Trigger;
  type: EventType;
  /** Konnektive record id (orderId or transactionId). */
  recordId: string;
  /** UTC ISO-8601. */
  occurredAt: string;
  /** UTC ISO-8601 of detection, for latency metrics. */
  detectedAt: string;
  /** The hook payload (serialized record). */
  payload: HookPayload;
}

/** What a Zap receives: the Konnektive record unchanged plus our four fields. */
export type HookPayload = Record<string, unknown> & {
  id: string;
  event: string;
  occurredAt: string;
  connection: string;
};
