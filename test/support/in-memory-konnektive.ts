/**
 * An in-memory KonnektiveGateway for core tests: records with account-zone wall times, filtered by the query's
 * range and dateRangeType, sorted, and paginated like the real API. Counts calls; can fail on demand.
 */
import type {
  Campaign,
  KonnektiveCredentials,
  KonnektiveGateway,
  OrderQuery,
  OrderRecord,
  Page,
  TransactionQuery,
  TransactionRecord,
} from '../../functions/core/konnektive.js';
import { formatKonnektiveDateTime, parseKonnektiveDateTime } from '../../functions/core/zoned-time.js';

export class InMemoryKonnektive implements KonnektiveGateway {
  orders: OrderRecord[] = [];
  transactions: TransactionRecord[] = [];
  readonly calls: Array<{ endpoint: string; query: OrderQuery | TransactionQuery }> = [];
  /** Throw this error on the next query calls (shifted per call). */
  failures: Error[] = [];
  /** Called after each page is produced (to mutate data mid-pagination). */
  afterPage: ((page: number) => void) | undefined;

  constructor(readonly timeZone = 'UTC') {}

  /** Wall-time string of an instant in the fake account's zone. */
  wall(instant: Date): string {
    return formatKonnektiveDateTime(instant, this.timeZone);
  }

  queryOrders(_credentials: KonnektiveCredentials, query: OrderQuery): AsyncIterable<Page<OrderRecord>> {
    return this.paginate('order/query', query, () => this.orders);
  }

  queryTransactions(
    _credentials: KonnektiveCredentials,
    query: TransactionQuery,
  ): AsyncIterable<Page<TransactionRecord>> {
    return this.paginate('transactions/query', query, () => this.transactions);
  }

  async *queryCampaigns(): AsyncIterable<Page<Campaign>> {
    yield { page: 1, resultsPerPage: 200, totalResults: 0, records: [], rejected: [] };
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

  private async *paginate<T extends Record<string, unknown>>(
    endpoint: string,
    query: OrderQuery | TransactionQuery,
    source: () => T[],
  ): AsyncIterable<Page<T>> {
    this.calls.push({ endpoint, query });
    const failure = this.failures.shift();
    if (failure) throw failure;
    const field = query.dateRangeType ?? 'dateCreated';
    const perPage = query.resultsPerPage ?? 200;
    const zone = query.timeZone ?? this.timeZone;
    const select = () =>
      source()
        .filter((record) => {
          if ('orderStatus' in query && query.orderStatus && record.orderStatus !== query.orderStatus)
            return false;
          if ('responseType' in query && query.responseType && record.responseType !== query.responseType)
            return false;
          if ('txnType' in query && query.txnType && record.txnType !== query.txnType) return false;
          if (!query.range) return true;
          const at = parseKonnektiveDateTime(String(record[field]), zone).instant.getTime();
          return at >= query.range.start.getTime() && at <= query.range.end.getTime();
        })
        .sort((a, b) => String(a[field]).localeCompare(String(b[field])) * (query.sortDir === 0 ? -1 : 1));
    for (let page = 1; ; page++) {
      const all = select();
      const records = all.slice((page - 1) * perPage, page * perPage);
      yield { page, resultsPerPage: perPage, totalResults: all.length, records, rejected: [] };
      this.afterPage?.(page);
      if (records.length < perPage || page * perPage >= all.length) return;
    }
  }
}

let counter = 0;
/** A Konnektive-shaped order. */
export const order = (fields: Partial<OrderRecord> & { dateCreated: string }): OrderRecord => {
  counter += 1;
  return {
    orderId: counter.toString(16).toUpperCase().padStart(10, '0'),
    orderStatus: 'COMPLETE',
    orderType: 'NEW_SALE',
    dateUpdated: fields.dateCreated,
    totalAmount: '10.00',
    customerId: counter,
    items: [],
    ...fields,
  };
};

/** A Konnektive-shaped transaction. */
export const transaction = (
  fields: Partial<TransactionRecord> & { dateCreated: string },
): TransactionRecord => {
  counter += 1;
  return {
    transactionId: counter,
    txnType: 'SALE',
    responseType: 'SUCCESS',
    dateUpdated: fields.dateCreated,
    totalAmount: '10.00',
    orderId: counter.toString(16).toUpperCase().padStart(10, '0'),
    ...fields,
  };
};
