/** Public types of the Konnektive simulator. */
import { type ContractInput, PERMISSION_TEXTS } from './contract.js';

/** Per-endpoint permissions, named as in Konnektive's API-user screen ("Access Details"). */
export const PERMISSIONS = [
  'Query Orders',
  'Query Transactions',
  'Query Campaigns',
  'Query Customers',
  'Query Products',
  'Import Orders',
  'Import Leads',
  'Update Fulfillment',
  'Cancel Order',
  'Update Customer',
  'Refund Order',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** A Konnektive API user. */
export interface SimUser {
  loginId: string;
  password: string;
  /**
   * `'*'` (anywhere) or a list of IPv4/IPv6 addresses and IPv4 CIDR blocks (`127.0.0.0/8`).
   * Default: any loopback address.
   */
  allowedIps?: '*' | string[];
  /** `'*'` (all) or the granted permissions. Default: all. */
  permissions?: '*' | Permission[];
}

/** A patch for {@link SimUser}; omitted fields stay as they are. */
export type SimUserPatch = Partial<Omit<SimUser, 'loginId'>>;

/** Fault injection. Rates are probabilities in [0, 1]; one draw per API request decides among them. */
export interface FaultSettings {
  /** Probability of an HTTP 500, 502 or 503 with an HTML body. */
  errorRate: number;
  /** Probability of holding the request for `hangMs` before answering (the client should time out first). */
  hangRate: number;
  /** How long a hung request is held. */
  hangMs: number;
  /** Probability of an HTTP 200 whose body is an HTML page, not JSON. */
  garbageRate: number;
  /** Added to every API call (faulted or not). */
  latencyMs: number;
  /** Endpoint names (`order/query`) the faults apply to; null = every API endpoint. Never the `/_sim/` routes. */
  endpoints: string[] | null;
  /**
   * When true the request is processed (state changes happen) before the fault replaces the answer: the
   * "charged, but the client saw a timeout" case that idempotency must survive.
   */
  afterProcessing: boolean;
}

export const DEFAULT_FAULTS: FaultSettings = {
  errorRate: 0,
  hangRate: 0,
  hangMs: 60_000,
  garbageRate: 0,
  latencyMs: 0,
  endpoints: null,
  afterProcessing: false,
};

/** How a configured decline card is declined. */
export interface DeclineCard {
  responseType: 'HARD_DECLINE' | 'SOFT_DECLINE';
  /** Text after `Transaction Declined: `. */
  reason: string;
}

export const DEFAULT_DECLINE_CARDS: Readonly<Record<string, DeclineCard>> = {
  '4000000000000002': { responseType: 'HARD_DECLINE', reason: 'Card Declined' },
  '4000000000009995': { responseType: 'SOFT_DECLINE', reason: 'Insufficient Funds' },
};

export const DEFAULT_REDIRECT_CARDS: readonly string[] = ['4000000000003220'];

export const TEST_CARD_NUMBER = '0000000000000000';
export const TEST_CARD_CVV = '100';

/** Request parameters after merging query string and body (body wins). */
export type Params = Record<string, string>;

/** Konnektive's answer: always HTTP 200 with these two keys. */
export type SimEnvelope =
  | { result: 'SUCCESS'; message: unknown }
  | { result: 'ERROR'; message: string | Record<string, string> }
  | { result: 'MERC_REDIRECT'; message: { script: string; url: string } };

/** One API request as the simulator saw it, without secrets. */
export interface LoggedRequest {
  /** Simulator-clock time, ISO-8601 UTC. */
  at: string;
  method: string;
  path: string;
  /** Endpoint name (`order/query`), or null for an unknown path. */
  endpoint: string | null;
  /** Merged parameters; `password` and `cardSecurityCode` removed, `cardNumber` masked to its last 4. */
  params: Record<string, string>;
  /** The caller IP the simulator used for the whitelist. */
  ip: string;
  /** `SUCCESS`, `ERROR`, `MERC_REDIRECT`, `NOT_FOUND`, `FAULT_ERROR`, `FAULT_HANG` or `FAULT_GARBAGE`. */
  result: string;
  /** HTTP status sent (0 while a hung request has not been answered). */
  status: number;
  /** The ERROR message (field objects as JSON), when there is one. */
  error?: string;
  /** Milliseconds the answer was held by `latencyMs` and the contract's page latency (absent when 0). */
  delayMs?: number;
}

/** The order status a declined `order/import` leaves (upstream behaviour is UNKNOWN). */
export type DeclinedOrderStatus = 'DECLINED' | 'PARTIAL';

/** Options of an in-process simulator (no HTTP). */
export interface SimulatorOptions {
  /** PRNG seed; the same seed and the same calls give the same ids. Default 1. */
  seed?: number;
  /** Account zone (IANA). Default America/New_York. */
  timeZone?: string;
  /** API users. Default: the demo user. */
  users?: SimUser[];
  /** Start frozen at this time; default real time. */
  clock?: { now?: Date | string };
  faults?: Partial<FaultSettings>;
  /** Card numbers that decline. Default {@link DEFAULT_DECLINE_CARDS}. */
  declineCards?: Record<string, DeclineCard>;
  /** Card numbers answered with MERC_REDIRECT. Default {@link DEFAULT_REDIRECT_CARDS}. */
  redirectCards?: string[];
  /** Status a declined import leaves. Default DECLINED. */
  declinedOrderStatus?: DeclinedOrderStatus;
  /** Permission refusal text; `{permission}` and `{endpoint}` are replaced. */
  permissionDeniedTemplate?: string;
  /** Honour the `X-Sim-Client-Ip` header as the caller IP. Default true. */
  trustClientIpHeader?: boolean;
  /** How many requests the log keeps (oldest dropped first). Default 10,000. */
  requestLogLimit?: number;
  /** Receives one line per API request (no secrets) and notable events. */
  logger?: (line: string) => void;
  /**
   * How the simulator answers the real API's unknowns: a preset name (`'worst'`) or a patch
   * (`{ timeFilters: 'ignored' }`, `{ preset: 'slow-pages', pageLatency: { minMs: 50, maxMs: 200 } }`).
   * Default: `DEFAULT_CONTRACT`.
   */
  contract?: ContractInput;
  /** Seed this many orders at start (over `from`..`to`, default the last 7 days). */
  seedOrders?: { count: number; from?: Date | string; to?: Date | string };
}

/** The account zone a fresh Konnektive account reports; the backend assumes the same when a connection gives none. */
export { DEFAULT_TIME_ZONE } from '../../functions/core/zoned-time.js';

export const DEMO_USER: Readonly<Required<SimUser>> = {
  loginId: 'demo-api-user',
  password: 'demo-password-123',
  allowedIps: ['127.0.0.0/8', '::1'],
  permissions: '*',
};

export const DEFAULT_PERMISSION_TEMPLATE: string = PERMISSION_TEXTS.default;
