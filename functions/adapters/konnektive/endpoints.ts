/**
 * The Konnektive endpoints this client calls: path, the API-user permission that grants it (as Konnektive's
 * admin screen names it, so an operator can find the checkbox), and whether it only reads (reads may be
 * retried; writes never are, because a lost answer may hide a charge that went through).
 */
export interface EndpointSpec {
  /** Path without slashes, e.g. `order/query`; also the `endpoint` carried by errors and metrics. */
  readonly path: string;
  /** Human name of the API-user permission ("Access Details") for this endpoint. */
  readonly permission: string;
  readonly kind: 'read' | 'write';
}

export const ENDPOINTS = {
  queryOrders: { path: 'order/query', permission: 'Query Orders', kind: 'read' },
  queryTransactions: { path: 'transactions/query', permission: 'Query Transactions', kind: 'read' },
  queryCampaigns: { path: 'campaign/query', permission: 'Query Campaigns', kind: 'read' },
  queryCustomers: { path: 'customer/query', permission: 'Query Customers', kind: 'read' },
  importOrder: { path: 'order/import', permission: 'Import Orders', kind: 'write' },
  importLead: { path: 'leads/import', permission: 'Import Leads', kind: 'write' },
  updateFulfillment: { path: 'fulfillment/update', permission: 'Update Fulfillment', kind: 'write' },
  cancelOrder: { path: 'order/cancel', permission: 'Cancel Order', kind: 'write' },
  updateCustomer: { path: 'customer/update', permission: 'Update Customer', kind: 'write' },
} as const satisfies Record<string, EndpointSpec>;

/**
 * Default timeouts: a read attempt (reads are retried), and a write (never retried). `KONNEKTIVE_*_TIMEOUT_MS`
 * override them. A caller's deadline caps both (an API request's calls end before its function's time does).
 */
export const KONNEKTIVE_TIMEOUTS = { queryMs: 30_000, writeMs: 25_000 } as const;
