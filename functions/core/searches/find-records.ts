/**
 * `GET /orders` and `GET /customers` (Zapier's Find Order and Find Customer), and the one-record reads an action
 * answers with. Every given filter must match; results are newest first by `dateCreated`, at most 10; none is
 * `[]`.
 *
 * Konnektive finds an order by its orderId without dates, but wants a date range for anything else. A search by
 * email or phone therefore looks at the last SEARCH_LOOKBACK_DAYS days: orders by `dateCreated`, customers by
 * `dateUpdated` (a new order or lead updates its customer, so a customer active in that time is found however old
 * the account is). The span is read in slices of SEARCH_SLICE_DAYS, newest first, each one call sequence over whole
 * days (not one call per day), and reading stops once a slice has filled the answer: most searches cost one call.
 * docs/http-api.md ("Searches") says the same for users of the API.
 */
import * as z from 'zod';
import type {
  CustomerRecord,
  InstantRange,
  KonnektiveCredentials,
  KonnektiveGateway,
  OrderRecord,
  Page,
} from '../konnektive.js';
import { type KonnektiveAccessDeps, withStoredCredentials } from '../konnektive-access.js';
import type { Connection } from '../model.js';
import { serializeCustomer, serializeOrder } from '../records/serialize.js';
import { isKonnektiveDateTime, parseKonnektiveDateTime } from '../zoned-time.js';

/** How far back a search by email or phone looks. */
export const SEARCH_LOOKBACK_DAYS = 365;
/** One Konnektive call sequence covers at most this many days (wide windows are slow on large accounts). */
export const SEARCH_SLICE_DAYS = 92;
/** At most this many results, newest first. */
export const MAX_SEARCH_RESULTS = 10;
/** Pages read per slice at most (200 records each), in case Konnektive ignores the newest-first sort. */
export const MAX_SEARCH_PAGES_PER_SLICE = 5;

const DAY_MS = 86_400_000;
const PAGE_SIZE = 200;

// ------------------------------------------------------------------------------------------------ query schemas

const ONE_OF = 'at least one of these is required';

const optionalText = (max: number, pattern: RegExp, problem: string) =>
  z
    .string()
    .trim()
    .max(max, { error: `at most ${max} characters` })
    .optional()
    .transform((value) => (value === '' ? undefined : value))
    .refine((value) => value === undefined || pattern.test(value), { error: problem });

const emailAddress = optionalText(255, /^[^\s@]+@[^\s@]+$/, 'must be an email address');
const phoneNumber = optionalText(32, /\d/, 'must contain digits');
/** Konnektive's order ids are upper-case hex (some all digits); a lower-case copy is the same id. */
const orderId = optionalText(
  64,
  /^[A-Za-z0-9]+$/,
  'must be a Konnektive order id (letters and digits)',
).transform((value) => value?.toUpperCase());

/** Adds "at least one of these is required" to each of `fields` when none of them has a value. */
const atLeastOne =
  <T extends Record<string, string | undefined>>(fields: readonly (keyof T & string)[]) =>
  (query: T, context: z.RefinementCtx) => {
    if (fields.some((field) => query[field] !== undefined)) return;
    for (const field of fields) context.addIssue({ code: 'custom', path: [field], message: ONE_OF });
  };

/** `GET /orders` query: orderId, emailAddress, phoneNumber; at least one. */
export const orderSearchSchema = z
  .object({ orderId, emailAddress, phoneNumber })
  .superRefine(atLeastOne(['orderId', 'emailAddress', 'phoneNumber']));

/** `GET /customers` query: emailAddress, phoneNumber; at least one. */
export const customerSearchSchema = z
  .object({ emailAddress, phoneNumber })
  .superRefine(atLeastOne(['emailAddress', 'phoneNumber']));

export type OrderSearch = z.output<typeof orderSearchSchema>;
export type CustomerSearch = z.output<typeof customerSearchSchema>;

// ------------------------------------------------------------------------------------------------ matching

const digits = (value: string) => value.replace(/\D/g, '');

/**
 * Whether a record has every given filter: order ids and emails case-insensitively, phone numbers by their digits
 * (Konnektive matched them already; this keeps a filter it might ignore from letting other records through).
 */
const matches = (record: Record<string, unknown>, filters: Record<string, string | undefined>): boolean =>
  Object.entries(filters).every(([field, wanted]) => {
    if (wanted === undefined) return true;
    const value = record[field];
    if (typeof value !== 'string') return false;
    return field === 'phoneNumber'
      ? digits(value) === digits(wanted)
      : value.trim().toLowerCase() === wanted.toLowerCase();
  });

/** Epoch ms of a record's `dateCreated` in the account zone; unreadable dates sort last. */
const createdAt = (record: Record<string, unknown>, timeZone: string): number => {
  const value = record.dateCreated;
  if (typeof value !== 'string' || !isKonnektiveDateTime(value.trim())) return Number.NEGATIVE_INFINITY;
  return parseKonnektiveDateTime(value, timeZone).instant.getTime();
};

const newestFirst = <T extends Record<string, unknown>>(records: T[], timeZone: string): T[] =>
  [...records].sort((a, b) => createdAt(b, timeZone) - createdAt(a, timeZone));

/** The search span as slices, newest first: `[now − 92 d, now]`, then the 92 days before, … back 365 days. */
export const searchSlices = (now: Date): InstantRange[] => {
  const slices: InstantRange[] = [];
  const oldest = now.getTime() - SEARCH_LOOKBACK_DAYS * DAY_MS;
  for (let end = now.getTime(); end > oldest; end -= SEARCH_SLICE_DAYS * DAY_MS) {
    const start = Math.max(oldest, end - SEARCH_SLICE_DAYS * DAY_MS);
    // Slices meet without overlap: the exact-range filter puts each record in one slice.
    slices.push({ start: new Date(start), end: new Date(end === now.getTime() ? end : end - 1) });
  }
  return slices;
};

/** Reads up to `maxPages` pages, keeping the records that match; `break` closes the walk. */
const collectMatching = async <T extends Record<string, unknown>>(
  pages: AsyncIterable<Page<T>>,
  keep: (record: T) => boolean,
  maxPages: number,
): Promise<T[]> => {
  const found: T[] = [];
  let read = 0;
  for await (const page of pages) {
    found.push(...page.records.filter(keep));
    read += 1;
    if (read >= maxPages) break;
  }
  return found;
};

/** Walks the slices newest first until one has filled the answer; the records found, deduplicated by `key`. */
const searchSlicesFor = async <T extends Record<string, unknown>>(
  now: Date,
  read: (range: InstantRange) => AsyncIterable<Page<T>>,
  keep: (record: T) => boolean,
  key: (record: T) => string,
): Promise<T[]> => {
  const found = new Map<string, T>();
  for (const range of searchSlices(now)) {
    for (const record of await collectMatching(read(range), keep, MAX_SEARCH_PAGES_PER_SLICE)) {
      found.set(key(record), record);
    }
    if (found.size >= MAX_SEARCH_RESULTS) break;
  }
  return [...found.values()];
};

// ------------------------------------------------------------------------------------------------ searches

/** `GET /orders`: the orders that match every given filter, newest first, at most 10, serialized. */
export const findOrders = async (
  deps: KonnektiveAccessDeps,
  connection: Connection,
  search: OrderSearch,
): Promise<{ results: Record<string, unknown>[] }> => {
  const { timeZone } = connection;
  const filters = {
    orderId: search.orderId,
    emailAddress: search.emailAddress,
    phoneNumber: search.phoneNumber,
  };
  const keep = (record: OrderRecord) => matches(record, filters);
  const contact = { emailAddress: search.emailAddress, phoneNumber: search.phoneNumber };
  const records = await withStoredCredentials(deps, connection, (konnektive, credentials) =>
    search.orderId !== undefined
      ? collectMatching(
          konnektive.queryOrders(credentials, { orderId: search.orderId, ...contact, timeZone }),
          keep,
          1,
        )
      : searchSlicesFor(
          deps.clock.now(),
          (range) =>
            konnektive.queryOrders(credentials, {
              ...contact,
              range,
              rangeCalls: 'whole-days',
              dateRangeType: 'dateCreated',
              sortDir: 0,
              resultsPerPage: PAGE_SIZE,
              timeZone,
            }),
          keep,
          (record) => String(record.orderId),
        ),
  );
  return {
    results: newestFirst(records, timeZone)
      .slice(0, MAX_SEARCH_RESULTS)
      .map((record) => serializeOrder(record, { timeZone, connectionLabel: connection.label })),
  };
};

/** `GET /customers`: the customers that match every given filter, newest first, at most 10, serialized. */
export const findCustomers = async (
  deps: KonnektiveAccessDeps,
  connection: Connection,
  search: CustomerSearch,
): Promise<{ results: Record<string, unknown>[] }> => {
  const { timeZone } = connection;
  const contact = { emailAddress: search.emailAddress, phoneNumber: search.phoneNumber };
  const records = await withStoredCredentials(deps, connection, (konnektive, credentials) =>
    searchSlicesFor(
      deps.clock.now(),
      (range) =>
        konnektive.queryCustomers(credentials, {
          ...contact,
          range,
          rangeCalls: 'whole-days',
          dateRangeType: 'dateUpdated',
          sortDir: 0,
          resultsPerPage: PAGE_SIZE,
          timeZone,
        }),
      (record: CustomerRecord) => matches(record, contact),
      (record) => String(record.customerId),
    ),
  );
  return {
    results: newestFirst(records, timeZone)
      .slice(0, MAX_SEARCH_RESULTS)
      .map((record) => serializeCustomer(record, { timeZone })),
  };
};

// ------------------------------------------------------------------------------------------------ one record

/** The order with this id as Konnektive has it now, or undefined. */
export const readOrder = async (
  konnektive: KonnektiveGateway,
  credentials: KonnektiveCredentials,
  id: string,
  timeZone: string,
): Promise<OrderRecord | undefined> => {
  const found = await collectMatching(
    konnektive.queryOrders(credentials, { orderId: id, timeZone }),
    (record) => matches(record, { orderId: id }),
    1,
  );
  return found[0];
};

/** The customer with this id as Konnektive has it now, or undefined. */
export const readCustomer = async (
  konnektive: KonnektiveGateway,
  credentials: KonnektiveCredentials,
  id: number,
  timeZone: string,
): Promise<CustomerRecord | undefined> => {
  const found = await collectMatching(
    konnektive.queryCustomers(credentials, { customerId: id, timeZone }),
    (record) => Number(record.customerId) === id,
    1,
  );
  return found[0];
};
