/**
 * Request and result schemas of the five actions. Field names are Konnektive's parameter names (docs/http-api.md,
 * docs/actions.md), so a Zap maps straight onto them; the rules follow docs/konnektive.md (Writes).
 * The schemas also feed the OpenAPI document (functions/core/openapi.ts).
 */
import * as z from 'zod';
import { once } from '../lazy.js';
import {
  optionalBoolean,
  optionalCardMonth,
  optionalCardYear,
  optionalCountry,
  optionalDate,
  optionalDigits,
  optionalEmail,
  optionalEnum,
  optionalId,
  optionalMoney,
  optionalOrderId,
  optionalText,
  productsField,
  requiredEnum,
  requiredId,
  requiredOrderId,
  requiredText,
} from './fields.js';

/** Payment methods a Zap can use (redirect-based wallets such as PAYPAL cannot complete without a browser). */
export const PAY_SOURCES = ['CREDITCARD', 'CHECK', 'ACCTONFILE', 'COD', 'DIRECTDEBIT', 'PREPAID'] as const;
export const FULFILLMENT_STATUSES = ['SHIPPED', 'RMA_PENDING', 'RETURNED', 'CANCELLED'] as const;

const NAME_MAX = 64;
const ADDRESS_MAX = 100;

const billingShape = once(() => ({
  firstName: optionalText(NAME_MAX),
  lastName: optionalText(NAME_MAX),
  companyName: optionalText(ADDRESS_MAX),
  address1: optionalText(ADDRESS_MAX),
  address2: optionalText(ADDRESS_MAX),
  city: optionalText(NAME_MAX),
  state: optionalText(NAME_MAX, { description: 'State or province (2-letter code for US/CA)' }),
  postalCode: optionalText(20),
  country: optionalCountry({ description: 'ISO 3166-1 alpha-2, e.g. US' }),
  emailAddress: optionalEmail(),
  phoneNumber: optionalText(30),
  ipAddress: optionalText(45, { description: "The customer's IP address, when known" }),
}));

const shippingShape = once(() => ({
  billShipSame: optionalBoolean({
    description:
      'Ship to the billing address (default true for a new customer); false requires the ship* fields',
  }),
  shipFirstName: optionalText(NAME_MAX),
  shipLastName: optionalText(NAME_MAX),
  shipCompanyName: optionalText(ADDRESS_MAX),
  shipAddress1: optionalText(ADDRESS_MAX),
  shipAddress2: optionalText(ADDRESS_MAX),
  shipCity: optionalText(NAME_MAX),
  shipState: optionalText(NAME_MAX),
  shipPostalCode: optionalText(20),
  shipCountry: optionalCountry({ description: 'ISO 3166-1 alpha-2, e.g. US' }),
}));

/** `affId`, `sourceValue1..5`, `custom1..5`: attribution and custom fields, passed through. */
const trackingShape = once(() => ({
  affId: optionalText(64),
  sourceValue1: optionalText(100),
  sourceValue2: optionalText(100),
  sourceValue3: optionalText(100),
  sourceValue4: optionalText(100),
  sourceValue5: optionalText(100),
  custom1: optionalText(50),
  custom2: optionalText(50),
  custom3: optionalText(50),
  custom4: optionalText(50),
  custom5: optionalText(50),
}));

const BILLING_REQUIRED = [
  'firstName',
  'lastName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'emailAddress',
] as const;
const SHIPPING_REQUIRED = [
  'shipFirstName',
  'shipLastName',
  'shipAddress1',
  'shipCity',
  'shipState',
  'shipPostalCode',
  'shipCountry',
] as const;

type Ctx = z.RefinementCtx;

/**
 * Cross-field rules run even when a field already failed (zod skips them by default), so one answer names every
 * problem; only a body that is not an object at all skips them. Such a rule then sees the raw input of the failed
 * fields, hence the defensive `Record<string, unknown>`.
 */
const always = {
  when: (payload: { value: unknown }) =>
    payload.value !== null && typeof payload.value === 'object' && !Array.isArray(payload.value),
};

const requireFields = (
  value: Record<string, unknown>,
  keys: readonly string[],
  ctx: Ctx,
  why: string,
): void => {
  for (const key of keys) {
    if (value[key] === undefined)
      ctx.addIssue({ code: 'custom', path: [key], message: `is required ${why}` });
  }
};

/** `POST /actions/create_sale` → `order/import`: charge a new sale, or convert a lead (`orderId`). */
export const createSaleRequestSchema = once(() =>
  z
    .object({
      campaignId: requiredId({ description: 'Konnektive campaign id (GET /campaigns)' }),
      orderId: optionalOrderId({
        description: 'A lead (PARTIAL order) from create_lead to convert into this sale',
      }),
      customerId: optionalId({ description: 'An existing customer (required for paySource ACCTONFILE)' }),
      sessionId: optionalText(64),
      ...billingShape(),
      ...shippingShape(),
      paySource: optionalEnum(PAY_SOURCES, { description: 'Default CREDITCARD' }),
      cardNumber: optionalDigits(12, 19, 'a card number', { description: 'Required for CREDITCARD' }),
      cardMonth: optionalCardMonth({ description: 'Expiry month 01–12' }),
      cardYear: optionalCardYear({ description: 'Expiry year YYYY (YY accepted)' }),
      cardSecurityCode: optionalDigits(3, 4, 'a security code', { description: 'CVV, 3–4 digits' }),
      achAccountType: optionalEnum(['CHECKING', 'SAVINGS'] as const),
      achRoutingNumber: optionalDigits(9, 9, 'a routing number'),
      achAccountNumber: optionalDigits(4, 17, 'an account number'),
      iban: optionalText(34),
      ddibc: optionalText(11),
      accountHolder: optionalText(100),
      products: productsField({
        description: 'Line items; at least one. id is the campaignProductId (GET /campaigns/{id}/products)',
      }),
      couponCode: optionalText(50),
      shipProfileId: optionalId(),
      salesTax: optionalMoney(),
      insureShipment: optionalBoolean(),
      salesUrl: optionalText(500),
      ...trackingShape(),
    })
    .superRefine((input, ctx) => {
      const value: Record<string, unknown> = input;
      if (Array.isArray(value.products) && value.products.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['products'],
          message: 'must contain at least one product {id, qty}',
        });
      }
      if (value.orderId === undefined && value.customerId === undefined) {
        requireFields(value, BILLING_REQUIRED, ctx, 'without orderId or customerId');
      }
      if (value.billShipSame === false)
        requireFields(value, SHIPPING_REQUIRED, ctx, 'when billShipSame is false');
      const paySource = value.paySource ?? 'CREDITCARD';
      if (paySource === 'CREDITCARD') {
        requireFields(
          value,
          ['cardNumber', 'cardMonth', 'cardYear', 'cardSecurityCode'],
          ctx,
          'for paySource CREDITCARD',
        );
      } else if (paySource === 'CHECK') {
        requireFields(
          value,
          ['achAccountType', 'achRoutingNumber', 'achAccountNumber'],
          ctx,
          'for paySource CHECK',
        );
      } else if (paySource === 'DIRECTDEBIT') {
        requireFields(value, ['iban', 'accountHolder'], ctx, 'for paySource DIRECTDEBIT');
      } else if (paySource === 'ACCTONFILE') {
        requireFields(value, ['customerId'], ctx, 'for paySource ACCTONFILE');
      }
    }, always),
);
export type CreateSaleRequest = z.output<ReturnType<typeof createSaleRequestSchema>>;

/** `POST /actions/create_lead` → `leads/import`: a PARTIAL order (or update the lead named by `orderId`). */
export const createLeadRequestSchema = once(() =>
  z
    .object({
      campaignId: requiredId({ description: 'Konnektive campaign id (GET /campaigns)' }),
      orderId: optionalOrderId({ description: 'An existing lead to update instead of creating another' }),
      sessionId: optionalText(64),
      ...billingShape(),
      firstName: requiredText(NAME_MAX),
      lastName: requiredText(NAME_MAX),
      ...shippingShape(),
      disableCustomerDedup: optionalBoolean({ description: 'Create a new customer even if one matches' }),
      ...trackingShape(),
    })
    .superRefine((input, ctx) => {
      const value: Record<string, unknown> = input;
      if (value.emailAddress === undefined && value.phoneNumber === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['emailAddress'],
          message: 'emailAddress or phoneNumber is required',
        });
      }
      if (value.billShipSame === false)
        requireFields(value, SHIPPING_REQUIRED, ctx, 'when billShipSame is false');
    }, always),
);
export type CreateLeadRequest = z.output<ReturnType<typeof createLeadRequestSchema>>;

/** `POST /actions/update_fulfillment` → `fulfillment/update`. */
export const updateFulfillmentRequestSchema = once(() =>
  z
    .object({
      orderId: optionalOrderId({ description: 'The order to update (or give fulfillmentId)' }),
      fulfillmentId: optionalId({
        description: 'One fulfillment of an order (order.fulfillments[].fulfillmentId)',
      }),
      fulfillmentStatus: requiredEnum(FULFILLMENT_STATUSES),
      trackingNumber: optionalText(100, { description: 'Required when SHIPPED' }),
      dateShipped: optionalDate({ description: 'Required when SHIPPED; MM/DD/YYYY, YYYY-MM-DD or ISO-8601' }),
      shipCarrier: optionalText(50),
      shipMethod: optionalText(50),
      rmaNumber: optionalText(50, { description: 'For RMA_PENDING' }),
      refundAmount: optionalMoney({ description: 'For RMA_PENDING' }),
      dateReturned: optionalDate({ description: 'For RETURNED; MM/DD/YYYY, YYYY-MM-DD or ISO-8601' }),
    })
    .superRefine((input, ctx) => {
      const value: Record<string, unknown> = input;
      if (value.orderId === undefined && value.fulfillmentId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['orderId'], message: 'orderId or fulfillmentId is required' });
      }
      if (value.fulfillmentStatus === 'SHIPPED') {
        requireFields(value, ['trackingNumber', 'dateShipped'], ctx, 'when fulfillmentStatus is SHIPPED');
      }
    }, always),
);
export type UpdateFulfillmentRequest = z.output<ReturnType<typeof updateFulfillmentRequestSchema>>;

/** `POST /actions/cancel_order` → `order/cancel`. */
export const cancelOrderRequestSchema = once(() =>
  z.object({
    orderId: requiredOrderId(),
    cancelReason: requiredText(100),
    fullRefund: optionalBoolean({ description: 'Also refund the order' }),
    afterNextBill: optionalBoolean({ description: 'Cancel continuity after the next scheduled bill' }),
  }),
);
export type CancelOrderRequest = z.output<ReturnType<typeof cancelOrderRequestSchema>>;

const customerFields = once(() => ({
  ...billingShape(),
  shipFirstName: shippingShape().shipFirstName,
  shipLastName: shippingShape().shipLastName,
  shipCompanyName: shippingShape().shipCompanyName,
  shipAddress1: shippingShape().shipAddress1,
  shipAddress2: shippingShape().shipAddress2,
  shipCity: shippingShape().shipCity,
  shipState: shippingShape().shipState,
  shipPostalCode: shippingShape().shipPostalCode,
  shipCountry: shippingShape().shipCountry,
  custom1: trackingShape().custom1,
  custom2: trackingShape().custom2,
  custom3: trackingShape().custom3,
  custom4: trackingShape().custom4,
  custom5: trackingShape().custom5,
}));
/** The fields update_customer may change (only given fields change). */
const customerUpdateFields = once(() => Object.keys(customerFields()).filter((key) => key !== 'ipAddress'));

/** `POST /actions/update_customer` → `customer/update`: only the given fields change. */
export const updateCustomerRequestSchema = once(() =>
  z.object({ customerId: requiredId(), ...customerFields() }).superRefine((input, ctx) => {
    const value: Record<string, unknown> = input;
    if (!customerUpdateFields().some((key) => value[key] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'give at least one field to change besides customerId (e.g. emailAddress, address1)',
      });
    }
  }, always),
);
export type UpdateCustomerRequest = z.output<ReturnType<typeof updateCustomerRequestSchema>>;
