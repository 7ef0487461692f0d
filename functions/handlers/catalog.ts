/**
 * The table of every function: its name (the file name of `functions/lambda/<name>.ts` and of
 * `functions/handlers/<name>.ts`), how it is invoked (an HTTP API route, or a background source), and what it may
 * touch. The CDK constructs turn it into routes, environment variables and IAM statements, so a function's config
 * and its permissions cannot drift apart; the local runtime builds its routes and workers from it. Plain data (no
 * AWS import), so `lib/` and `local/` can read it. Names are part of the construct-ID contract.
 */
import type { TableKey } from '../adapters/dynamodb/tables.js';

/**
 * DynamoDB access levels; each maps to an explicit action list (no wildcards).
 * - `read`: GetItem, BatchGetItem, Query.
 * - `readScan`: `read` plus Scan (the dispatcher walks every subscription; the stream monitor reads whole tables).
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
  readonly kind: 'api';
  readonly method: ApiMethod;
  readonly path: string;
  /**
   * Reachable without a bearer token (`POST /sessions` creates one; `GET /openapi.json` documents the API). Every
   * other route authenticates in the function (hashed bearer token looked up in DynamoDB).
   */
  readonly public?: boolean;
}

/**
 * What invokes a background function: the dispatcher's schedule, the stream monitor's own schedule (separate, so a
 * stopped dispatcher schedule is seen), or a queue.
 */
export type BackgroundSource = 'schedule' | 'monitor-schedule' | 'poll-queue' | 'delivery-queue';

/** A function invoked by the scheduler or a queue. */
export interface BackgroundSpec extends HandlerSpec {
  readonly kind: 'background';
  readonly source: BackgroundSource;
}

/**
 * How the API functions' time nests, outermost first: API Gateway gives up on an integration after
 * `gatewayIntegrationMs` (a 500 the caller cannot tell from a bug); every API function times out a little before
 * (`functionTimeoutMs`); and its Konnektive calls end `answerMarginMs` before the invocation's remaining time (the
 * answer and the store writes after the last call, e.g. an action's idempotency record). So a slow Konnektive is a
 * 503 with Retry-After, never a gateway 500. The CDK reads the function timeout from here; infra tests assert
 * Konnektive budget < function timeout < integration limit.
 */
export const API_TIME_LIMITS = {
  gatewayIntegrationMs: 29_000,
  functionTimeoutMs: 28_000,
  answerMarginMs: 3_000,
} as const;

/** The most time an API request's Konnektive calls can have together (a full invocation minus the margin). */
export const KONNEKTIVE_API_BUDGET_MS = API_TIME_LIMITS.functionTimeoutMs - API_TIME_LIMITS.answerMarginMs;

const AUTHENTICATED = { tokens: 'read', connections: 'read' } as const satisfies HandlerSpec['tables'];

/** Handlers behind the HTTP API, keyed by entry name. */
export const API_HANDLERS = {
  'create-session': {
    kind: 'api',
    method: 'POST',
    path: '/sessions',
    public: true,
    summary: 'verifies Konnektive credentials, stores them encrypted, issues a bearer token',
    callsKonnektive: true,
    tables: { connections: 'readWrite', tokens: 'readWrite' },
    key: 'encryptDecrypt',
  },
  'get-me': {
    kind: 'api',
    method: 'GET',
    path: '/me',
    summary: "the caller's connection (Zapier's auth test)",
    callsKonnektive: false,
    tables: AUTHENTICATED,
  },
  'revoke-session': {
    kind: 'api',
    method: 'DELETE',
    path: '/sessions/current',
    summary: 'revokes the bearer token',
    callsKonnektive: false,
    tables: { tokens: 'readWrite', connections: 'read' },
  },
  'create-subscription': {
    kind: 'api',
    method: 'POST',
    path: '/subscriptions',
    summary: 'REST-hook subscribe',
    callsKonnektive: false,
    tables: { ...AUTHENTICATED, subscriptions: 'readWrite', cursors: 'readWrite' },
    hookAllowlist: true,
  },
  'list-subscriptions': {
    kind: 'api',
    method: 'GET',
    path: '/subscriptions',
    summary: "the caller's subscriptions",
    callsKonnektive: false,
    tables: { ...AUTHENTICATED, subscriptions: 'read' },
  },
  'delete-subscription': {
    kind: 'api',
    method: 'DELETE',
    path: '/subscriptions/{id}',
    summary: 'REST-hook unsubscribe (idempotent)',
    callsKonnektive: false,
    tables: { ...AUTHENTICATED, subscriptions: 'readWrite' },
  },
  'get-samples': {
    kind: 'api',
    method: 'GET',
    path: '/triggers/{trigger}/samples',
    summary: 'newest real records for the Zap editor',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'run-action': {
    kind: 'api',
    method: 'POST',
    path: '/actions/{action}',
    summary: 'idempotent Konnektive write (sale, lead, fulfillment, cancel, customer)',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate', idempotency: 'readWrite' },
    key: 'decrypt',
  },
  'find-orders': {
    kind: 'api',
    method: 'GET',
    path: '/orders',
    summary: 'order search by orderId, email or phone (Find Order)',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'find-customers': {
    kind: 'api',
    method: 'GET',
    path: '/customers',
    summary: 'customer search by email or phone (Find Customer)',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'list-campaigns': {
    kind: 'api',
    method: 'GET',
    path: '/campaigns',
    summary: 'campaign dropdown',
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'list-campaign-products': {
    kind: 'api',
    method: 'GET',
    path: '/campaigns/{campaignId}/products',
    summary: "a campaign's products dropdown",
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'probe-contract': {
    kind: 'api',
    method: 'POST',
    path: '/contract-probe',
    summary:
      "read-only contract probe: which answer holds to each unknown of Konnektive's API, stored with the connection",
    callsKonnektive: true,
    tables: { tokens: 'read', connections: 'readUpdate' },
    key: 'decrypt',
  },
  'get-openapi': {
    kind: 'api',
    method: 'GET',
    path: '/openapi.json',
    public: true,
    summary: 'OpenAPI document',
    callsKonnektive: false,
    tables: {},
  },
} as const satisfies Record<string, ApiRouteSpec>;

/** Functions invoked by the scheduler or a queue, keyed by entry name. */
export const BACKGROUND_HANDLERS = {
  /** Scheduled every minute: the tick's poll requests of each (connection, stream) in use, spaced by the cadence. */
  'dispatch-polls': {
    kind: 'background',
    source: 'schedule',
    summary: 'turns active subscriptions into poll requests per (connection, stream), spaced by the cadence',
    callsKonnektive: false,
    tables: { subscriptions: 'readScan' },
  },
  /** One (connection, stream) per SQS message. */
  'poll-stream': {
    kind: 'background',
    source: 'poll-queue',
    summary: 'polls one (connection, stream) and publishes new events',
    callsKonnektive: true,
    tables: { connections: 'readUpdate', cursors: 'readWrite', ledger: 'readWrite' },
    key: 'decrypt',
  },
  /** POSTs events from the delivery queue to every matching subscription's hook. */
  'deliver-events': {
    kind: 'background',
    source: 'delivery-queue',
    summary: 'POSTs each event to the matching Zapier hooks',
    callsKonnektive: false,
    tables: { subscriptions: 'readDelete', deliveries: 'readWrite', hookRates: 'readWrite' },
    hookAllowlist: true,
  },
  /** Scheduled every minute, independently of the dispatcher: stream staleness, stuck leases, invalid connections. */
  'monitor-streams': {
    kind: 'background',
    source: 'monitor-schedule',
    summary: 'publishes the staleness of every stream in use, stuck leases and invalid connections in use',
    callsKonnektive: false,
    // Read-only: it scans what is in use and judges it; it never changes anything.
    tables: { subscriptions: 'readScan', cursors: 'readScan', connections: 'readScan' },
  },
} as const satisfies Record<string, BackgroundSpec>;

/** Every function, API and background alike. */
export const HANDLERS = { ...API_HANDLERS, ...BACKGROUND_HANDLERS } as const;

export type ApiHandlerName = keyof typeof API_HANDLERS;

/** Every handler entry name, i.e. every file `functions/lambda/<name>.ts` the stacks bundle. */
export type HandlerName = keyof typeof HANDLERS;
export const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

/** `create-session` → `CreateSession`: the construct ID of a handler's function. */
export const constructIdOf = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
