/**
 * `KonnektiveClient`: the `KonnektiveGateway` port over Konnektive's HTTP API.
 *
 * Every call is a form-encoded POST to `${baseUrl}/<path>/` carrying `loginId` and `password`; every answer is
 * parsed with zod and classified in one place (`classifyEnvelope`). Reads retry transient failures with
 * capped, fully jittered exponential backoff; writes are sent exactly once, because a timeout on
 * `order/import` may hide a charge that went through (the caller holds the idempotency key and decides).
 *
 * Query semantics (see also `windowsFor`):
 * - `range` becomes one call sequence per local day of the account zone (`startDate = endDate`, plus
 *   `startTime`/`endTime`), each paginated; with `sortDir` 0 (newest first) the days are walked newest first.
 *   With `rangeCalls: 'whole-days'` it is one call sequence over every local date the range touches, no times.
 * - Every API call that answers yields exactly one `Page`. An empty result (Konnektive's "No … matching
 *   those parameters could be found" ERROR) on a day's first page yields one empty page (`totalResults` 0); on a
 *   later page it just ends that day. So a multi-day range may yield several pages numbered from 1 per day.
 * - Records are then filtered client-side to the exact range on the query's `dateRangeType` field (default
 *   `dateCreated`): a record is kept if ANY instant its wall time may denote (two in a fall-back hour) lies in
 *   `[start floored to the second, end]`, so an ambiguous timestamp is never dropped. Records whose field is
 *   missing, null or unparseable (e.g. a PHP zero date) are kept: the core sees them rather than losing them.
 * - Records that fail their schema go to `rejected` (`{id, issue}`); the rest of the page is returned.
 * - `Page.totalResults` and `Page.resultsPerPage` are Konnektive's figures for that day's query (before the
 *   exact-range filter), so `records.length` may be smaller than a full page.
 */
import {
  type Campaign,
  type CampaignQuery,
  type CustomerQuery,
  type CustomerRecord,
  type InstantRange,
  type KonnektiveCredentials,
  KonnektiveError,
  type KonnektiveErrorClass,
  type KonnektiveGateway,
  type KonnektiveParams,
  KonnektiveTransientError,
  type OrderQuery,
  type OrderRecord,
  type Page,
  type PageScan,
  type ReadOptions,
  type TransactionQuery,
  type TransactionRecord,
  type WriteOptions,
} from '../../core/konnektive.js';
import {
  DEFAULT_TIME_ZONE,
  formatKonnektiveDate,
  isKonnektiveDateTime,
  type KonnektiveWindow,
  parseKonnektiveDateTime,
  windowsFor,
} from '../../core/zoned-time.js';
import {
  checkCampaignQuery,
  checkCredentials,
  checkCustomerQuery,
  checkOrderQuery,
  checkTransactionQuery,
  checkWriteParams,
  MAX_RESULTS_PER_PAGE,
  scalarText,
} from './arguments.js';
import { ENDPOINTS, type EndpointSpec, KONNEKTIVE_TIMEOUTS } from './endpoints.js';
import { classifyEnvelope, type EnvelopeOutcome } from './envelope.js';
import {
  checkCampaign,
  checkCustomer,
  checkOrder,
  checkTransaction,
  describeIssues,
  listMessageSchema,
  normalizeWriteMessage,
  type RecordCheck,
} from './records.js';
import { backoffDelay, credentialRedactor, encodeForm, type RetryPolicy } from './transport.js';

/** What `onCall` is told about each HTTP attempt. Never carries credentials, parameters or bodies. */
export interface KonnektiveCallInfo {
  /** Endpoint path, e.g. `order/query`. */
  endpoint: string;
  durationMs: number;
  outcome: 'success' | 'empty' | KonnektiveErrorClass;
  /** 1-based attempt number (reads may take several). */
  attempt: number;
}

export interface KonnektiveClientOptions {
  /** e.g. `https://api.konnektive.com` (a trailing slash is ignored). */
  baseUrl: string;
  /** Default `globalThis.fetch`; tests inject a fake. */
  fetch?: typeof fetch;
  /** Per-attempt timeout of reads; default KONNEKTIVE_TIMEOUTS.queryMs. */
  queryTimeoutMs?: number;
  /** Timeout of writes (never retried); default KONNEKTIVE_TIMEOUTS.writeMs. */
  writeTimeoutMs?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Waits between read retries; injectable so tests need no real time. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); injectable for deterministic tests. */
  random?: () => number;
  /** Metrics/logging hook, called once per HTTP attempt. Exceptions it throws are ignored. */
  onCall?: (info: KonnektiveCallInfo) => void;
}

const DEFAULTS = {
  queryTimeoutMs: KONNEKTIVE_TIMEOUTS.queryMs,
  writeTimeoutMs: KONNEKTIVE_TIMEOUTS.writeMs,
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
} as const;

/** Without `totalResults` the walk relies on short pages; this bounds it if the API ignores `page`. */
const MAX_PAGES_WITHOUT_TOTAL = 1_000;

type Success = Exclude<EnvelopeOutcome, { kind: 'error' }>;

/** How one record of a query page is checked and whether it is inside the requested range. */
interface PageReader<T> {
  check(raw: unknown, key: string | undefined): { records: T[]; rejected: Page<T>['rejected'] };
  inRange(record: T): boolean;
  /** The query's date field of a record, for `Page.scan` (range queries only). */
  dateOf?(record: T): string;
}

/** What one logical read may spend: the caller's per-call limits merged over the client's defaults. */
interface CallLimits {
  deadline: number | undefined;
  timeoutMs: number;
  maxAttempts: number;
}

/**
 * Konnektive's answer when `campaign/query` wants dates (some accounts require `startDate`/`endDate` without a
 * campaignId). Then the query is repeated once with a range wide enough for every campaign.
 */
const CAMPAIGN_DATES_REQUIRED = /\b(?:start|end) ?date\b|\bdates? (?:is|are) required/i;
const CAMPAIGN_DATES_FROM = new Date('2000-01-01T12:00:00Z');

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function integerOption(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`KonnektiveClient: ${name} must be an integer ≥ ${min}`);
  }
  return value;
}

/** The Konnektive HTTP client. One instance can serve every tenant: credentials come with each call. */
export class KonnektiveClient implements KonnektiveGateway {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly queryTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onCall: ((info: KonnektiveCallInfo) => void) | undefined;

  constructor(options: KonnektiveClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (error) {
      throw new TypeError('KonnektiveClient: baseUrl must be an absolute http(s) URL', { cause: error });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('KonnektiveClient: baseUrl must be an absolute http(s) URL');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function')
      throw new TypeError('KonnektiveClient: no fetch implementation available');
    this.fetchFn = fetchFn;
    this.queryTimeoutMs = integerOption(options.queryTimeoutMs, DEFAULTS.queryTimeoutMs, 'queryTimeoutMs', 1);
    this.writeTimeoutMs = integerOption(options.writeTimeoutMs, DEFAULTS.writeTimeoutMs, 'writeTimeoutMs', 1);
    this.retry = {
      maxAttempts: integerOption(options.retry?.maxAttempts, DEFAULTS.maxAttempts, 'retry.maxAttempts', 1),
      baseDelayMs: integerOption(options.retry?.baseDelayMs, DEFAULTS.baseDelayMs, 'retry.baseDelayMs', 0),
      maxDelayMs: integerOption(options.retry?.maxDelayMs, DEFAULTS.maxDelayMs, 'retry.maxDelayMs', 0),
    };
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.onCall = options.onCall;
  }

  // ---------------------------------------------------------------- reads

  /** `order/query`, one local day at a time, paginated, filtered to the exact range. */
  async *queryOrders(
    credentials: KonnektiveCredentials,
    query: OrderQuery,
    options?: ReadOptions,
  ): AsyncGenerator<Page<OrderRecord>> {
    const spec = ENDPOINTS.queryOrders;
    const creds = checkCredentials(credentials, spec);
    const q = checkOrderQuery(query, spec);
    const zone = q.timeZone ?? DEFAULT_TIME_ZONE;
    const dateRangeType = q.dateRangeType ?? 'dateCreated';
    const filters = {
      orderStatus: q.orderStatus,
      orderType: q.orderType,
      orderId: q.orderId,
      customerId: q.customerId,
      emailAddress: q.emailAddress,
      phoneNumber: q.phoneNumber,
    };
    yield* this.walkRange(spec, creds, {
      range: q.range,
      rangeCalls: q.rangeCalls,
      zone,
      dateRangeType,
      sortDir: q.sortDir ?? 1,
      sortBy: q.sortBy,
      startPage: q.page ?? 1,
      resultsPerPage: q.resultsPerPage ?? MAX_RESULTS_PER_PAGE,
      filters,
      reader: recordReader(checkOrder, q.range, dateRangeType, zone),
      limits: this.limitsFor(spec, options),
    });
  }

  /** `transactions/query`, one local day at a time, paginated, filtered to the exact range. */
  async *queryTransactions(
    credentials: KonnektiveCredentials,
    query: TransactionQuery,
    options?: ReadOptions,
  ): AsyncGenerator<Page<TransactionRecord>> {
    const spec = ENDPOINTS.queryTransactions;
    const creds = checkCredentials(credentials, spec);
    const q = checkTransactionQuery(query, spec);
    const zone = q.timeZone ?? DEFAULT_TIME_ZONE;
    const dateRangeType = q.dateRangeType ?? 'dateCreated';
    yield* this.walkRange(spec, creds, {
      range: q.range,
      rangeCalls: q.rangeCalls,
      zone,
      dateRangeType,
      sortDir: q.sortDir ?? 1,
      sortBy: q.sortBy,
      startPage: q.page ?? 1,
      resultsPerPage: q.resultsPerPage ?? MAX_RESULTS_PER_PAGE,
      filters: { txnType: q.txnType, responseType: q.responseType, orderId: q.orderId },
      reader: recordReader(checkTransaction, q.range, dateRangeType, zone),
      limits: this.limitsFor(spec, options),
    });
  }

  /**
   * `campaign/query`, paginated; each campaign normalized into `Campaign` with its products (the campaign
   * product ids are what `order/import`'s `product{N}_id` expects). Sent without dates unless the query has a
   * `range`; when Konnektive answers that it wants dates, the query is repeated once over every day since 2000
   * (campaigns are filtered by their own creation date).
   */
  async *queryCampaigns(
    credentials: KonnektiveCredentials,
    query?: CampaignQuery,
    options?: ReadOptions,
  ): AsyncGenerator<Page<Campaign>> {
    const spec = ENDPOINTS.queryCampaigns;
    const creds = checkCredentials(credentials, spec);
    const q = checkCampaignQuery(query, spec);
    const reader: PageReader<Campaign> = {
      check(raw, key) {
        const result = checkCampaign(raw, key);
        return { records: result.campaign === undefined ? [] : [result.campaign], rejected: result.rejected };
      },
      inRange: () => true,
    };
    const zone = q.timeZone ?? DEFAULT_TIME_ZONE;
    const dates = (range: InstantRange) => ({
      startDate: formatKonnektiveDate(range.start, zone),
      endDate: formatKonnektiveDate(range.end, zone),
    });
    const limits = this.limitsFor(spec, options);
    const rpp = q.resultsPerPage ?? MAX_RESULTS_PER_PAGE;
    const base = { campaignId: q.campaignId, ...(q.range ? dates(q.range) : {}) };
    let yielded = false;
    try {
      for await (const page of this.paginate(spec, creds, wireParams(base), rpp, reader, limits)) {
        yielded = true;
        yield page;
      }
    } catch (error) {
      const wantsDates =
        !yielded &&
        q.range === undefined &&
        q.campaignId === undefined &&
        q.dateFallback !== false &&
        error instanceof KonnektiveError &&
        error.errorClass === 'api' &&
        CAMPAIGN_DATES_REQUIRED.test(error.message);
      if (!wantsDates) throw error;
      const wide = dates({ start: CAMPAIGN_DATES_FROM, end: new Date(Date.now() + 86_400_000) });
      yield* this.paginate(spec, creds, wireParams(wide), rpp, reader, limits);
    }
  }

  /**
   * `customer/query`: by `customerId` alone (no dates), or by email or phone over a `range` of the query's
   * `dateRangeType`; paginated, filtered to the exact range like orders.
   */
  async *queryCustomers(
    credentials: KonnektiveCredentials,
    query: CustomerQuery,
    options?: ReadOptions,
  ): AsyncGenerator<Page<CustomerRecord>> {
    const spec = ENDPOINTS.queryCustomers;
    const creds = checkCredentials(credentials, spec);
    const q = checkCustomerQuery(query, spec);
    const zone = q.timeZone ?? DEFAULT_TIME_ZONE;
    const dateRangeType = q.dateRangeType ?? 'dateCreated';
    yield* this.walkRange(spec, creds, {
      range: q.range,
      rangeCalls: q.rangeCalls,
      zone,
      dateRangeType,
      sortDir: q.sortDir ?? 1,
      sortBy: undefined,
      startPage: 1,
      resultsPerPage: q.resultsPerPage ?? MAX_RESULTS_PER_PAGE,
      filters: { customerId: q.customerId, emailAddress: q.emailAddress, phoneNumber: q.phoneNumber },
      reader: recordReader(checkCustomer, q.range, dateRangeType, zone),
      limits: this.limitsFor(spec, options),
    });
  }

  // ---------------------------------------------------------------- writes (never retried)

  /** `order/import`: creates a sale (charges the card). Sent once; a timeout is a `KonnektiveTransientError`. */
  async importOrder(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    options?: WriteOptions,
  ): Promise<Record<string, unknown>> {
    return normalizeWriteMessage(await this.write(ENDPOINTS.importOrder, credentials, params, options));
  }

  /** `leads/import`: creates or updates a lead (PARTIAL order). `dateCreated` comes back as a string. */
  async importLead(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    options?: WriteOptions,
  ): Promise<Record<string, unknown>> {
    return normalizeWriteMessage(await this.write(ENDPOINTS.importLead, credentials, params, options));
  }

  /** `fulfillment/update`. Returns Konnektive's `message` as sent (its shape is undocumented). */
  async updateFulfillment(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    options?: WriteOptions,
  ): Promise<unknown> {
    return this.write(ENDPOINTS.updateFulfillment, credentials, params, options);
  }

  /** `order/cancel`. Returns Konnektive's `message` as sent (its shape is undocumented). */
  async cancelOrder(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    options?: WriteOptions,
  ): Promise<unknown> {
    return this.write(ENDPOINTS.cancelOrder, credentials, params, options);
  }

  /** `customer/update`. Returns Konnektive's `message` as sent (its shape is undocumented). */
  async updateCustomer(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    options?: WriteOptions,
  ): Promise<unknown> {
    return this.write(ENDPOINTS.updateCustomer, credentials, params, options);
  }

  private async write(
    spec: EndpointSpec,
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    options: WriteOptions | undefined,
  ) {
    const creds = checkCredentials(credentials, spec);
    const wire = checkWriteParams(params, spec);
    const outcome = await this.send(spec, creds, wire, this.limitsFor(spec, options));
    // `empty` is only produced for reads; a write's "No …" text is classified as an error.
    return outcome.kind === 'success' ? outcome.message : undefined;
  }

  // ---------------------------------------------------------------- query plumbing

  private async *walkRange<T>(
    spec: EndpointSpec,
    credentials: KonnektiveCredentials,
    args: {
      range: InstantRange | undefined;
      rangeCalls: 'daily' | 'whole-days' | undefined;
      zone: string;
      dateRangeType: 'dateCreated' | 'dateUpdated';
      sortDir: 0 | 1;
      sortBy: 'dateCreated' | 'dateUpdated' | undefined;
      startPage: number;
      resultsPerPage: number;
      filters: Record<string, string | number | undefined>;
      reader: PageReader<T>;
      limits: CallLimits;
    },
  ): AsyncGenerator<Page<T>> {
    const base = wireParams({ ...args.filters, sortBy: args.sortBy, sortDir: args.sortDir });
    const { resultsPerPage, reader, limits } = args;
    if (args.range === undefined) {
      // Only allowed with an orderId or customerId (checked): Konnektive needs no dates then.
      yield* this.paginate(spec, credentials, base, resultsPerPage, reader, limits, args.startPage);
      return;
    }
    const windows: Array<KonnektiveWindow | { startDate: string; endDate: string }> =
      args.rangeCalls === 'whole-days'
        ? [
            {
              startDate: formatKonnektiveDate(args.range.start, args.zone),
              endDate: formatKonnektiveDate(args.range.end, args.zone),
            },
          ]
        : windowsFor(args.range, args.zone);
    if (args.sortDir === 0) windows.reverse();
    let startPage = args.startPage;
    for (const window of windows) {
      const params = { ...base, ...wireParams({ dateRangeType: args.dateRangeType, ...window }) };
      yield* this.paginate(spec, credentials, params, resultsPerPage, reader, limits, startPage);
      startPage = 1;
    }
  }

  /** The caller's per-call limits over the client's defaults (writes: one attempt, always). */
  private limitsFor(spec: EndpointSpec, options: ReadOptions | WriteOptions | undefined): CallLimits {
    const read = spec.kind === 'read';
    const timeoutMs = options?.timeoutMs ?? (read ? this.queryTimeoutMs : this.writeTimeoutMs);
    const maxAttempts = read
      ? ((options as ReadOptions | undefined)?.maxAttempts ?? this.retry.maxAttempts)
      : 1;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
      throw new TypeError('KonnektiveClient: options.timeoutMs must be an integer ≥ 1');
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new TypeError('KonnektiveClient: options.maxAttempts must be an integer ≥ 1');
    }
    return { deadline: options?.deadline, timeoutMs, maxAttempts };
  }

  /**
   * Walks `page = 1, 2, …` of one query. With `totalResults` known it stops once that many records were
   * received (robust to a server that silently caps the page size); without it, on a short page. An empty
   * page or a "No … matching" answer always stops. Memory is bounded by one page.
   */
  private async *paginate<T>(
    spec: EndpointSpec,
    credentials: KonnektiveCredentials,
    params: Record<string, string>,
    resultsPerPage: number,
    reader: PageReader<T>,
    limits: CallLimits,
    startPage = 1,
  ): AsyncGenerator<Page<T>> {
    // Records before the first page read count as received: a resumed walk stops at the same total.
    let received = (startPage - 1) * resultsPerPage;
    for (let page = startPage; ; page++) {
      const outcome = await this.send(
        spec,
        credentials,
        { ...params, resultsPerPage: String(resultsPerPage), page: String(page) },
        limits,
      );
      if (outcome.kind === 'empty') {
        if (page === startPage) {
          yield {
            page,
            resultsPerPage,
            totalResults: 0,
            records: [],
            rejected: [],
            ...(reader.dateOf ? { scan: { received: 0, outside: 0, dates: [] } } : {}),
            emptyText: outcome.message,
          };
        }
        return;
      }
      const list = listMessageSchema.safeParse(outcome.message);
      if (!list.success) {
        throw new KonnektiveError(
          `Konnektive answered ${spec.path} with an unexpected list shape (${describeIssues(list.error)})`,
          spec.path,
        );
      }
      const data = list.data.data ?? [];
      const entries: Array<[string | undefined, unknown]> = Array.isArray(data)
        ? data.map((raw) => [undefined, raw])
        : Object.entries(data);
      received += entries.length;

      const records: T[] = [];
      const rejected: Page<T>['rejected'] = [];
      const scan: PageScan | undefined = reader.dateOf ? { received: 0, outside: 0, dates: [] } : undefined;
      for (const [key, raw] of entries) {
        const checked = reader.check(raw, key);
        rejected.push(...checked.rejected);
        for (const record of checked.records) {
          const inRange = reader.inRange(record);
          if (inRange) records.push(record);
          if (scan && reader.dateOf) {
            scan.received += 1;
            if (!inRange) scan.outside += 1;
            scan.dates.push(reader.dateOf(record));
          }
        }
      }
      const effectivePageSize = list.data.resultsPerPage ?? resultsPerPage;
      const total = list.data.totalResults;
      yield {
        page,
        resultsPerPage: effectivePageSize,
        totalResults: total ?? (page - 1) * effectivePageSize + entries.length,
        records,
        rejected,
        ...(scan ? { scan } : {}),
      };

      if (entries.length === 0) return;
      if (total !== undefined) {
        if (received >= total) return;
      } else {
        if (entries.length < effectivePageSize) return;
        if (page >= MAX_PAGES_WITHOUT_TOTAL) {
          throw new KonnektiveError(
            `Konnektive ${spec.path} kept returning full pages without totalResults after ${page} pages`,
            spec.path,
          );
        }
      }
    }
  }

  // ---------------------------------------------------------------- transport

  /**
   * One logical call: attempts (reads: up to `limits.maxAttempts` on transient errors; writes: exactly one), each
   * bounded by `limits.timeoutMs` and by the deadline; no attempt or retry starts past the deadline.
   */
  private async send(
    spec: EndpointSpec,
    credentials: KonnektiveCredentials,
    params: Record<string, string>,
    limits: CallLimits,
  ): Promise<Success> {
    const { maxAttempts, deadline } = limits;
    const body = encodeForm(credentials, params);
    const redact = credentialRedactor(credentials);
    for (let attempt = 1; ; attempt++) {
      const left = deadline === undefined ? limits.timeoutMs : deadline - Date.now();
      if (left <= 0) {
        throw new KonnektiveTransientError(
          `Konnektive ${spec.path}: no time left for ${attempt === 1 ? 'the call' : 'a retry'} (deadline passed)`,
          spec.path,
          { notSent: attempt === 1 },
        );
      }
      const started = performance.now();
      const outcome = await this.attempt(spec, body, redact, Math.min(limits.timeoutMs, left));
      this.report({
        endpoint: spec.path,
        durationMs: performance.now() - started,
        outcome: outcome.kind === 'error' ? outcome.error.errorClass : outcome.kind,
        attempt,
      });
      if (outcome.kind !== 'error') return outcome;
      if (!(outcome.error instanceof KonnektiveTransientError) || attempt >= maxAttempts) throw outcome.error;
      const delay = backoffDelay(attempt, this.retry, this.random);
      if (deadline !== undefined && Date.now() + delay >= deadline) throw outcome.error;
      await this.sleep(delay);
    }
  }

  /** One HTTP exchange; every failure is returned as an outcome so `send` decides about retries. */
  private async attempt(
    spec: EndpointSpec,
    body: string,
    redact: (text: string) => string,
    timeoutMs: number,
  ): Promise<EnvelopeOutcome> {
    const at = spec.path;
    const transient = (message: string, options?: { cause?: unknown; status?: number }): EnvelopeOutcome => ({
      kind: 'error',
      error: new KonnektiveTransientError(message, at, options),
    });
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Racing against the abort makes the timeout hold even for a fetch (or body stream) that ignores signals.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`timed out after ${timeoutMs} ms`);
        error.name = 'TimeoutError';
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    timedOut.catch(() => undefined); // observed below; avoid an unhandled rejection when nobody races it
    try {
      let response: Response;
      try {
        response = await Promise.race([
          this.fetchFn(`${this.baseUrl}/${at}/`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
            },
            body,
            signal: controller.signal,
            // Never follow: a 307/308 would re-send the credentials to wherever it points.
            redirect: 'manual',
          }),
          timedOut,
        ]);
      } catch (error) {
        if (controller.signal.aborted) return transient(`Konnektive ${at} timed out after ${timeoutMs} ms`);
        return transient(`Konnektive ${at} could not be reached`, { cause: error });
      }
      let text: string;
      try {
        text = await Promise.race([response.text(), timedOut]);
      } catch (error) {
        if (controller.signal.aborted) {
          return transient(`Konnektive ${at} timed out after ${timeoutMs} ms`, { status: response.status });
        }
        return transient(`Konnektive ${at} answer could not be read`, {
          cause: error,
          status: response.status,
        });
      }
      const status = response.status;
      if (status >= 500 || status === 429)
        return transient(`Konnektive ${at} answered HTTP ${status}`, { status });
      if (status < 200 || status >= 300) {
        return { kind: 'error', error: new KonnektiveError(`Konnektive ${at} answered HTTP ${status}`, at) };
      }
      let json: unknown;
      try {
        json = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        // No cause attached: the SyntaxError quotes the body, which may carry customer data.
        return transient(`Konnektive ${at} answered a non-JSON body (HTTP ${status}, ${text.length} chars)`, {
          status,
        });
      }
      return classifyEnvelope(json, spec, redact);
    } finally {
      clearTimeout(timer);
    }
  }

  private report(info: KonnektiveCallInfo): void {
    if (this.onCall === undefined) return;
    try {
      this.onCall(info);
    } catch {
      // A metrics hook must never change the outcome of a call.
    }
  }
}

/** Query filters → wire text, dropping undefined ones. */
function wireParams(values: Record<string, string | number | undefined>): Record<string, string> {
  const wire: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const text = scalarText(value);
    if (typeof text === 'string') wire[name] = text;
  }
  return wire;
}

/** Reader of order/transaction records: schema check, then the exact-range filter on `dateRangeType`. */
function recordReader<T extends Record<string, unknown>>(
  check: (raw: unknown) => RecordCheck<T>,
  range: InstantRange | undefined,
  dateRangeType: 'dateCreated' | 'dateUpdated',
  zone: string,
): PageReader<T> {
  const startMs = range === undefined ? undefined : Math.floor(range.start.getTime() / 1000) * 1000;
  const endMs = range?.end.getTime();
  return {
    check(raw) {
      const result = check(raw);
      return result.ok
        ? { records: [result.record], rejected: [] }
        : { records: [], rejected: [{ id: result.id, issue: result.issue }] };
    },
    dateOf(record) {
      const value = record[dateRangeType];
      return typeof value === 'string' ? value.trim() : '';
    },
    inRange(record) {
      if (startMs === undefined || endMs === undefined) return true;
      const value = record[dateRangeType];
      if (typeof value !== 'string' || !isKonnektiveDateTime(value.trim())) return true;
      return parseKonnektiveDateTime(value, zone).alternatives.some((alt) => {
        const t = alt.getTime();
        return t >= startMs && t <= endMs;
      });
    },
  };
}
