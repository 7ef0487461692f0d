/**
 * zod schemas for what Konnektive returns, and the few normalizations the core needs.
 *
 * Konnektive's JSON is untrusted input, but payloads must carry each record as sent: the schemas are loose
 * (every field kept), require only what the core relies on, and a record that fails is reported in the
 * page's `rejected` list instead of failing the page (schema drift must not stop other records).
 */
import * as z from 'zod';
import type {
  Campaign,
  CampaignProduct,
  CustomerRecord,
  OrderRecord,
  TransactionRecord,
} from '../../core/konnektive.js';
import { isKonnektiveDateTime } from '../../core/zoned-time.js';

/** `YYYY-MM-DD HH:MM:SS` (or a form `parseKonnektiveDateTime` accepts). */
const wallTime = z.string().refine(isKonnektiveDateTime, { error: 'expected YYYY-MM-DD HH:MM:SS' });

/** Integers that PHP sometimes serializes as digit strings (`"12"`). */
const countLike = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

/**
 * An order. `orderId` is the public 10-char hex id; digits-only ids exist and stay strings, and a JSON number
 * is coerced to a string so the id has one type. `dateUpdated` is not format-checked: a PHP zero date
 * (`0000-00-00 00:00:00`) on a never-updated row must not reject the record.
 */
export const orderRecordSchema = z.looseObject({
  orderId: z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]),
  orderStatus: z.string().min(1),
  orderType: z.string().nullish(),
  dateCreated: wallTime,
  dateUpdated: z.string().nullish(),
});

/** A transaction. `transactionId` is an integer, as a JSON number or a digit string; kept as sent. */
export const transactionRecordSchema = z.looseObject({
  transactionId: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
  txnType: z.string().min(1),
  responseType: z.string().min(1),
  dateCreated: wallTime,
  dateUpdated: z.string().nullish(),
});

/**
 * A customer. `customerId` is an integer, as a JSON number or a digit string (made a number, its one type). The
 * dates are not format-checked: a record is worth more than a date the serializer then answers as null.
 */
export const customerRecordSchema = z.looseObject({
  customerId: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]),
  dateCreated: z.string().nullish(),
  dateUpdated: z.string().nullish(),
});

/** The `message` of a successful query. `data` is an array, or (campaigns, PHP assoc arrays) an id-keyed object. */
export const listMessageSchema = z.looseObject({
  totalResults: countLike.optional(),
  resultsPerPage: countLike.optional(),
  page: countLike.optional(),
  data: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.null()]).optional(),
});

/** The outcome of checking one record: the typed record, or why it was rejected. */
export type RecordCheck<T> = { ok: true; record: T } | { ok: false; id: string | undefined; issue: string };

/** Issue text for `rejected`: paths and zod's messages only, never the values (they may be PII). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

function idOf(raw: unknown, key: string): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const value = (raw as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function checkOrder(raw: unknown): RecordCheck<OrderRecord> {
  const parsed = orderRecordSchema.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  return { ok: false, id: idOf(raw, 'orderId'), issue: describeIssues(parsed.error) };
}

export function checkTransaction(raw: unknown): RecordCheck<TransactionRecord> {
  const parsed = transactionRecordSchema.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  return { ok: false, id: idOf(raw, 'transactionId'), issue: describeIssues(parsed.error) };
}

export function checkCustomer(raw: unknown): RecordCheck<CustomerRecord> {
  const parsed = customerRecordSchema.safeParse(raw);
  if (parsed.success) return { ok: true, record: parsed.data };
  return { ok: false, id: idOf(raw, 'customerId'), issue: describeIssues(parsed.error) };
}

/** One order line as Konnektive sends it (`productId`, `name`, `qty`, `price`, … kept as sent). */
export type OrderItem = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * An order's `items` as a list. PHP serializes the id-keyed collection as an object when it has entries and as
 * `[]` when empty; both (and a plain array, or a missing field) become an array. Non-object entries are
 * skipped. The record itself keeps its original `items`.
 */
export function normalizeItems(items: unknown): OrderItem[] {
  if (Array.isArray(items)) return items.filter(isPlainObject);
  if (isPlainObject(items)) return Object.values(items).filter(isPlainObject);
  return [];
}

const idLike = z.union([z.number().int(), z.string().min(1)]);

const campaignProductSchema = z.looseObject({
  campaignProductId: idLike,
  name: z.string().nullish(),
  productName: z.string().nullish(),
  productDescription: z.string().nullish(),
  price: z.union([z.string(), z.number()]).nullish(),
});

const campaignSchema = z.looseObject({
  campaignId: idLike,
  campaignName: z.string().nullish(),
  name: z.string().nullish(),
});

/** A campaign entry of `data`, keyed by campaign id (or not, when `data` is an array). */
export interface CampaignCheck {
  campaign?: Campaign;
  rejected: Array<{ id: string | undefined; issue: string }>;
}

/**
 * Normalizes one campaign into `Campaign`: `campaignId` (taken from the `data` key when the entry lacks it),
 * `campaignName` (or `name`), `products` (array, id-keyed object or missing → array). Each product gets a
 * `name` from `name`/`productName`/`productDescription` (else its id) and a string `price`. A product that
 * lacks `campaignProductId` is left out and reported, so one bad product does not hide its campaign.
 */
export function checkCampaign(raw: unknown, key: string | undefined): CampaignCheck {
  if (!isPlainObject(raw)) {
    return { rejected: [{ id: key, issue: 'campaign is not an object' }] };
  }
  const withId =
    raw.campaignId === undefined && key !== undefined ? { ...raw, campaignId: idFromKey(key) } : raw;
  const parsed = campaignSchema.safeParse(withId);
  if (!parsed.success) {
    return { rejected: [{ id: idOf(withId, 'campaignId'), issue: describeIssues(parsed.error) }] };
  }
  const { campaignName, name, ...rest } = parsed.data;
  const resolvedName = campaignName ?? name;
  if (resolvedName === undefined || resolvedName === null) {
    return { rejected: [{ id: String(parsed.data.campaignId), issue: 'campaignName: expected string' }] };
  }
  const rejected: CampaignCheck['rejected'] = [];
  const products: CampaignProduct[] = [];
  const rawProducts = raw.products;
  const productEntries = Array.isArray(rawProducts)
    ? rawProducts
    : isPlainObject(rawProducts)
      ? Object.values(rawProducts)
      : [];
  productEntries.forEach((entry, index) => {
    const product = campaignProductSchema.safeParse(entry);
    if (!product.success) {
      rejected.push({
        id: `${String(parsed.data.campaignId)}/products[${index}]`,
        issue: describeIssues(product.error),
      });
      return;
    }
    const p = product.data;
    products.push({
      ...p,
      campaignProductId: p.campaignProductId,
      name: p.name ?? p.productName ?? p.productDescription ?? String(p.campaignProductId),
      // Money stays a string; a number (not seen, but tolerated) is written as JavaScript prints it.
      price: p.price === undefined || p.price === null ? p.price : String(p.price),
    });
  });
  const campaign: Campaign = {
    ...rest,
    ...(name === undefined ? {} : { name }),
    campaignId: parsed.data.campaignId,
    campaignName: resolvedName,
    products,
  };
  return { campaign, rejected };
}

function idFromKey(key: string): number | string {
  return /^\d+$/.test(key) ? Number(key) : key;
}

const phpDateTimeSchema = z.looseObject({
  date: z.string(),
  timezone_type: z.number().optional(),
  timezone: z.string().optional(),
});

/**
 * The `message` of a successful write, as a record. `leads/import` sends `dateCreated` as a PHP DateTime object
 * (`{date: "2015-01-16 12:20:49.000000", timezone_type: 3, timezone: "America/New_York"}`); it is normalized
 * to the `YYYY-MM-DD HH:MM:SS` string every other record uses (its `timezone` is informational: the wall time is
 * read in the account zone like every other date). No raw copy is kept: the record serializer would have to turn
 * it into a date again, and a second key with the same date helps no Zap.
 * A string message (some writes answer a sentence) becomes `{ message }`.
 */
export function normalizeWriteMessage(message: unknown): Record<string, unknown> {
  if (!isPlainObject(message)) return { message };
  const created = phpDateTimeSchema.safeParse(message.dateCreated);
  if (!created.success) return { ...message };
  const wall = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(created.data.date)?.[1];
  if (wall === undefined) return { ...message };
  return { ...message, dateCreated: wall };
}
