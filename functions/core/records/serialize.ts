/**
 * The one record serializer: how a Konnektive order, transaction or customer looks in everything the API answers
 * (hook payloads, samples, search results, action results). docs/http-api.md ("Records") states the rules:
 *
 * - every field keeps Konnektive's name and JSON type, nested objects included;
 * - every date-time becomes ISO-8601 with the account zone's offset (`2026-11-28T09:15:00-05:00`, DST-correct),
 *   every date-only value `YYYY-MM-DD` (`cardExpiryDate: "2030-12-31 00:00:00"` → `"2030-12-31"`); a PHP zero date
 *   or an unreadable value under a date-named key becomes `null`, so no record carries a date Zapier cannot read;
 * - an order's `items` is an array of Konnektive's item objects (Konnektive sends an object keyed by product id,
 *   or `[]` when empty);
 * - every field of the record's documented field list is present: `null` when Konnektive left it out (`[]` for
 *   the list fields `items` and `fulfillments`).
 *
 * Pure: the account zone comes in, nothing is read or written.
 */

import { SAMPLE_ORDER, SAMPLE_TRANSACTION } from '../triggers/static-samples.js';
import { konnektiveDateTimeToIso, parseKonnektiveDateTime } from '../zoned-time.js';

type Json = Record<string, unknown>;

/** What serializing needs to know about the account. */
export interface RecordContext {
  /** IANA zone of the Konnektive account: how its offset-less date-times are read. */
  timeZone: string;
}

/** Fields whose value is a calendar date, whatever time Konnektive prints with it. */
export const DATE_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'cardExpiryDate',
  'nextBillDate',
  'dateShipped',
  'dateDelivered',
  'dateReturned',
  'chargebackDate',
]);

/** Keys that name a date or time (`dateCreated`, `nextBillDate`, `updatedAt`, …). */
const DATE_NAMED = /^date(?:$|[A-Z_])|Date$|_date$|[a-z]At$|_at$/;
/** Already ISO-8601: a date, or a date-time with a zone (what this serializer writes). */
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** PHP's "no date" (`0000-00-00`, `0000-00-00 00:00:00`). */
const ZERO_DATE = /^0000-00-00(?:[ T]00:00:00(?:\.0+)?)?$/;
/** `MM/DD/YYYY`, the date form Konnektive's parameters use. */
const US_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

const isPlainObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** PHP's DateTime as JSON (`leads/import` answers `dateCreated` so): `{date, timezone_type, timezone}`. */
const isPhpDateTime = (value: Json): value is Json & { date: string } =>
  typeof value.date === 'string' && 'timezone_type' in value;

const isRealDate = (text: string): boolean => {
  try {
    parseKonnektiveDateTime(text, 'UTC');
    return true;
  } catch {
    return false;
  }
};

/**
 * One string as the API answers it. Konnektive date-times become ISO-8601 with the offset (date-only fields keep
 * the date), and a zero or unreadable date under a date-named key becomes null; any other text is unchanged.
 */
const serializeText = (text: string, key: string | undefined, context: RecordContext): string | null => {
  const value = text.trim();
  const dateNamed = key !== undefined && DATE_NAMED.test(key);
  const dateOnly = key !== undefined && DATE_ONLY_FIELDS.has(key);
  if (ZERO_DATE.test(value)) return null;
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(value) && !ISO.test(value)) {
    try {
      const iso = konnektiveDateTimeToIso(value, context.timeZone);
      return dateOnly ? value.slice(0, 10) : iso;
    } catch {
      return dateNamed ? null : text;
    }
  }
  if (ISO.test(value)) {
    if (DATE_ONLY.test(value) && !isRealDate(value)) return dateNamed ? null : text;
    return dateOnly ? value.slice(0, 10) : value;
  }
  if (!dateNamed) return text;
  const us = US_DATE.exec(value);
  if (us) {
    const date = `${us[3]}-${us[1]}-${us[2]}`;
    if (isRealDate(date)) return date;
  }
  return null;
};

const serializeValue = (value: unknown, key: string | undefined, context: RecordContext): unknown => {
  if (typeof value === 'string') return serializeText(value, key, context);
  if (Array.isArray(value)) return value.map((item) => serializeValue(item, key, context));
  if (isPlainObject(value)) {
    if (isPhpDateTime(value)) return serializeText(value.date, key ?? 'date', context);
    return serializeFields(value, context);
  }
  return value;
};

/** Every field of a record (or nested object) with its dates serialized; names and order unchanged. */
export const serializeFields = (record: Json, context: RecordContext): Json => {
  const out: Json = {};
  for (const [key, value] of Object.entries(record)) out[key] = serializeValue(value, key, context);
  return out;
};

/** Konnektive's `items` (an object keyed by product id, an array, `[]`, or absent) as an array of objects. */
export const itemsAsList = (items: unknown): Json[] => {
  const list = Array.isArray(items) ? items : isPlainObject(items) ? Object.values(items) : [];
  return list.filter(isPlainObject);
};

/** Fields that hold lists: `[]` when absent, never `null`. */
const LIST_FIELDS: ReadonlySet<string> = new Set(['items', 'fulfillments']);

/** Adds every field of `fields` that the record lacks, as `null` (`[]` for list fields). */
const withFields = (record: Json, fields: readonly string[]): Json => {
  const out = { ...record };
  for (const field of fields) {
    if (out[field] === undefined) out[field] = LIST_FIELDS.has(field) ? [] : null;
  }
  return out;
};

/** The fields every order carries (Konnektive's documented order record). */
export const ORDER_FIELDS: readonly string[] = Object.keys(SAMPLE_ORDER);

/** The fields every transaction carries (Konnektive's documented transaction record). */
export const TRANSACTION_FIELDS: readonly string[] = Object.keys(SAMPLE_TRANSACTION);

/** A person's name, contact and billing address fields, as Konnektive names them on orders and customers. */
export const CONTACT_FIELDS = [
  'firstName',
  'lastName',
  'companyName',
  'address1',
  'address2',
  'city',
  'state',
  'postalCode',
  'country',
  'emailAddress',
  'phoneNumber',
] as const;

/** The shipping address fields. */
export const SHIPPING_FIELDS = [
  'shipFirstName',
  'shipLastName',
  'shipCompanyName',
  'shipAddress1',
  'shipAddress2',
  'shipCity',
  'shipState',
  'shipPostalCode',
  'shipCountry',
] as const;

/** The fields every customer carries. */
export const CUSTOMER_FIELDS: readonly string[] = [
  'customerId',
  ...CONTACT_FIELDS,
  ...SHIPPING_FIELDS,
  'dateCreated',
  'dateUpdated',
];

/** An order's fields as the API answers them (no `id`/`connection`: see `serializeOrder`). */
export const orderFields = (record: Json, context: RecordContext): Json => {
  const fields = serializeFields(record, context);
  fields.items = itemsAsList(fields.items);
  if (typeof record.orderId === 'number') fields.orderId = String(record.orderId);
  return withFields(fields, ORDER_FIELDS);
};

/** A transaction's fields as the API answers them. */
export const transactionFields = (record: Json, context: RecordContext): Json =>
  withFields(serializeFields(record, context), TRANSACTION_FIELDS);

/** What an order answer carries besides its fields. */
export interface OrderContext extends RecordContext {
  /** The connection's label (the login id), answered as `connection`. */
  connectionLabel: string;
}

/** An order as `GET /orders` and the order actions answer it: `id` (= orderId), `connection`, every field. */
export const serializeOrder = (record: Json, context: OrderContext): Json => {
  const fields = orderFields(record, context);
  const orderId = fields.orderId;
  return {
    id: typeof orderId === 'string' && orderId !== '' ? orderId : null,
    connection: context.connectionLabel,
    ...fields,
  };
};

/** A customer as `GET /customers` and Update Customer answer it: `id` (= String(customerId)) and every field. */
export const serializeCustomer = (record: Json, context: RecordContext): Json => {
  const fields = withFields(serializeFields(record, context), CUSTOMER_FIELDS);
  const customerId = fields.customerId;
  if (typeof customerId === 'string' && /^\d+$/.test(customerId)) fields.customerId = Number(customerId);
  const id = fields.customerId;
  return { id: typeof id === 'number' || typeof id === 'string' ? String(id) : null, ...fields };
};
