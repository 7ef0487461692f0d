/**
 * The query endpoints: the paged envelope, `dateRangeType`, inclusive whole-day windows in the account zone with
 * optional `startTime`/`endTime`, filters, `sortBy`/`sortDir`, and an ERROR text for an empty page. What the real
 * API leaves open (time filters, sorting, empty texts, campaign dates) follows the active contract variants.
 *
 * Window rule (our choice; upstream is not documented): the lower bound is startDate at startTime (default
 * 00:00:00) and the upper bound is endDate at endTime (default 23:59:59), both inclusive, compared with the
 * record's naive account-zone wall time. `HH:MM` means `HH:MM:00`.
 */
import { type ContractVariants, emptyText, type QueryNoun } from './contract.js';
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

type DateField = 'dateCreated' | 'dateUpdated';

interface CommonQuery {
  dateRangeType: DateField;
  /** Inclusive wall-millisecond bounds; undefined = open. */
  from: number | undefined;
  to: number | undefined;
  page: number;
  resultsPerPage: number;
  /** The order really used (echoed in the envelope). */
  sortBy: DateField;
  sortDir: 0 | 1;
  queryArgs: Record<string, unknown>;
}

const clip = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

interface CommonRules {
  /** False when an identifying filter (orderId …) was sent. */
  datesRequired: boolean;
  /** Names those filters for the error sentence. */
  alternatives: string;
  /** Filters echoed in `queryArgs` as sent. */
  echo: readonly string[];
  contract: Readonly<ContractVariants>;
  /** False for endpoints sorted by id (campaigns, products): `sortBy` is then not read. */
  sortsByDate?: boolean;
}

/** Parses the parameters every query shares. */
const parseCommon = (params: Params, rules: CommonRules): CommonQuery | SimEnvelope => {
  const { datesRequired, alternatives, echo, contract, sortsByDate = true } = rules;
  const rangeRaw = str(params, 'dateRangeType') ?? 'dateCreated';
  if (rangeRaw !== 'dateCreated' && rangeRaw !== 'dateUpdated') {
    return fail('Invalid dateRangeType: use dateCreated or dateUpdated');
  }
  const startRaw = str(params, 'startDate');
  const endRaw = str(params, 'endDate');
  const unless = alternatives === '' ? '' : ` unless ${alternatives} is given`;
  if (datesRequired && startRaw === undefined) return fail(`startDate is required${unless}`);
  if (datesRequired && endRaw === undefined) return fail(`endDate is required${unless}`);
  const startDate = startRaw === undefined ? undefined : parseDateParam(startRaw);
  if (startRaw !== undefined && !startDate)
    return fail(`Invalid startDate "${clip(startRaw)}": use MM/DD/YYYY`);
  const endDate = endRaw === undefined ? undefined : parseDateParam(endRaw);
  if (endRaw !== undefined && !endDate) return fail(`Invalid endDate "${clip(endRaw)}": use MM/DD/YYYY`);
  let startTime = 0;
  let endTime = SECONDS_PER_DAY - 1;
  if (contract.timeFilters === 'honoured') {
    const startTimeRaw = str(params, 'startTime');
    const endTimeRaw = str(params, 'endTime');
    const start = startTimeRaw === undefined ? 0 : parseTimeParam(startTimeRaw);
    if (start === undefined)
      return fail(`Invalid startTime "${clip(startTimeRaw ?? '')}": use HH:MM or HH:MM:SS`);
    const end = endTimeRaw === undefined ? SECONDS_PER_DAY - 1 : parseTimeParam(endTimeRaw);
    if (end === undefined) return fail(`Invalid endTime "${clip(endTimeRaw ?? '')}": use HH:MM or HH:MM:SS`);
    startTime = start;
    endTime = end;
  }

  const rppRaw = str(params, 'resultsPerPage');
  const rpp = rppRaw === undefined ? DEFAULT_RESULTS_PER_PAGE : intOf(rppRaw);
  if (rpp === undefined || rpp < 1) return fail('Invalid resultsPerPage: use a whole number from 1 to 200');
  const pageRaw = str(params, 'page');
  const page = pageRaw === undefined ? 1 : intOf(pageRaw);
  if (page === undefined || page < 1) return fail('Invalid page: use a whole number starting at 1');
  let sortBy: DateField = 'dateCreated';
  let sortDir: 0 | 1 = 1;
  if (contract.sorting === 'honoured') {
    const sortRaw = str(params, 'sortDir');
    if (sortRaw !== undefined && sortRaw !== '0' && sortRaw !== '1')
      return fail('Invalid sortDir: use 1 or 0');
    sortDir = sortRaw === '0' ? 0 : 1;
    const sortByRaw = (sortsByDate ? str(params, 'sortBy') : undefined) ?? rangeRaw;
    if (sortByRaw !== 'dateCreated' && sortByRaw !== 'dateUpdated')
      return fail('Invalid sortBy: use dateCreated or dateUpdated');
    sortBy = sortByRaw;
  }
  const resultsPerPage = Math.min(rpp, MAX_RESULTS_PER_PAGE);

  const queryArgs: Record<string, unknown> = {
    page,
    sortDir,
    resultsPerPage,
    sortBy,
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
    sortBy,
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

/** How a record sorts: its date fields (wall ms) and the creation-order tie-breaker. */
interface SortKeys<T> {
  date: (item: T, field: DateField) => number;
  tie: (item: T) => number;
}

const stampKeys = <T extends { created: { wall: number }; updated: { wall: number } }>(
  tie: (item: T) => number,
): SortKeys<T> => ({
  date: (item, field) => (field === 'dateUpdated' ? item.updated.wall : item.created.wall),
  tie,
});

const ORDER_KEYS = stampKeys<OrderState>((o) => o.seq);
const TRANSACTION_KEYS = stampKeys<TransactionState>((t) => t.transactionId);
const CUSTOMER_KEYS = stampKeys<CustomerState>((c) => c.customerId);

/** Ascending by `field`, then creation order. */
const byKeys = <T>(keys: SortKeys<T>, field: DateField, a: T, b: T): number =>
  keys.date(a, field) - keys.date(b, field) || keys.tie(a) - keys.tie(b);

export class QueryEngine {
  private readonly cache = new Map<string, CacheEntry<unknown>>();

  constructor(
    private readonly crm: Crm,
    /** The active contract variants (read on every query). */
    private readonly contract: () => Readonly<ContractVariants>,
  ) {}

  /**
   * The matching records in answer order. `candidates` answers the window ascending by the `dateRangeType`
   * field (ties in creation order); when the sort field differs, the set is re-sorted.
   */
  private matches<T>(
    endpoint: string,
    common: CommonQuery,
    candidates: () => T[],
    filters: Array<Filter<T>>,
    keys: SortKeys<T>,
  ): T[] {
    const { page: _page, resultsPerPage: _rpp, ...rest } = common.queryArgs;
    // Every filter value and the effective sort are echoed in queryArgs, so queryArgs (less paging) plus the
    // window identify the set.
    const key = JSON.stringify([rest, common.from, common.to]);
    const cached = this.cache.get(endpoint) as CacheEntry<T> | undefined;
    if (cached && cached.key === key && cached.version === this.crm.store.version) return cached.matches;
    const matches = candidates().filter((item) => filters.every((f) => f(item)));
    if (common.sortBy !== common.dateRangeType) {
      matches.sort((a, b) => byKeys(keys, common.sortBy, a, b));
    }
    if (common.sortDir === 0) matches.reverse();
    this.cache.set(endpoint, { key, version: this.crm.store.version, matches });
    return matches;
  }

  /** The contract's text for an empty page of `noun`. */
  private empty(noun: QueryNoun): SimEnvelope {
    return fail(emptyText(noun, this.contract().emptyTexts[noun]));
  }

  private page<T>(
    common: CommonQuery,
    matches: T[],
    noun: QueryNoun,
    toRecord: (item: T) => unknown,
    sortBy: string = common.sortBy,
  ): SimEnvelope {
    const start = (common.page - 1) * common.resultsPerPage;
    const slice = matches.slice(start, start + common.resultsPerPage);
    if (slice.length === 0) return this.empty(noun);
    return ok({
      totalResults: matches.length,
      resultsPerPage: common.resultsPerPage,
      page: common.page,
      data: slice.map(toRecord),
      params: null,
      errors: null,
      sortBy,
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
    const common = parseCommon(params, {
      datesRequired: orderId === undefined,
      alternatives: 'orderId',
      echo,
      contract: this.contract(),
    });
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
      ORDER_KEYS,
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
    const common = parseCommon(params, {
      datesRequired: !identified,
      alternatives: 'orderId, customerId or purchaseId',
      echo,
      contract: this.contract(),
    });
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
        return (store.transactionsByOrder.get(orderId) ?? [])
          .filter((t) => this.inWindow(common, t.created.wall, t.updated.wall))
          .sort((a, b) => byKeys(TRANSACTION_KEYS, common.dateRangeType, a, b));
      },
      filters,
      TRANSACTION_KEYS,
    );
    return this.page(common, matches, 'transactions', (t) =>
      transactionRecord(t, this.crm.campaigns.get(t.campaignId)),
    );
  }

  /** `campaign/query`: `message.data` is an object keyed by campaignId. */
  queryCampaigns(params: Params): SimEnvelope {
    const campaignIdRaw = str(params, 'campaignId');
    const contract = this.contract();
    const common = parseCommon(params, {
      datesRequired: contract.campaignDates === 'required' && campaignIdRaw === undefined,
      alternatives: 'campaignId',
      echo: ['campaignId', 'campaignName', 'campaignType'],
      contract,
      sortsByDate: false,
    });
    if (isEnvelope(common)) return common;
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
    if (slice.length === 0) return this.empty('campaigns');
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
    const common = parseCommon(params, {
      datesRequired: false,
      alternatives: '',
      echo: ['productId'],
      contract: this.contract(),
      sortsByDate: false,
    });
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
    return this.page(
      { ...common, queryArgs: { ...common.queryArgs, sortBy: 'productId' } },
      matches,
      'products',
      (p) => p,
      'productId',
    );
  }

  /** `customer/query`. */
  queryCustomers(params: Params): SimEnvelope {
    const customerIdRaw = str(params, 'customerId');
    const email = str(params, 'emailAddress');
    const phone = str(params, 'phoneNumber');
    const identified = customerIdRaw !== undefined || email !== undefined || phone !== undefined;
    const echo = ['customerId', 'emailAddress', 'phoneNumber', 'firstName', 'lastName', 'campaignId'];
    const common = parseCommon(params, {
      datesRequired: !identified,
      alternatives: 'customerId, emailAddress or phoneNumber',
      echo,
      contract: this.contract(),
    });
    if (isEnvelope(common)) return common;
    const filters: Array<Filter<CustomerState>> = [];
    const problem =
      intFilter(params, 'customerId', (c: CustomerState) => c.customerId, filters) ??
      intFilter(params, 'campaignId', (c: CustomerState) => c.campaignId, filters);
    if (problem) return problem;
    for (const name of ['emailAddress', 'phoneNumber', 'firstName', 'lastName'] as const) {
      textFilter(params, name, (c: CustomerState) => c.contact[name], filters);
    }
    const matches = [...this.crm.store.customers.values()]
      .filter((c) => this.inWindow(common, c.created.wall, c.updated.wall) && filters.every((f) => f(c)))
      .sort((a, b) => byKeys(CUSTOMER_KEYS, common.sortBy, a, b));
    if (common.sortDir === 0) matches.reverse();
    return this.page(common, matches, 'customers', customerRecord);
  }
}
