/**
 * Argument checks that run before any network call. A bad argument is a bug in the caller, but it must fail
 * here, with the field named, rather than as an opaque Konnektive ERROR (or, worse, a silently wrong query).
 */
import * as z from 'zod';
import {
  type CustomerQuery,
  type KonnektiveCredentials,
  type KonnektiveParams,
  KonnektiveValidationError,
  type OrderQuery,
  type TransactionQuery,
} from '../../core/konnektive.js';
import { isValidTimeZone } from '../../core/zoned-time.js';
import type { EndpointSpec } from './endpoints.js';

/** Konnektive's page size cap. */
export const MAX_RESULTS_PER_PAGE = 200;

const RPP_MESSAGE = `resultsPerPage must be an integer 1–${MAX_RESULTS_PER_PAGE}`;

// Messages name the field and never echo a credential.
const credentialsSchema = z.object(
  {
    loginId: z
      .string({ error: 'loginId must be a string' })
      .refine((s) => s.trim() !== '', { error: 'loginId must not be empty' }),
    password: z
      .string({ error: 'password must be a string' })
      .refine((s) => s !== '', { error: 'password must not be empty' })
      // Konnektive forbids "&" in API passwords; such a password cannot be a real one.
      .refine((s) => !s.includes('&'), { error: 'password must not contain "&"' }),
  },
  { error: 'credentials must be an object with loginId and password' },
);

const instant = (field: string) =>
  z.date({ error: `${field} must be a valid Date` }).refine((d) => !Number.isNaN(d.getTime()), {
    error: `${field} must be a valid Date`,
  });

const rangeSchema = z
  .object(
    { start: instant('range.start'), end: instant('range.end') },
    { error: 'range must be {start, end}' },
  )
  .refine((r) => r.start.getTime() <= r.end.getTime(), {
    error: 'range.start must be before range.end',
    path: ['start'],
  });

const timeZoneSchema = z.string({ error: 'timeZone must be a string' }).superRefine((zone, ctx) => {
  if (!isValidTimeZone(zone))
    ctx.addIssue({ code: 'custom', message: `timeZone "${zone}" is not an IANA time zone` });
});

const resultsPerPageSchema = z
  .number({ error: RPP_MESSAGE })
  .int({ error: RPP_MESSAGE })
  .min(1, { error: RPP_MESSAGE })
  .max(MAX_RESULTS_PER_PAGE, { error: RPP_MESSAGE });

const sortDirSchema = z.union([z.literal(0), z.literal(1)], { error: 'sortDir must be 0 or 1' });

const dateRangeTypeSchema = z.enum(['dateCreated', 'dateUpdated'], {
  error: 'dateRangeType must be dateCreated or dateUpdated',
});

const sortBySchema = z.enum(['dateCreated', 'dateUpdated'], {
  error: 'sortBy must be dateCreated or dateUpdated',
});

const PAGE_MESSAGE = 'page must be an integer ≥ 1';
const pageSchema = z
  .number({ error: PAGE_MESSAGE })
  .int({ error: PAGE_MESSAGE })
  .min(1, { error: PAGE_MESSAGE });

const orderIdSchema = z
  .string({ error: 'orderId must be a string' })
  .regex(/^[A-Za-z0-9]{1,64}$/, { error: 'orderId must be a Konnektive order id (letters and digits)' });

const integerId = (field: string) => {
  const error = `${field} must be a positive integer`;
  return z.union(
    [
      z.number({ error }).int({ error }).positive({ error }),
      z.string({ error }).regex(/^\d{1,20}$/, { error }),
    ],
    {
      error,
    },
  );
};

const rangeCallsSchema = z.enum(['daily', 'whole-days'], { error: 'rangeCalls must be daily or whole-days' });

/** An exact-match text filter: trimmed, not blank, at most `max` characters (Konnektive's own limits). */
const textFilter = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, { error: `${field} must not be blank` })
    .max(max, { error: `${field} must be at most ${max} characters` });

const contactFilters = {
  emailAddress: textFilter('emailAddress', 255).optional(),
  phoneNumber: textFilter('phoneNumber', 32).optional(),
};

const orderQuerySchema = z
  .object({
    range: rangeSchema.optional(),
    rangeCalls: rangeCallsSchema.optional(),
    dateRangeType: dateRangeTypeSchema.optional(),
    orderStatus: z
      .enum(['COMPLETE', 'PARTIAL', 'DECLINED', 'REFUNDED', 'CANCELLED'], {
        error: 'orderStatus must be COMPLETE, PARTIAL, DECLINED, REFUNDED or CANCELLED',
      })
      .optional(),
    orderType: z
      .string({ error: 'orderType must be a string' })
      .regex(/^[A-Z_]{1,40}$/, { error: 'orderType must be an upper-case type such as NEW_SALE' })
      .optional(),
    orderId: orderIdSchema.optional(),
    customerId: integerId('customerId').optional(),
    ...contactFilters,
    timeZone: timeZoneSchema.optional(),
    resultsPerPage: resultsPerPageSchema.optional(),
    sortDir: sortDirSchema.optional(),
    sortBy: sortBySchema.optional(),
    page: pageSchema.optional(),
  })
  .refine((q) => q.range !== undefined || q.orderId !== undefined, {
    error: 'range is required unless orderId is given',
    path: ['range'],
  });

/** Konnektive wants dates for customer/query unless a customerId is given. */
const customerQuerySchema = z
  .object({
    customerId: integerId('customerId').optional(),
    ...contactFilters,
    range: rangeSchema.optional(),
    rangeCalls: rangeCallsSchema.optional(),
    dateRangeType: dateRangeTypeSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    resultsPerPage: resultsPerPageSchema.optional(),
    sortDir: sortDirSchema.optional(),
  })
  .refine((q) => q.range !== undefined || q.customerId !== undefined, {
    error: 'range is required unless customerId is given',
    path: ['range'],
  });

const transactionQuerySchema = z
  .object({
    range: rangeSchema.optional(),
    rangeCalls: rangeCallsSchema.optional(),
    dateRangeType: dateRangeTypeSchema.optional(),
    txnType: z
      .enum(['SALE', 'AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND'], {
        error: 'txnType must be SALE, AUTHORIZE, CAPTURE, VOID or REFUND',
      })
      .optional(),
    responseType: z
      .enum(['SUCCESS', 'HARD_DECLINE', 'SOFT_DECLINE'], {
        error: 'responseType must be SUCCESS, HARD_DECLINE or SOFT_DECLINE',
      })
      .optional(),
    orderId: orderIdSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    resultsPerPage: resultsPerPageSchema.optional(),
    sortDir: sortDirSchema.optional(),
    sortBy: sortBySchema.optional(),
    page: pageSchema.optional(),
  })
  .refine((q) => q.range !== undefined || q.orderId !== undefined, {
    error: 'range is required unless orderId is given',
    path: ['range'],
  });

const campaignQuerySchema = z.object(
  {
    campaignId: integerId('campaignId').optional(),
    resultsPerPage: resultsPerPageSchema.optional(),
    range: rangeSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    dateFallback: z.boolean({ error: 'dateFallback must be a boolean' }).optional(),
  },
  { error: 'query must be an object' },
);

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, endpoint: EndpointSpec): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(arguments)';
    // Custom messages start with the field name; make sure zod's generic ones name it too.
    const named =
      field === '(arguments)' || issue.message.startsWith(field)
        ? issue.message
        : `${field}: ${issue.message}`;
    fields[field] ??= named;
  }
  throw new KonnektiveValidationError([...new Set(Object.values(fields))].join('; '), endpoint.path, fields);
}

export function checkCredentials(credentials: unknown, endpoint: EndpointSpec): KonnektiveCredentials {
  return parseOrThrow(credentialsSchema, credentials, endpoint);
}

export type CheckedOrderQuery = z.output<typeof orderQuerySchema>;
export type CheckedTransactionQuery = z.output<typeof transactionQuerySchema>;
export type CheckedCampaignQuery = z.output<typeof campaignQuerySchema>;
export type CheckedCustomerQuery = z.output<typeof customerQuerySchema>;

export function checkOrderQuery(query: OrderQuery, endpoint: EndpointSpec): CheckedOrderQuery {
  return parseOrThrow(orderQuerySchema, query, endpoint);
}

export function checkTransactionQuery(
  query: TransactionQuery,
  endpoint: EndpointSpec,
): CheckedTransactionQuery {
  return parseOrThrow(transactionQuerySchema, query, endpoint);
}

export function checkCustomerQuery(query: CustomerQuery, endpoint: EndpointSpec): CheckedCustomerQuery {
  return parseOrThrow(customerQuerySchema, query, endpoint);
}

export function checkCampaignQuery(query: unknown, endpoint: EndpointSpec): CheckedCampaignQuery {
  return parseOrThrow(campaignQuerySchema, query ?? {}, endpoint);
}

const PARAM_NAME = /^[A-Za-z0-9_]+$/;
const RESERVED = new Set(['loginid', 'password']);

/**
 * Write parameters go through as given (the action layer validated them against each endpoint's rules);
 * this only guards the wire: names must be plain identifiers, the credentials cannot be overridden, values
 * must be scalars. Booleans (not in the port's type, but common from JavaScript callers) become `1`/`0`;
 * `undefined` values are omitted.
 */
export function checkWriteParams(params: KonnektiveParams, endpoint: EndpointSpec): Record<string, string> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new KonnektiveValidationError('params must be an object of Konnektive parameters', endpoint.path, {
      params: 'must be an object',
    });
  }
  const encoded: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    if (!PARAM_NAME.test(name)) {
      fields[name] = `parameter name "${name}" must contain only letters, digits and _`;
      continue;
    }
    if (RESERVED.has(name.toLowerCase())) {
      fields[name] = `params.${name} is not allowed: credentials are passed separately`;
      continue;
    }
    const text = scalarText(value);
    if (text === null) {
      fields[name] = `params.${name} must be a string, a finite number or a boolean`;
      continue;
    }
    if (text !== undefined) encoded[name] = text;
  }
  if (Object.keys(fields).length > 0) {
    throw new KonnektiveValidationError(Object.values(fields).join('; '), endpoint.path, fields);
  }
  return encoded;
}

/** Wire text of a scalar; `undefined` when the parameter is to be omitted, `null` when not a scalar. */
export function scalarText(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return null;
}
