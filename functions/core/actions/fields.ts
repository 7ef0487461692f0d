/**
 * Field schemas for action bodies, tolerant of what Zapier sends: numbers as strings (`"12.50"`), booleans as
 * `true`/`"yes"`/`1`, padded strings, and empty strings or `null` for fields the user left blank (treated as
 * absent). Each helper's *input* side is a plain JSON type, so `z.toJSONSchema(…, { io: 'input' })` documents
 * what a client may send; the *output* side is what the Konnektive mapping needs.
 *
 * Messages name no values: a card number or CVV must never come back in an error (Zapier keeps error texts in
 * task history).
 */
import * as z from 'zod';

type Scalar = string | number | null | undefined;

/** Trims strings; `''`, whitespace-only and `null` become `undefined`; numbers become their decimal text. */
export const blankToUndefined = (value: Scalar | boolean): string | undefined => {
  if (value === null || value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : String(value);
  return text === '' ? undefined : text;
};

/** `error` for a scalar union: a missing value says "is required", a wrong type says what was expected. */
const typeError = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null ? 'is required' : `must be ${what}`;

/** String, number or null in; trimmed string (or undefined when blank) out. Required unless `optional`. */
const scalarIn = (what: string) => z.union([z.string(), z.number(), z.null()], { error: typeError(what) });

interface FieldOptions {
  description?: string;
}

/** Adds documentation for the OpenAPI document; `extra` carries JSON Schema keywords the pipe hides (enum). */
const describe = <T extends z.ZodType>(
  schema: T,
  options: FieldOptions,
  extra: Record<string, unknown> = {},
): T =>
  options.description === undefined && Object.keys(extra).length === 0
    ? schema
    : schema.meta({
        ...extra,
        ...(options.description === undefined ? {} : { description: options.description }),
      });

/** Required text, trimmed, at most `max` characters. */
export const requiredText = (max: number, options: FieldOptions = {}) =>
  describe(
    scalarIn('text')
      .transform(blankToUndefined)
      .pipe(z.string({ error: 'is required' }).max(max, `must be at most ${max} characters`)),
    options,
  );

/** Optional text, trimmed, at most `max` characters; blank → absent. */
export const optionalText = (max: number, options: FieldOptions = {}) =>
  describe(
    scalarIn('text')
      .optional()
      .transform(blankToUndefined)
      .pipe(z.string().max(max, `must be at most ${max} characters`).optional()),
    options,
  );

const MONEY = /^\d{1,9}(\.\d{1,2})?$/;

/** `12`, `12.5`, `"12.50"` → `"12.50"`: Konnektive takes money as 2-dp decimal strings. Never negative. */
const toMoney = z
  .string()
  .regex(MONEY, 'must be an amount like 12.50 (no currency sign, at most 2 decimals)')
  .transform((text) => Number(text).toFixed(2));

/** Optional money amount → 2-dp string. */
export const optionalMoney = (options: FieldOptions = {}) =>
  describe(
    scalarIn('an amount like 12.50')
      .optional()
      .transform((value) => (typeof value === 'number' ? numberText(value) : blankToUndefined(value)))
      .pipe(toMoney.optional()),
    options,
  );

/** A number's text without exponent notation (1e21 would otherwise fail the pattern with a confusing message). */
const numberText = (value: number): string =>
  Number.isFinite(value) ? value.toFixed(Math.min(20, Math.max(0, decimals(value)))) : String(value);
const decimals = (value: number): number => {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
};

const positiveInt = (what: string) =>
  z
    .string({ error: 'is required' })
    .regex(/^\d{1,15}$/, `must be ${what}`)
    .transform(Number)
    .pipe(z.number().int().positive(`must be ${what}`));

/** Required positive integer (ids such as `campaignId`, `customerId`). */
export const requiredId = (options: FieldOptions = {}) =>
  describe(
    scalarIn('a positive whole number')
      .transform(blankToUndefined)
      .pipe(positiveInt('a positive whole number')),
    options,
  );

/** Optional positive integer. */
export const optionalId = (options: FieldOptions = {}) =>
  describe(
    scalarIn('a positive whole number')
      .optional()
      .transform(blankToUndefined)
      .pipe(positiveInt('a positive whole number').optional()),
    options,
  );

/** Konnektive order ids are 10-char hex strings (digit-only ones exist); accept any short alphanumeric id. */
const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;

export const requiredOrderId = (options: FieldOptions = {}) =>
  describe(
    scalarIn('an order id')
      .transform(blankToUndefined)
      .pipe(
        z
          .string({ error: 'is required' })
          .regex(ORDER_ID, 'must be a Konnektive order id (letters and digits)'),
      ),
    options,
  );

export const optionalOrderId = (options: FieldOptions = {}) =>
  describe(
    scalarIn('an order id')
      .optional()
      .transform(blankToUndefined)
      .pipe(z.string().regex(ORDER_ID, 'must be a Konnektive order id (letters and digits)').optional()),
    options,
  );

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

/** true/false, `"true"`/`"false"`, `"yes"`/`"no"`, 1/0 → boolean; blank → absent. */
export const optionalBoolean = (options: FieldOptions = {}) =>
  describe(
    z
      .union([z.boolean(), z.string(), z.number(), z.null()], { error: 'must be true or false' })
      .optional()
      .transform((value, ctx) => {
        if (typeof value === 'boolean') return value;
        const text = blankToUndefined(value)?.toLowerCase();
        if (text === undefined) return undefined;
        if (TRUE_WORDS.has(text)) return true;
        if (FALSE_WORDS.has(text)) return false;
        ctx.addIssue({ code: 'custom', message: 'must be true or false (yes/no, 1/0)' });
        return z.NEVER;
      }),
    options,
  );

/** Two-letter ISO 3166-1 country code, upper-cased. */
export const optionalCountry = (options: FieldOptions = {}) =>
  describe(
    scalarIn('a 2-letter country code')
      .optional()
      .transform((value) => blankToUndefined(value)?.toUpperCase())
      .pipe(
        z
          .string()
          .regex(/^[A-Z]{2}$/, 'must be a 2-letter ISO country code such as US')
          .optional(),
      ),
    options,
  );

/** An email address (Konnektive de-duplicates customers by it). */
export const optionalEmail = (options: FieldOptions = {}) =>
  describe(
    scalarIn('an email address')
      .optional()
      .transform(blankToUndefined)
      .pipe(
        z.email({ error: 'must be an email address' }).max(100, 'must be at most 100 characters').optional(),
      ),
    options,
  );

/** One of `values`, case-insensitive (`shipped` → `SHIPPED`). */
export const optionalEnum = <const T extends readonly [string, ...string[]]>(
  values: T,
  options: FieldOptions = {},
) =>
  describe(
    scalarIn(`one of ${values.join(', ')}`)
      .optional()
      .transform((value) => blankToUndefined(value)?.toUpperCase())
      .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }).optional()),
    options,
    { enum: [...values] },
  );

/** Required variant of {@link optionalEnum}. */
export const requiredEnum = <const T extends readonly [string, ...string[]]>(
  values: T,
  options: FieldOptions = {},
) =>
  describe(
    scalarIn(`one of ${values.join(', ')}`)
      .transform((value) => blankToUndefined(value)?.toUpperCase())
      .pipe(
        z.enum(values, {
          error: (issue) =>
            issue.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`,
        }),
      ),
    options,
    { enum: [...values] },
  );

/** Digits only after removing spaces and dashes (card and account numbers as people type them). */
export const optionalDigits = (min: number, max: number, what: string, options: FieldOptions = {}) =>
  describe(
    scalarIn(what)
      .optional()
      .transform((value) => blankToUndefined(value)?.replace(/[\s-]/g, ''))
      .pipe(
        z
          .string()
          .regex(
            new RegExp(`^\\d{${min},${max}}$`),
            min === max ? `must be ${min} digits` : `must be ${min}–${max} digits`,
          )
          .optional(),
      ),
    options,
  );

/** Card expiry month: 1–12 (or `"01"`) → `"01"`…`"12"`. */
export const optionalCardMonth = (options: FieldOptions = {}) =>
  describe(
    scalarIn('a month 01–12')
      .optional()
      .transform(blankToUndefined)
      .pipe(
        z
          .string()
          .regex(/^(0?[1-9]|1[0-2])$/, 'must be a month 01–12')
          .transform((month) => month.padStart(2, '0'))
          .optional(),
      ),
    options,
  );

/** Card expiry year: `YYYY` or `YY` (→ 20YY). */
export const optionalCardYear = (options: FieldOptions = {}) =>
  describe(
    scalarIn('a year (YYYY or YY)')
      .optional()
      .transform(blankToUndefined)
      .pipe(
        z
          .string()
          .regex(/^(\d{2}|20\d{2})$/, 'must be a year as YYYY or YY')
          .transform((year) => (year.length === 2 ? `20${year}` : year))
          .optional(),
      ),
    options,
  );

/**
 * A calendar date as Zapier may send it. A date-only value is a calendar date; a date-time with an offset (or
 * `Z`) is an instant, turned into the account's local date when mapped; a date-time without offset is read as
 * local wall time (its date part is used).
 */
export type DateValue =
  | { kind: 'date'; year: number; month: number; day: number }
  | { kind: 'instant'; iso: string };

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

const calendarDate = (year: number, month: number, day: number): DateValue | undefined => {
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day
    ? { kind: 'date', year, month, day }
    : undefined;
};

/** Parses MM/DD/YYYY, YYYY-MM-DD or an ISO-8601 date-time; undefined when it is none of them. */
export const parseDateValue = (text: string): DateValue | undefined => {
  const us = US_DATE.exec(text);
  if (us) return calendarDate(Number(us[3]), Number(us[1]), Number(us[2]));
  const iso = ISO_DATE.exec(text) ?? ISO_LOCAL_DATE_TIME.exec(text);
  if (iso && !ISO_INSTANT.test(text)) return calendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (ISO_INSTANT.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : { kind: 'instant', iso: new Date(ms).toISOString() };
  }
  return undefined;
};

export const optionalDate = (options: FieldOptions = {}) =>
  describe(
    scalarIn('a date')
      .optional()
      .transform((value, ctx): DateValue | undefined => {
        const text = blankToUndefined(value);
        if (text === undefined) return undefined;
        const parsed = parseDateValue(text);
        if (parsed === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be a date as MM/DD/YYYY, YYYY-MM-DD or ISO-8601 date-time',
          });
          return z.NEVER;
        }
        return parsed;
      }),
    options,
  );

/** Maximum line items per order (Konnektive documents none; this keeps a runaway Zap mapping bounded). */
export const MAX_PRODUCTS = 50;

const productSchema = z.object(
  {
    id: requiredId({
      description: 'Campaign product id (campaignProductId), from GET /campaigns/{id}/products',
    }),
    qty: scalarIn('a whole number of at least 1')
      .optional()
      .transform(blankToUndefined)
      .pipe(
        z
          .string()
          .regex(/^\d{1,6}$/, 'must be a whole number of at least 1')
          .transform(Number)
          .pipe(z.number().int().min(1, 'must be a whole number of at least 1'))
          .optional(),
      )
      .transform((qty) => qty ?? 1),
    price: optionalMoney({ description: 'Overrides the campaign price of this product' }),
    shipPrice: optionalMoney({ description: 'Overrides the shipping price of this product' }),
  },
  { error: 'must be an object with id, qty, price, shipPrice' },
);
export type ProductLine = z.output<typeof productSchema>;

/**
 * Line items `[{id, qty?, price?, shipPrice?}]`. Zapier may send a single line item as an object; it is
 * accepted as a list of one. Lines without any value (a blank line-item row) are dropped.
 */
export const productsField = (options: FieldOptions = {}) =>
  describe(
    z
      .union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.null()], {
        error: 'must be a list of {id, qty, price, shipPrice}',
      })
      .optional()
      .transform((value) => {
        if (value === null || value === undefined) return [];
        const list = Array.isArray(value) ? value : [value];
        return list.filter((line) => !isBlankLine(line));
      })
      .pipe(z.array(productSchema).max(MAX_PRODUCTS, `must have at most ${MAX_PRODUCTS} lines`)),
    options,
  );

const isBlankLine = (line: unknown): boolean =>
  line !== null &&
  typeof line === 'object' &&
  !Array.isArray(line) &&
  Object.values(line).every((value) => blankToUndefined(value as Scalar) === undefined);

/**
 * JSON Schema (input side) of one product line. The list's lenient input (a list, a single object, null) hides
 * the item shape from `toJSONSchema`, so the OpenAPI document states it with this.
 */
export const productLineJsonSchema = () => z.toJSONSchema(productSchema, { io: 'input' });
