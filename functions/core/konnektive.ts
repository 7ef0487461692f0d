/**
 * What the core needs from Konnektive CRM: the port, its record types and one error hierarchy.
 * The adapter (functions/adapters/konnektive) implements `KonnektiveGateway` over HTTP; tests use fakes.
 */

/** An API user's credentials; sent on every call, never logged. */
export interface KonnektiveCredentials {
  loginId: string;
  password: string;
}

/**
 * A Konnektive order record, every field kept as Konnektive sent it (the payload must be unchanged).
 * Only the fields the core reasons about are typed.
 */
export type OrderRecord = Record<string, unknown> & {
  orderId: string;
  orderStatus: string;
  orderType?: string | null | undefined;
  /** `YYYY-MM-DD HH:MM:SS` in the account zone. */
  dateCreated: string;
  dateUpdated?: string | null | undefined;
};

/** A Konnektive transaction record, every field kept as sent. */
export type TransactionRecord = Record<string, unknown> & {
  /** Integer in Konnektive; normalized to a string id here. */
  transactionId: string | number;
  txnType: string;
  responseType: string;
  dateCreated: string;
  dateUpdated?: string | null | undefined;
};

/** A Konnektive customer record, every field kept as sent. */
export type CustomerRecord = Record<string, unknown> & {
  customerId: number;
  dateCreated?: string | null | undefined;
  dateUpdated?: string | null | undefined;
};

export interface CampaignProduct {
  campaignProductId: number | string;
  name: string;
  price?: string | null | undefined;
  [key: string]: unknown;
}

export interface Campaign {
  campaignId: number | string;
  campaignName: string;
  products: CampaignProduct[];
  [key: string]: unknown;
}

/** An inclusive UTC instant range; the adapter turns it into account-zone dates and times. */
export interface InstantRange {
  start: Date;
  end: Date;
}

/**
 * How a query's `range` is sent. `daily` (the default): one call sequence per local day with `startTime`/`endTime`,
 * exact, what a poll needs. `whole-days`: one call sequence for every local date the range touches, without times
 * (a search over months, where a call per day would be hundreds of calls). Either way the records are filtered to
 * the exact range afterwards.
 */
export type RangeCalls = 'daily' | 'whole-days';

export interface OrderQuery {
  range?: InstantRange | undefined;
  rangeCalls?: RangeCalls | undefined;
  dateRangeType?: 'dateCreated' | 'dateUpdated' | undefined;
  orderStatus?: 'COMPLETE' | 'PARTIAL' | 'DECLINED' | 'REFUNDED' | 'CANCELLED' | undefined;
  orderType?: string | undefined;
  orderId?: string | undefined;
  customerId?: number | string | undefined;
  /** Exact-match filters (Konnektive compares them as stored). */
  emailAddress?: string | undefined;
  phoneNumber?: string | undefined;
  /** IANA zone of the account; default America/New_York. */
  timeZone?: string | undefined;
  /** 1..200; default 200. */
  resultsPerPage?: number | undefined;
  /** 0 = newest first, 1 = oldest first (default). */
  sortDir?: 0 | 1 | undefined;
  /** The date field to sort on (Konnektive's default is not documented; the poller names it). */
  sortBy?: 'dateCreated' | 'dateUpdated' | undefined;
  /** First page to read (1-based, default 1), to resume a walk; applies to the first local day of the range. */
  page?: number | undefined;
}

export interface TransactionQuery {
  range?: InstantRange | undefined;
  rangeCalls?: RangeCalls | undefined;
  dateRangeType?: 'dateCreated' | 'dateUpdated' | undefined;
  txnType?: 'SALE' | 'AUTHORIZE' | 'CAPTURE' | 'VOID' | 'REFUND' | undefined;
  responseType?: 'SUCCESS' | 'HARD_DECLINE' | 'SOFT_DECLINE' | undefined;
  orderId?: string | undefined;
  timeZone?: string | undefined;
  resultsPerPage?: number | undefined;
  sortDir?: 0 | 1 | undefined;
  sortBy?: 'dateCreated' | 'dateUpdated' | undefined;
  page?: number | undefined;
}

/**
 * Per-call limits of a read, so a caller fits it into the time it has left (a poll must keep time to checkpoint).
 * Each limit overrides the client's default for this call only.
 */
export interface ReadOptions {
  /** Epoch ms: no attempt starts after it, and an attempt in flight is abandoned at it (a transient error). */
  deadline?: number | undefined;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number | undefined;
  /** Attempts on transient failures (1 = no retry). */
  maxAttempts?: number | undefined;
}

/**
 * What a page looked like before the client's exact-range filter: lets a caller check the API's contract (did a
 * narrowed window narrow? did the sort apply?) and count what lies below a watermark.
 */
export interface PageScan {
  /** Records on the page that passed their schema, before the exact-range filter. */
  received: number;
  /** Of those, how many lie outside the requested range on the query's date field. */
  outside: number;
  /** The query's date field of each received record, in the order sent (account-zone wall time; '' if missing). */
  dates: string[];
}

export interface CampaignQuery {
  campaignId?: number | string;
  resultsPerPage?: number;
  /** Sent as whole days (`startDate`/`endDate`); some accounts may require them without a campaignId. */
  range?: InstantRange | undefined;
  timeZone?: string | undefined;
  /** When Konnektive asks for dates, ask again with a wide range (default true; the contract probe turns it off). */
  dateFallback?: boolean | undefined;
}

/** `customer/query`: by customerId alone, or any filter with a `range` (Konnektive wants dates then). */
export interface CustomerQuery {
  customerId?: number | string | undefined;
  emailAddress?: string | undefined;
  phoneNumber?: string | undefined;
  range?: InstantRange | undefined;
  rangeCalls?: RangeCalls | undefined;
  dateRangeType?: 'dateCreated' | 'dateUpdated' | undefined;
  timeZone?: string | undefined;
  resultsPerPage?: number | undefined;
  sortDir?: 0 | 1 | undefined;
}

/** One page of a query. An empty window is an empty page, not an error. */
export interface Page<T> {
  page: number;
  resultsPerPage: number;
  totalResults: number;
  records: T[];
  /** Records dropped because they failed schema validation (schema drift), with their id when known. */
  rejected: Array<{ id: string | undefined; issue: string }>;
  /** The page before the exact-range filter (order and transaction queries). */
  scan?: PageScan | undefined;
  /** Konnektive's own text when it answered "no results" (an ERROR that the client reads as an empty page). */
  emptyText?: string | undefined;
}

/** Parameters for writes, in Konnektive's own names (`product1_id`, `billShipSame`, …), already validated. */
export type KonnektiveParams = Record<string, string | number | undefined>;

/** The Konnektive calls the system makes. Reads retry transient failures; writes never retry blindly. */
export interface KonnektiveGateway {
  queryOrders(
    credentials: KonnektiveCredentials,
    query: OrderQuery,
    options?: ReadOptions,
  ): AsyncIterable<Page<OrderRecord>>;
  queryTransactions(
    credentials: KonnektiveCredentials,
    query: TransactionQuery,
    options?: ReadOptions,
  ): AsyncIterable<Page<TransactionRecord>>;
  queryCampaigns(
    credentials: KonnektiveCredentials,
    query?: CampaignQuery,
    options?: ReadOptions,
  ): AsyncIterable<Page<Campaign>>;
  queryCustomers(
    credentials: KonnektiveCredentials,
    query: CustomerQuery,
    options?: ReadOptions,
  ): AsyncIterable<Page<CustomerRecord>>;
  importOrder(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<Record<string, unknown>>;
  importLead(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<Record<string, unknown>>;
  updateFulfillment(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<unknown>;
  cancelOrder(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<unknown>;
  updateCustomer(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<unknown>;
}

/** Classes for metrics (`KonnektiveErrors` dimension) and for HTTP mapping. */
export type KonnektiveErrorClass =
  | 'auth'
  | 'not_whitelisted'
  | 'permission'
  | 'validation'
  | 'declined'
  | 'redirect'
  | 'not_found'
  | 'transient'
  | 'api';

/** Base of every Konnektive failure. `message` is Konnektive's own text where there is one. */
export class KonnektiveError extends Error {
  readonly errorClass: KonnektiveErrorClass = 'api';
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KonnektiveError';
  }
}

/** `Could not authenticate credentials`: wrong loginId/password. Never retried (repeated bad logins may lock the user). */
export class KonnektiveAuthError extends KonnektiveError {
  override readonly errorClass = 'auth' as const;
  constructor(message: string, endpoint: string) {
    super(message, endpoint);
    this.name = 'KonnektiveAuthError';
  }
}

/** `IP must be whitelisted - <ip>`: our egress IP is not on the API user's whitelist. */
export class KonnektiveNotWhitelistedError extends KonnektiveError {
  override readonly errorClass = 'not_whitelisted' as const;
  constructor(
    message: string,
    endpoint: string,
    /** The caller IP Konnektive saw, when it said. */
    readonly callerIp: string | undefined,
  ) {
    super(message, endpoint);
    this.name = 'KonnektiveNotWhitelistedError';
  }
}

/** The API user lacks the permission for an endpoint (Konnektive's text is not documented). */
export class KonnektivePermissionError extends KonnektiveError {
  override readonly errorClass = 'permission' as const;
  constructor(
    message: string,
    endpoint: string,
    /** Human name of the permission, e.g. "Query Orders". */
    readonly permission: string,
  ) {
    super(message, endpoint);
    this.name = 'KonnektivePermissionError';
  }
}

/** Konnektive refused the input: a sentence, or field → text pairs. */
export class KonnektiveValidationError extends KonnektiveError {
  override readonly errorClass = 'validation' as const;
  constructor(
    message: string,
    endpoint: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message, endpoint);
    this.name = 'KonnektiveValidationError';
  }
}

/** `Transaction Declined: …` from order/import. `reason` is the text after the prefix. */
export class KonnektiveDeclinedError extends KonnektiveError {
  override readonly errorClass = 'declined' as const;
  constructor(
    message: string,
    endpoint: string,
    readonly reason: string,
  ) {
    super(message, endpoint);
    this.name = 'KonnektiveDeclinedError';
  }
}

/** `MERC_REDIRECT`: the sale needs a redirect (3-D Secure or alternative payment) that a Zap cannot follow. */
export class KonnektiveRedirectError extends KonnektiveError {
  override readonly errorClass = 'redirect' as const;
  constructor(
    message: string,
    endpoint: string,
    readonly redirect: unknown,
  ) {
    super(message, endpoint);
    this.name = 'KonnektiveRedirectError';
  }
}

/** The order, customer or other record named in the call does not exist. */
export class KonnektiveNotFoundError extends KonnektiveError {
  override readonly errorClass = 'not_found' as const;
  constructor(message: string, endpoint: string) {
    super(message, endpoint);
    this.name = 'KonnektiveNotFoundError';
  }
}

/** Timeout, network failure, HTTP 5xx or a non-JSON body: worth retrying later. */
export class KonnektiveTransientError extends KonnektiveError {
  override readonly errorClass = 'transient' as const;
  constructor(message: string, endpoint: string, options?: { cause?: unknown; status?: number }) {
    super(message, endpoint, options);
    this.name = 'KonnektiveTransientError';
    this.status = options?.status;
  }
  readonly status: number | undefined;
}
