/** Wraps the Konnektive gateway so the console can say what was polled (queries only; writes pass through). */
import type { KonnektiveCredentials, KonnektiveGateway, Page } from '../../functions/core/konnektive.js';
import type { ActivityLog } from './activity.js';

const observeQuery = <T>(
  pages: AsyncIterable<Page<T>>,
  stream: string,
  credentials: KonnektiveCredentials,
  activity: ActivityLog,
): AsyncIterable<Page<T>> => ({
  async *[Symbol.asyncIterator]() {
    const started = Date.now();
    let records = 0;
    try {
      for await (const page of pages) {
        records += page.records.length;
        yield page;
      }
    } catch (error) {
      activity.emit({
        kind: 'poll-error',
        connection: credentials.loginId,
        stream,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    if (records > 0) {
      activity.emit({
        kind: 'polled',
        connection: credentials.loginId,
        stream,
        records,
        durationMs: Date.now() - started,
      });
    }
  },
});

export const observeGateway = (inner: KonnektiveGateway, activity: ActivityLog): KonnektiveGateway => ({
  queryOrders: (credentials, query, options) =>
    observeQuery(inner.queryOrders(credentials, query, options), 'orders', credentials, activity),
  queryTransactions: (credentials, query, options) =>
    observeQuery(inner.queryTransactions(credentials, query, options), 'transactions', credentials, activity),
  queryCampaigns: (credentials, query, options) => inner.queryCampaigns(credentials, query, options),
  queryCustomers: (credentials, query, options) => inner.queryCustomers(credentials, query, options),
  importOrder: (credentials, params) => inner.importOrder(credentials, params),
  importLead: (credentials, params) => inner.importLead(credentials, params),
  updateFulfillment: (credentials, params) => inner.updateFulfillment(credentials, params),
  cancelOrder: (credentials, params) => inner.cancelOrder(credentials, params),
  updateCustomer: (credentials, params) => inner.updateCustomer(credentials, params),
});
