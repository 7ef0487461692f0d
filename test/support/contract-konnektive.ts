/**
 * A KonnektiveGateway for the poller's tests that behaves like the HTTP client in front of the real API (where the
 * scriptable FakeKonnektive answers each query at once, this one answers as the client would): one
 * query per account-zone day (`startDate = endDate`, `startTime`/`endTime`), pages of `resultsPerPage` with
 * `totalResults` counted on the server side, records filtered to the exact range afterwards, and `Page.scan` telling
 * what the page held before that filter. The API's unknowns are switches (`contract`): time filters and sorting
 * honoured or ignored. Counts every page (one HTTP call each); can fail, pause or mutate data between pages.
 */
import {
  type Campaign,
  type CustomerRecord,
  type KonnektiveCredentials,
  type KonnektiveGateway,
  KonnektiveTransientError,
  type OrderQuery,
  type OrderRecord,
  type Page,
  type ReadOptions,
  type TransactionQuery,
  type TransactionRecord,
} from '../../functions/core/konnektive.js';
import {
  formatKonnektiveDateTime,
  parseKonnektiveDateTime,
  windowsFor,
} from '../../functions/core/zoned-time.js';

export interface KonnektiveContract {
  timeFilters: 'honoured' | 'ignored';
  sorting: 'honoured' | 'ignored';
}

/** One page request, as the HTTP client would have sent it. */
export interface ContractCall {
  endpoint: 'order/query' | 'transactions/query';
  query: OrderQuery | TransactionQuery;
  /** `MM/DD/YYYY` of the (first) day asked for ('' without a range). */
  day: string;
  /** `MM/DD/YYYY` of the last day (differs from `day` only for whole-days queries). */
  endDay: string;
  startTime: string;
  endTime: string;
  page: number;
  options: ReadOptions | undefined;
}

/** What the client sends for one query: a day (or, whole-days, a span of days) and optional times. */
interface DayWindow {
  startDate: string;
  endDate: string;
  startTime?: string;
  endTime?: string;
}

const NOUNS = { 'order/query': 'orders', 'transactions/query': 'transactions' } as const;

const toIsoDay = (mdy: string) => `${mdy.slice(6, 10)}-${mdy.slice(0, 2)}-${mdy.slice(3, 5)}`;

export class ContractKonnektive implements KonnektiveGateway {
  orders: OrderRecord[] = [];
  transactions: TransactionRecord[] = [];
  contract: KonnektiveContract = { timeFilters: 'honoured', sorting: 'honoured' };
  /** One entry per page requested (an HTTP call). */
  readonly calls: ContractCall[] = [];
  /** Thrown by the next page calls (shifted per call). */
  failures: Error[] = [];
  /** Called after each page is produced (to mutate data mid-pagination). */
  afterPage: ((page: number) => void) | undefined;
  /** Awaited before each page is answered (a slow page); honours the call's deadline like the client. */
  beforePage: (() => Promise<void>) | undefined;

  constructor(readonly timeZone = 'UTC') {}

  /** Wall-time string of an instant in the fake account's zone. */
  wall(instant: Date): string {
    return formatKonnektiveDateTime(instant, this.timeZone);
  }

  /** Page calls made to one endpoint. */
  callsTo(endpoint: ContractCall['endpoint']): ContractCall[] {
    return this.calls.filter((call) => call.endpoint === endpoint);
  }

  queryOrders(
    _credentials: KonnektiveCredentials,
    query: OrderQuery,
    options?: ReadOptions,
  ): AsyncIterable<Page<OrderRecord>> {
    return this.walk('order/query', query, options, () => this.orders);
  }

  queryTransactions(
    _credentials: KonnektiveCredentials,
    query: TransactionQuery,
    options?: ReadOptions,
  ): AsyncIterable<Page<TransactionRecord>> {
    return this.walk('transactions/query', query, options, () => this.transactions);
  }

  async *queryCampaigns(): AsyncIterable<Page<Campaign>> {
    yield { page: 1, resultsPerPage: 200, totalResults: 0, records: [], rejected: [] };
  }

  // biome-ignore lint/correctness/useYield: never read by the poller or the probe
  async *queryCustomers(): AsyncIterable<Page<CustomerRecord>> {
    throw new Error('not used in trigger tests');
  }

  async importOrder(): Promise<Record<string, unknown>> {
    throw new Error('not used in trigger tests');
  }
  async importLead(): Promise<Record<string, unknown>> {
    throw new Error('not used in trigger tests');
  }
  async updateFulfillment(): Promise<unknown> {
    throw new Error('not used in trigger tests');
  }
  async cancelOrder(): Promise<unknown> {
    throw new Error('not used in trigger tests');
  }
  async updateCustomer(): Promise<unknown> {
    throw new Error('not used in trigger tests');
  }

  private async *walk<T extends Record<string, unknown>>(
    endpoint: ContractCall['endpoint'],
    query: OrderQuery | TransactionQuery,
    options: ReadOptions | undefined,
    source: () => T[],
  ): AsyncIterable<Page<T>> {
    const zone = query.timeZone ?? this.timeZone;
    const field = query.dateRangeType ?? 'dateCreated';
    let windows: Array<DayWindow | undefined> = query.range ? windowsFor(query.range, zone) : [undefined];
    if (query.rangeCalls === 'whole-days' && windows.length > 0) {
      windows = [{ startDate: windows[0]?.startDate ?? '', endDate: windows.at(-1)?.endDate ?? '' }];
    }
    if (query.range && query.sortDir === 0) windows.reverse();
    let startPage = query.page ?? 1;
    for (const window of windows) {
      yield* this.day(endpoint, query, options, source, window, field, zone, startPage);
      startPage = 1;
    }
  }

  private async *day<T extends Record<string, unknown>>(
    endpoint: ContractCall['endpoint'],
    query: OrderQuery | TransactionQuery,
    options: ReadOptions | undefined,
    source: () => T[],
    window: DayWindow | undefined,
    field: 'dateCreated' | 'dateUpdated',
    zone: string,
    startPage: number,
  ): AsyncIterable<Page<T>> {
    const perPage = query.resultsPerPage ?? 200;
    const times = this.contract.timeFilters === 'honoured';
    const lower = window ? `${toIsoDay(window.startDate)} ${(times && window.startTime) || '00:00:00'}` : '';
    const upper = window ? `${toIsoDay(window.endDate)} ${(times && window.endTime) || '23:59:59'}` : '';
    const sortBy = query.sortBy ?? field;
    const select = () =>
      source()
        .map((record, index) => ({ record, index }))
        .filter(({ record }) => {
          if ('orderStatus' in query && query.orderStatus && record.orderStatus !== query.orderStatus)
            return false;
          if ('responseType' in query && query.responseType && record.responseType !== query.responseType)
            return false;
          if ('txnType' in query && query.txnType && record.txnType !== query.txnType) return false;
          if ('orderId' in query && query.orderId && record.orderId !== query.orderId) return false;
          if (!window) return true;
          const value = String(record[field]);
          return value >= lower && value <= upper;
        })
        .sort((a, b) => {
          if (this.contract.sorting === 'ignored') {
            return (
              String(a.record.dateCreated).localeCompare(String(b.record.dateCreated)) || a.index - b.index
            );
          }
          const direction = query.sortDir === 0 ? -1 : 1;
          return (
            (String(a.record[sortBy]).localeCompare(String(b.record[sortBy])) || a.index - b.index) *
            direction
          );
        })
        .map(({ record }) => record);
    const startMs = query.range ? Math.floor(query.range.start.getTime() / 1000) * 1000 : undefined;
    const endMs = query.range?.end.getTime();
    const inRange = (record: T) => {
      if (startMs === undefined || endMs === undefined) return true;
      return parseKonnektiveDateTime(String(record[field]), zone).alternatives.some(
        (at) => at.getTime() >= startMs && at.getTime() <= endMs,
      );
    };
    for (let page = startPage; ; page++) {
      this.calls.push({
        endpoint,
        query,
        day: window?.startDate ?? '',
        startTime: window?.startTime ?? '',
        endTime: window?.endTime ?? '',
        endDay: window?.endDate ?? '',
        page,
        options,
      });
      const failure = this.failures.shift();
      if (failure) throw failure;
      if (this.beforePage) await this.slow(this.beforePage(), endpoint, options);
      const all = select();
      const sent = all.slice((page - 1) * perPage, page * perPage);
      const records = sent.filter(inRange);
      try {
        yield {
          page,
          resultsPerPage: perPage,
          totalResults: all.length,
          records,
          rejected: [],
          scan: {
            received: sent.length,
            outside: sent.length - records.length,
            dates: sent.map((record) => String(record[field] ?? '')),
          },
          ...(all.length === 0
            ? { emptyText: `No ${NOUNS[endpoint]} matching those parameters could be found` }
            : {}),
        };
      } finally {
        // Also when the reader stops after this page: the change happened while it held the page.
        this.afterPage?.(page);
      }
      if (sent.length < perPage || page * perPage >= all.length) return;
    }
  }

  /** Waits for a slow page, but no longer than the call's deadline or timeout (then fails like the client). */
  private async slow(work: Promise<void>, endpoint: string, options: ReadOptions | undefined): Promise<void> {
    const limit = Math.min(
      options?.timeoutMs ?? Number.POSITIVE_INFINITY,
      options?.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - Date.now(),
    );
    if (!Number.isFinite(limit)) return work;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KonnektiveTransientError(`Konnektive ${endpoint} timed out after ${limit} ms`, endpoint),
          ),
        Math.max(0, limit),
      );
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

// The record builders are shared with the other fakes.
export { order, transaction } from './fakes.js';
