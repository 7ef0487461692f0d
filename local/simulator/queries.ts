/**
 * The query endpoints (konnektive-api.md §2.1, §5, §6, §13): the paged envelope, `dateRangeType`, inclusive
 * whole-day windows in the account zone with optional `startTime`/`endTime`, filters, `sortDir`, and
 * "No … matching those parameters could be found" for an empty page.
 *
 * Window rule (our choice; upstream is not documented): the lower bound is startDate at startTime (default
 * 00:00:00) and the upper bound is endDate at endTime (default 23:59:59), both inclusive, compared with the
 * record's naive account-zone wall time. `HH:MM` means `HH:MM:00`.
 */
import type { Crm } from './crm.js';
import { fail, intOf, ok, str } from './params.js';
import {
  type CustomerState,
  campaignRecord,
  customerRecord,
  money,
  ORDER_STATUSES,
  type OrderState,
  RESPONSE_TYPES,
  type TransactionState,
  TXN_TYPES,
  transactionRecord,
} from './records.js';
import type { SortedIndex } from './sorted-index.js';
import { formatWall, parseDateParam, parseTimeParam, SECONDS_PER_DAY, wallAt } from './time.js';
import type { Params, SimEnvelope } from './types.js';

export const DEFAULT_RESULTS_PER_PAGE = 25;
export const MAX_RESULTS_PER_PAGE = 200;

type DateRangeType = 'dateCreated' | 'dateUpdated';

interface CommonQuery {
  dateRangeType: DateRangeType;
  /** Inclusive wall-millisecond bounds; undefined = open. */
  from: number | undefined;
  to: number | undefined;
  page: number;
  resultsPerPage: number;
  sortDir: 0 | 1;
  queryArgs: Record<string, unknown>;
}

const clip = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * Parses the parameters every query shares. `datesRequired` is false when an identifying filter (orderId …)
 * was sent; `alternatives` names those filters for the error sentence.
 */
const parseCommon = (
  params: Params,
  datesRequired: boolean,
  alternatives: string,
  echo: readonly string[],
): CommonQuery | SimEnvelope => {
  const rangeRaw = str(params, 'dateRangeType') ?? 'dateCreated';
  if (rangeRaw !== 'dateCreated' && rangeRaw !== 'dateUpdated') {
    return fail('Invalid dateRangeType: use dateCreated or dateUpdated');
  }
  const startRaw = str(params, 'startDate');
  const endRaw = str(params, 'endDate');
  if (datesRequired && startRaw === undefined)
    return fail(`startDate is required unless ${alternatives} is given`);
  if (datesRequired && endRaw === undefined)
    return fail(`endDate is required unless ${alternatives} is given`);
  const startDate = startRaw === undefined ? undefined : parseDateParam(startRaw);
  if (startRaw !== undefined && !startDate)
    return fail(`Invalid startDate "${clip(startRaw)}": use MM/DD/YYYY`);
  const endDate = endRaw === undefined ? undefined : parseDateParam(endRaw);
  if (endRaw !== undefined && !endDate) return fail(`Invalid endDate "${clip(endRaw)}": use MM/DD/YYYY`);
  const startTimeRaw = str(params, 'startTime');
  const endTimeRaw = str(params, 'endTime');
  const startTime = startTimeRaw === undefined ? 0 : parseTimeParam(startTimeRaw);
  if (startTime === undefined)
    return fail(`Invalid startTime "${clip(startTimeRaw ?? '')}": use HH:MM or HH:MM:SS`);
  const endTime = endTimeRaw === undefined ? SECONDS_PER_DAY - 1 : parseTimeParam(endTimeRaw);
  if (endTime === undefined)
    return fail(`Invalid endTime "${clip(endTimeRaw ?? '')}": use HH:MM or HH:MM:SS`);

  const rppRaw = str(params, 'resultsPerPage');
  const rpp = rppRaw === undefined ? DEFAULT_RESULTS_PER_PAGE : intOf(rppRaw);
  if (rpp === undefined || rpp < 1) return fail('Invalid resultsPerPage: use a whole number from 1 to 200');
  const pageRaw = str(params, 'page');
  const page = pageRaw === undefined ? 1 : intOf(pageRaw);
  if (page === undefined || page < 1) return fail('Invalid page: use a whole number starting at 1');
  const sortRaw = str(params, 'sortDir');
  if (sortRaw !== undefined && sortRaw !== '0' && sortRaw !== '1') return fail('Invalid sortDir: use 1 or 0');
  const sortDir: 0 | 1 = sortRaw === '0' ? 0 : 1;
  const resultsPerPage = Math.min(rpp, MAX_RESULTS_PER_PAGE);

  const queryArgs: Record<string, unknown> = {
    page,
    sortDir,
    resultsPerPage,
    sortBy: rangeRaw,
    dateRangeType: rangeRaw,
  };
  for (const name of ['startDate', 'endDate', 'startTime', 'endTime', ...echo]) {
    const value = str(params, name);
    if (value !== undefined) queryArgs[name] = value;
  }
  return {
    dateRangeType: rangeRaw,
    from: startDate ? wallAt(startDate, startTime) : undefined,
    to: endDate ? wallAt(endDate, endTime) : undefined,
    page,
    resultsPerPage,
    sortDir,
    queryArgs,
  };
};

const isEnvelope = (value: CommonQuery | SimEnvelope): value is SimEnvelope => 'result' in value;

/** One filter: the parameter, how to validate it, and the predicate it becomes. */
type Filter<T> = (item: T) => boolean;

const enumFilter = <T>(
  params: Params,
  name: string,
  allowed: readonly string[],
  read: (item: T) => string,
  filters: Array<Filter<T>>,
): SimEnvelope | undefined => {
  const value = str(params, name);
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) return fail(`Invalid ${name}: use one of ${allowed.join(', ')}`);
  filters.push((item) => read(item) === value);
  return undefined;
};

const intFilter = <T>(
  params: Params,
  name: string,
  read: (item: T) => number,
  filters: Array<Filter<T>>,
): SimEnvelope | undefined => {
  const raw = str(params, name);
  if (raw === undefined) return undefined;
  const value = intOf(raw);
  if (value === undefined) return fail(`Invalid ${name}: use a whole number`);
  filters.push((item) => read(item) === value);
  return undefined;
};

const textFilter = <T>(
  params: Params,
  name: string,
  read: (item: T) => string | null,
  filters: Array<Filter<T>>,
): void => {
  const value = str(params, name)?.toLowerCase();
  if (value !== undefined) filters.push((item) => (read(item) ?? '').toLowerCase() === value);
};

/** The last matching set per endpoint, so a page walk does not re-filter the window for every page. */
interface CacheEntry<T> {
  key: string;
  version: number;
  matches: T[];
}

export class QueryEngine {
  private readonly cache = new Map<string, CacheEntry<unknown>>();

  constructor(private readonly crm: Crm) {}

  private matches<T>(
    endpoint: string,
    common: CommonQuery,
    candidates: () => T[],
    filters: Array<Filter<T>>,
  ): T[] {
    const { page: _page, resultsPerPage: _rpp, ...rest } = common.queryArgs;
    // Every filter value is echoed in queryArgs, so queryArgs (less paging) plus the window identify the set.
    const key = JSON.stringify([rest, common.from, common.to]);
    const cached = this.cache.get(endpoint) as CacheEntry<T> | undefined;
    if (cached && cached.key === key && cached.version === this.crm.store.version) return cached.matches;
    const matches = candidates().filter((item) => filters.every((f) => f(item)));
    if (common.sortDir === 0) matches.reverse();
    this.cache.set(endpoint, { key, version: this.crm.store.version, matches });
    return matches;
  }

  private page<T>(
    common: CommonQuery,
    matches: T[],
    noun: string,
    toRecord: (item: T) => unknown,
  ): SimEnvelope {
    const start = (common.page - 1) * common.resultsPerPage;
    const slice = matches.slice(start, start + common.resultsPerPage);
    if (slice.length === 0) return fail(`No ${noun} matching those parameters could be found`);
    return ok({
      totalResults: matches.length,
      resultsPerPage: common.resultsPerPage,
      page: common.page,
      data: slice.map(toRecord),
      params: null,
      errors: null,
      sortBy: common.dateRangeType,
      sortDir: common.sortDir,
      queryArgs: common.queryArgs,
    });
  }

  private windowOf<T>(common: CommonQuery, byCreated: SortedIndex<T>, byUpdated: SortedIndex<T>): T[] {
    const index = common.dateRangeType === 'dateUpdated' ? byUpdated : byCreated;
    return index.range(common.from, common.to);
  }

  private inWindow(common: CommonQuery, created: number, updated: number): boolean {
    const wall = common.dateRangeType === 'dateUpdated' ? updated : created;
    return (
      (common.from === undefined || wall >= common.from) && (common.to === undefined || wall <= common.to)
    );
  }

  /** `order/query`. */
  queryOrders(params: Params): SimEnvelope {
    const orderId = str(params, 'orderId')?.toUpperCase();
    const echo = [
      'orderId',
      'orderStatus',
      'orderType',
      'customerId',
      'campaignId',
      'emailAddress',
      'phoneNumber',
      'firstName',
      'lastName',
      'postalCode',
      'city',
      'state',
      'country',
      'ipAddress',
      'isDeclineSave',
    ];
    const common = parseCommon(params, orderId === undefined, 'orderId', echo);
    if (isEnvelope(common)) return common;
    const filters: Array<Filter<OrderState>> = [];
    const problem =
      enumFilter(params, 'orderStatus', ORDER_STATUSES, (o: OrderState) => o.orderStatus, filters) ??
      intFilter(params, 'customerId', (o: OrderState) => o.customerId, filters) ??
      intFilter(params, 'campaignId', (o: OrderState) => o.campaignId, filters);
    if (problem) return problem;
    const orderType = str(params, 'orderType');
    if (orderType !== undefined) filters.push((o) => o.orderType === orderType);
    for (const name of [
      'emailAddress',
      'phoneNumber',
      'firstName',
      'lastName',
      'postalCode',
      'city',
      'state',
      'country',
    ] as const) {
      textFilter(params, name, (o: OrderState) => o.contact[name], filters);
    }
    textFilter(params, 'ipAddress', (o: OrderState) => o.ipAddress, filters);
    const isDeclineSave = str(params, 'isDeclineSave');
    if (isDeclineSave === '1') filters.push(() => false);
    const store = this.crm.store;
    const matches = this.matches<OrderState>(
      'order/query',
      common,
      () => {
        if (orderId === undefined) return this.windowOf(common, store.ordersByCreated, store.ordersByUpdated);
        const order = store.orders.get(orderId);
        return order && this.inWindow(common, order.created.wall, order.updated.wall) ? [order] : [];
      },
      filters,
    );
    return this.page(common, matches, 'orders', (o) => this.crm.record(o));
  }

  /** `transactions/query`. */
  queryTransactions(params: Params): SimEnvelope {
    const orderId = str(params, 'orderId')?.toUpperCase();
    const customerIdRaw = str(params, 'customerId');
    const purchaseId = str(params, 'purchaseId')?.toUpperCase();
    const echo = [
      'orderId',
      'customerId',
      'purchaseId',
      'txnType',
      'responseType',
      'campaignId',
      'paySource',
      'cardLast4',
      'emailAddress',
      'isChargedback',
    ];
    const identified = orderId !== undefined || customerIdRaw !== undefined || purchaseId !== undefined;
    const common = parseCommon(params, !identified, 'orderId, customerId or purchaseId', echo);
    if (isEnvelope(common)) return common;
    const filters: Array<Filter<TransactionState>> = [];
    const problem =
      enumFilter(params, 'txnType', TXN_TYPES, (t: TransactionState) => t.txnType, filters) ??
      enumFilter(params, 'responseType', RESPONSE_TYPES, (t: TransactionState) => t.responseType, filters) ??
      intFilter(params, 'customerId', (t: TransactionState) => t.customerId, filters) ??
      intFilter(params, 'campaignId', (t: TransactionState) => t.campaignId, filters);
    if (problem) return problem;
    if (purchaseId !== undefined) filters.push((t) => t.purchaseIds.includes(purchaseId));
    textFilter(params, 'paySource', (t: TransactionState) => t.payment.paySource, filters);
    textFilter(params, 'cardLast4', (t: TransactionState) => t.payment.cardLast4, filters);
    textFilter(params, 'emailAddress', (t: TransactionState) => t.contact.emailAddress, filters);
    const chargedBack = str(params, 'isChargedback');
    if (chargedBack === '1') filters.push(() => false);
    const store = this.crm.store;
    const matches = this.matches<TransactionState>(
      'transactions/query',
      common,
      () => {
        if (orderId === undefined) {
          return this.windowOf(common, store.transactionsByCreated, store.transactionsByUpdated);
        }
        const key = (t: TransactionState) =>
          common.dateRangeType === 'dateUpdated' ? t.updated.wall : t.created.wall;
        return (store.transactionsByOrder.get(orderId) ?? [])
          .filter((t) => this.inWindow(common, t.created.wall, t.updated.wall))
          .sort((a, b) => key(a) - key(b) || a.transactionId - b.transactionId);
      },
      filters,
    );
    return this.page(common, matches, 'transactions', (t) =>
      transactionRecord(t, this.crm.campaigns.get(t.campaignId)),
    );
  }

  /** `campaign/query`: `message.data` is an object keyed by campaignId. */
  queryCampaigns(params: Params): SimEnvelope {
    const common = parseCommon(params, false, '', ['campaignId', 'campaignName', 'campaignType']);
    if (isEnvelope(common)) return common;
    const campaignIdRaw = str(params, 'campaignId');
    const campaignId = campaignIdRaw === undefined ? undefined : intOf(campaignIdRaw);
    if (campaignIdRaw !== undefined && campaignId === undefined)
      return fail('Invalid campaignId: use a whole number');
    const name = str(params, 'campaignName')?.toLowerCase();
    const type = str(params, 'campaignType');
    if (type !== undefined && !['PHONE', 'ECOMMERCE', 'LANDER'].includes(type)) {
      return fail('Invalid campaignType: use one of PHONE, ECOMMERCE, LANDER');
    }
    const fromText = common.from === undefined ? undefined : formatWall(common.from);
    const toText = common.to === undefined ? undefined : formatWall(common.to);
    const matches = [...this.crm.campaigns.values()]
      .filter(
        (c) =>
          (campaignId === undefined || c.campaignId === campaignId) &&
          (name === undefined || c.campaignName.toLowerCase().includes(name)) &&
          (type === undefined || c.campaignType === type) &&
          (fromText === undefined || c.dateCreated >= fromText) &&
          (toText === undefined || c.dateCreated <= toText),
      )
      .sort((a, b) => (common.sortDir === 1 ? a.campaignId - b.campaignId : b.campaignId - a.campaignId));
    const start = (common.page - 1) * common.resultsPerPage;
    const slice = matches.slice(start, start + common.resultsPerPage);
    if (slice.length === 0) return fail('No campaigns matching those parameters could be found');
    const data: Record<string, unknown> = {};
    for (const campaign of slice) data[String(campaign.campaignId)] = campaignRecord(campaign);
    return ok({
      totalResults: matches.length,
      resultsPerPage: common.resultsPerPage,
      page: common.page,
      data,
      params: null,
      errors: null,
      sortBy: 'campaignId',
      sortDir: common.sortDir,
      queryArgs: { ...common.queryArgs, sortBy: 'campaignId' },
    });
  }

  /** `product/query` (shape upstream is UNKNOWN): the paged envelope with one record per global product. */
  queryProducts(params: Params): SimEnvelope {
    const common = parseCommon(params, false, '', ['productId']);
    if (isEnvelope(common)) return common;
    const filters: Array<Filter<{ productId: number }>> = [];
    const problem = intFilter(params, 'productId', (p: { productId: number }) => p.productId, filters);
    if (problem) return problem;
    const products = new Map<number, Record<string, unknown> & { productId: number }>();
    for (const campaign of this.crm.campaigns.values()) {
      for (const p of campaign.products) {
        const existing = products.get(p.productId);
        if (existing) {
          (existing.campaignIds as number[]).push(campaign.campaignId);
          continue;
        }
        products.set(p.productId, {
          productId: p.productId,
          productName: p.productName,
          productSku: p.sku,
          price: money(p.priceCents),
          shipPrice: money(p.shipCents),
          billingCycleType: p.billingCycleType,
          campaignIds: [campaign.campaignId],
        });
      }
    }
    const matches = [...products.values()]
      .filter((p) => filters.every((f) => f(p)))
      .sort((a, b) => (common.sortDir === 1 ? a.productId - b.productId : b.productId - a.productId));
    return this.page({ ...common, dateRangeType: 'dateCreated' }, matches, 'products', (p) => p);
  }

  /** `customer/query`. */
  queryCustomers(params: Params): SimEnvelope {
    const customerIdRaw = str(params, 'customerId');
    const email = str(params, 'emailAddress');
    const phone = str(params, 'phoneNumber');
    const identified = customerIdRaw !== undefined || email !== undefined || phone !== undefined;
    const echo = ['customerId', 'emailAddress', 'phoneNumber', 'firstName', 'lastName', 'campaignId'];
    const common = parseCommon(params, !identified, 'customerId, emailAddress or phoneNumber', echo);
    if (isEnvelope(common)) return common;
    const filters: Array<Filter<CustomerState>> = [];
    const problem =
      intFilter(params, 'customerId', (c: CustomerState) => c.customerId, filters) ??
      intFilter(params, 'campaignId', (c: CustomerState) => c.campaignId, filters);
    if (problem) return problem;
    for (const name of ['emailAddress', 'phoneNumber', 'firstName', 'lastName'] as const) {
      textFilter(params, name, (c: CustomerState) => c.contact[name], filters);
    }
    const key = (c: CustomerState) =>
      common.dateRangeType === 'dateUpdated' ? c.updated.wall : c.created.wall;
    const matches = [...this.crm.store.customers.values()]
      .filter((c) => this.inWindow(common, c.created.wall, c.updated.wall) && filters.every((f) => f(c)))
      .sort((a, b) => key(a) - key(b) || a.customerId - b.customerId);
    if (common.sortDir === 0) matches.reverse();
    return this.page(common, matches, 'customers', customerRecord);
  }
}
