/**
 * The records as the API answers them (functions/core/records/serialize.ts writes them), as zod schemas: the
 * OpenAPI document is generated from them, and tests check answers against them. Loose: every other Konnektive
 * field is there too, with Konnektive's name and type.
 */
import * as z from 'zod';
import { CUSTOMER_FIELDS, ORDER_FIELDS } from './serialize.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const dateTime = z
  .string()
  .regex(ISO_DATE_TIME)
  .nullable()
  .meta({ description: "ISO-8601 with the account zone's offset, e.g. 2026-11-28T09:15:00-05:00" });

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .nullable()
  .meta({ description: 'YYYY-MM-DD' });

const text = z.string().nullable();
const integer = z.number().int().nullable();

/** Konnektive's line item, unchanged inside (its numbers are strings); `nextBillDate` is a date. */
const itemSchema = z.looseObject({ nextBillDate: date.optional() });

/** An order: `id` (= orderId), `connection` (the login id) and Konnektive's order fields. */
export const orderSchema = z
  .looseObject({
    id: z.string().nullable().meta({ description: 'The orderId' }),
    connection: z.string().meta({ description: 'The connection label (login id)' }),
    orderId: z.string(),
    orderStatus: text,
    orderType: text,
    dateCreated: dateTime,
    dateUpdated: dateTime,
    totalAmount: text.meta({ description: 'Money as a 2-decimal string' }),
    customerId: integer,
    campaignId: integer,
    cardExpiryDate: date,
    items: z.array(itemSchema).meta({ description: "Konnektive's line items as a list ([] when none)" }),
    fulfillments: z.array(z.looseObject({})),
  })
  .meta({
    description: `Every field of Konnektive's order record is present (null when empty): ${ORDER_FIELDS.join(', ')}`,
  });

/** A customer: `id` (= String(customerId)) and Konnektive's customer fields. */
export const customerSchema = z
  .looseObject({
    id: z.string().nullable().meta({ description: 'The customerId as text' }),
    customerId: integer,
    dateCreated: dateTime,
    dateUpdated: dateTime,
  })
  .meta({
    description: `Every one of these fields is present (null when empty): ${CUSTOMER_FIELDS.join(', ')}`,
  });
