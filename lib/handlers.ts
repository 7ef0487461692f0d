/**
 * The catalog of Lambda handlers: for each entry file in `functions/handlers/`, what it may touch. The constructs
 * turn this into environment variables and IAM statements, so a function's config and its permissions cannot drift
 * apart. Names are the entry file names (kebab-case) and are part of the construct-ID contract.
 */
import type { TableKey } from '../functions/adapters/dynamodb/tables.js';

/**
 * DynamoDB access levels; each maps to an explicit action list (no wildcards).
 * - `read`: GetItem, BatchGetItem, Query.
 * - `readScan`: `read` plus Scan (the dispatcher walks every subscription).
 * - `readDelete`: `read` plus DeleteItem (the deliverer drops a subscription whose Zap answered 410).
 * - `readUpdate`: `read` plus UpdateItem (a function that marks a connection invalid when Konnektive rejects its
 *   stored password).
 * - `readWrite`: `read` plus PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem.
 */
export type TableAccess = 'read' | 'readScan' | 'readDelete' | 'readUpdate' | 'readWrite';

/** What a function may do with the credentials key: decrypt stored passwords, or also encrypt new ones. */
export type KeyAccess = 'decrypt' | 'encryptDecrypt';

/** What one handler needs. */
export interface HandlerSpec {
  /** One line for the function's description. */
  readonly summary: string;
  /**
   * Calls the Konnektive API: runs in the VPC's private subnets (fixed egress through the NAT gateways' Elastic IPs)
   * and gets `KONNEKTIVE_API_URL` and `EGRESS_IPS`.
   */
  readonly callsKonnektive: boolean;
  /** Tables it uses and how; it gets the env var of these tables and no others. */
  readonly tables: Partial<Record<TableKey, TableAccess>>;
  /** Access to the credentials KMS key (always bound to a `connectionId` encryption context). */
  readonly key?: KeyAccess;
  /** Gets `HOOK_URL_ALLOWLIST` (checks a targetUrl before storing or POSTing to it). */
  readonly hookAllowlist?: boolean;
}

/** HTTP methods the API uses. */
export type ApiMethod = 'GET' | 'POST' | 'DELETE';

/** A handler behind one HTTP API route. */
export interface ApiRouteSpec extends HandlerSpec {
  readonly method: ApiMethod;
  readonly path: string;
  /**
   * Reachable without a bearer token (`POST /sessions` creates one; `GET /openapi.json` documents the API). Every
   * other route authenticates in the function (hashed bearer token looked up in DynamoDB).
   */
  readonly public?: boolean;
}

const AUTHENTICATED = { tokens: 'read', connections: 'read' } as const satisfies HandlerSpec['tables'];

/** Handlers behind the HTTP API, keyed by entry name. */
export const API_HANDLERS = {
  'create-session': {
    method: 'POST',
    path: '/sessions',
    public: true,
    summary: 'verifies Konnektive credentials, stores them encrypted, issues a bearer token',
    callsKonnektive: true,
    tables: { connections: 'readWrite', tokens: 'readWrite' },
    key: 'encryptDecrypt',
  },
  'get-me': {
    method: 'GET',
    path: '/me',
    summary: "the caller's connection (Zapier's auth test)",
    callsKonnektive: false,
    tables: AUTHENTICATED,
  },
  'revoke-session': {
    method: 'DELETE',
    path: '/sessions/current',
    summary: 'revokes the bearer token',
    callsKonnektive: false,
    tables: { tokens: 'readWrite', connections: 'read' },
  },
  'create-subscription': {
    method: 'POST',
    path: '/subscriptions',
    summary: 'REST-hook subscribe',
    callsKonnektive: false,
    tables: { ...AUTHENTICATED, subscriptions: 'readWrite', cursors: 'readWrite' },
    hookAllowlist: true,
  },
  'list-subscriptions': {
    method: 'GET',
    path: '/subscriptions',
    summary: "the caller's subscriptions",
    callsKonnektive: false,
    tables: { ...AUTHENTICATED, subscriptions: 'read' },
  },
  'delete-subscription': {
    method: 'DELETE',
    path: '/subscriptions/{id}',
    summary: 'REST-hook unsubscribe (idempotent)',
    callsKonnektive: false,
    tables: { ...AUTHENTICATED, subscriptions: 'readWrite' },
  },
  'get-samples': {
    method: 'GET',
    path: '/triggers/{trigger}/samples',
    summary: 'newest real records for the Zap editor',
    callsKonnektive: true,
    tables: AUTHENTICATED,
    key: 'decrypt',
  },
  'run-action': {
    method: 'POST',
    path: '/actions/{action}',
    summary: 'idempotent Konnektive write (sale, lead, fulfillment, cancel, customer)',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate', idempotency: 'readWrite' },
    key: 'decrypt',
  },
  'list-campaigns': {
    method: 'GET',
    path: '/campaigns',
    summary: 'campaign dropdown',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'list-campaign-products': {
    method: 'GET',
    path: '/campaigns/{campaignId}/products',
    summary: "a campaign's products dropdown",
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'get-openapi': {
    method: 'GET',
    path: '/openapi.json',
    public: true,
    summary: 'OpenAPI document',
    callsKonnektive: false,
    tables: {},
  },
} as const satisfies Record<string, ApiRouteSpec>;

/** The dispatcher: scheduled every minute, one poll request per (connection, stream) in use. */
export const DISPATCH_HANDLER = {
  summary: 'turns active subscriptions into one poll request per (connection, stream)',
  callsKonnektive: false,
  tables: { subscriptions: 'readScan' },
} as const satisfies HandlerSpec;

/** The poller: one (connection, stream) per SQS message. */
export const POLL_HANDLER = {
  summary: 'polls one (connection, stream) and publishes new events',
  callsKonnektive: true,
  tables: { connections: 'readUpdate', cursors: 'readWrite', ledger: 'readWrite' },
  key: 'decrypt',
} as const satisfies HandlerSpec;

/** The deliverer: POSTs events from the delivery queue to every matching subscription's hook. */
export const DELIVER_HANDLER = {
  summary: 'POSTs each event to the matching Zapier hooks',
  callsKonnektive: false,
  tables: { subscriptions: 'readDelete', deliveries: 'readWrite', hookRates: 'readWrite' },
  hookAllowlist: true,
} as const satisfies HandlerSpec;

export type ApiHandlerName = keyof typeof API_HANDLERS;

/** Every handler entry name, i.e. every file `functions/handlers/<name>.ts` the stacks bundle. */
export const HANDLER_NAMES = [
  ...(Object.keys(API_HANDLERS) as ApiHandlerName[]),
  'dispatch-polls',
  'poll-stream',
  'deliver-events',
] as const;

export type HandlerName = (typeof HANDLER_NAMES)[number];

/** `create-session` → `CreateSession`: the construct ID of a handler's function. */
export const constructIdOf = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
