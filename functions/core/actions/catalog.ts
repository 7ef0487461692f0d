/**
 * The action registry: for each of the five actions, its Konnektive endpoint, request and result schemas, whether a
 * resend is harmless, how a validated body becomes Konnektive parameters, which gateway call sends them, and how
 * Konnektive's answer becomes the flat result a Zap sees. The route, the OpenAPI document and the dashboard all
 * list actions from here.
 */
import type { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { KonnektiveCredentials, KonnektiveGateway, KonnektiveParams } from '../konnektive.js';
import { formatKonnektiveDate } from '../zoned-time.js';
import type { DateValue, ProductLine } from './fields.js';
import {
  type CancelOrderRequest,
  type CreateLeadRequest,
  type CreateSaleRequest,
  cancelOrderRequestSchema,
  cancelOrderResultSchema,
  createLeadRequestSchema,
  createLeadResultSchema,
  createSaleRequestSchema,
  createSaleResultSchema,
  type UpdateCustomerRequest,
  type UpdateFulfillmentRequest,
  updateCustomerRequestSchema,
  updateCustomerResultSchema,
  updateFulfillmentRequestSchema,
  updateFulfillmentResultSchema,
} from './schemas.js';

/** A flat action result (Zapier create results must be plain objects). */
export type ActionResult = Record<string, string | number | boolean | null>;

/** What mapping needs besides the body. */
export interface ActionContext {
  /** The account's IANA zone: an ISO instant such as `dateShipped` becomes the account's local date. */
  timeZone: string;
}

/** A validated request, ready to send. */
export interface PreparedAction {
  /** The normalized body (what the idempotency hash covers: `"12.5"` and `12.50` are the same request). */
  normalized: unknown;
  params: KonnektiveParams;
  send(gateway: KonnektiveGateway, credentials: KonnektiveCredentials): Promise<unknown>;
  toResult(message: unknown): ActionResult;
}

/** One action, its types erased so the route can pick it by name. */
export interface ActionDefinition {
  /** The `{action}` path segment, e.g. `create_sale`. */
  readonly name: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** Konnektive endpoint path, e.g. `order/import`. */
  readonly endpoint: string;
  /** The request body (before normalization) and the result a Zap sees. */
  readonly requestSchema: z.ZodType;
  readonly resultSchema: z.ZodType;
  /**
   * Whether sending the same request twice is harmless. True for writes that set a state (fulfillment, cancel,
   * customer fields): they ignore an Idempotency-Key (replaying a stored answer would swallow a later change,
   * A → B → A). False where a repeat creates another record or charges again (sale, lead): only these honour one.
   */
  readonly retrySafe: boolean;
  /** What the action makes happen, for messages: "the sale (and its charge)". */
  readonly subject: string;
  /** Validates the parsed JSON body; throws the ZodError (422 naming the fields) when invalid. */
  prepare(body: unknown, context: ActionContext): PreparedAction;
}

const define = <S extends z.ZodType>(spec: {
  name: string;
  summary: string;
  endpoint: string;
  retrySafe: boolean;
  subject: string;
  schema: S;
  resultSchema: z.ZodType;
  toParams(input: z.output<S>, context: ActionContext): KonnektiveParams;
  send(
    gateway: KonnektiveGateway,
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
  ): Promise<unknown>;
  toResult(message: unknown, input: z.output<S>): ActionResult;
}): ActionDefinition => ({
  name: spec.name,
  summary: spec.summary,
  endpoint: spec.endpoint,
  requestSchema: spec.schema,
  resultSchema: spec.resultSchema,
  retrySafe: spec.retrySafe,
  subject: spec.subject,
  prepare(body, context) {
    const input = spec.schema.parse(body);
    const params = spec.toParams(input, context);
    return {
      normalized: input,
      params,
      send: (gateway, credentials) => spec.send(gateway, credentials, params),
      toResult: (message) => spec.toResult(message, input),
    };
  },
});

// ---------------------------------------------------------------------------------------------------------
// Parameter mapping

type ParamValue = string | number | boolean | DateValue | undefined;

/** Copies the given keys that have a value; booleans become 1/0 (Konnektive's flags), dates MM/DD/YYYY. */
const pick = (
  input: Record<string, unknown>,
  keys: readonly string[],
  context: ActionContext,
  params: KonnektiveParams = {},
): KonnektiveParams => {
  for (const key of keys) {
    const value = toParam(input[key] as ParamValue, context);
    if (value !== undefined) params[key] = value;
  }
  return params;
};

const toParam = (value: ParamValue, context: ActionContext): string | number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return konnektiveDate(value, context.timeZone);
  return value;
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A date parameter as Konnektive wants it: MM/DD/YYYY, an instant read as the account's local date. */
export const konnektiveDate = (value: DateValue, timeZone: string): string =>
  value.kind === 'date'
    ? `${pad(value.month)}/${pad(value.day)}/${pad(value.year, 4)}`
    : formatKonnektiveDate(new Date(value.iso), timeZone);

/** `[{id, qty, price, shipPrice}]` → `product1_id`, `product1_qty`, `product1_price`, `product1_shipPrice`, … */
export const productParams = (products: readonly ProductLine[]): KonnektiveParams => {
  const params: KonnektiveParams = {};
  products.forEach((line, index) => {
    const n = index + 1;
    params[`product${n}_id`] = line.id;
    params[`product${n}_qty`] = line.qty;
    if (line.price !== undefined) params[`product${n}_price`] = line.price;
    if (line.shipPrice !== undefined) params[`product${n}_shipPrice`] = line.shipPrice;
  });
  return params;
};

const BILLING_KEYS = [
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
  'ipAddress',
] as const;
const SHIPPING_KEYS = [
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
const TRACKING_KEYS = [
  'affId',
  'sourceValue1',
  'sourceValue2',
  'sourceValue3',
  'sourceValue4',
  'sourceValue5',
  'custom1',
  'custom2',
  'custom3',
  'custom4',
  'custom5',
] as const;
const PAYMENT_KEYS: Record<string, readonly string[]> = {
  CREDITCARD: ['cardNumber', 'cardMonth', 'cardYear', 'cardSecurityCode'],
  CHECK: ['achAccountType', 'achRoutingNumber', 'achAccountNumber'],
  DIRECTDEBIT: ['iban', 'ddibc', 'accountHolder'],
};

/**
 * `billShipSame` defaults to 1 for a new customer (no orderId): without it Konnektive asks for the ship* fields.
 * When converting a lead the lead's own setting stands unless the Zap sends one.
 */
const billShipSame = (input: { billShipSame?: boolean | undefined; orderId?: string | undefined }) =>
  input.billShipSame ?? (input.orderId === undefined ? true : undefined);

export const createSaleParams = (input: CreateSaleRequest, context: ActionContext): KonnektiveParams => {
  const paySource = input.paySource ?? 'CREDITCARD';
  const params = pick(input, ['campaignId', 'orderId', 'customerId', 'sessionId', ...BILLING_KEYS], context);
  pick({ billShipSame: billShipSame(input) }, ['billShipSame'], context, params);
  pick(input, SHIPPING_KEYS, context, params);
  params.paySource = paySource;
  // Only the chosen method's details are sent: a card number mapped "just in case" must not travel on a CHECK sale.
  pick(input, PAYMENT_KEYS[paySource] ?? [], context, params);
  Object.assign(params, productParams(input.products));
  pick(
    input,
    ['couponCode', 'shipProfileId', 'salesTax', 'insureShipment', 'salesUrl', ...TRACKING_KEYS],
    context,
    params,
  );
  return params;
};

export const createLeadParams = (input: CreateLeadRequest, context: ActionContext): KonnektiveParams => {
  const params = pick(input, ['campaignId', 'orderId', 'sessionId', ...BILLING_KEYS], context);
  pick({ billShipSame: billShipSame(input) }, ['billShipSame'], context, params);
  pick(input, [...SHIPPING_KEYS, 'disableCustomerDedup', ...TRACKING_KEYS], context, params);
  return params;
};

export const updateFulfillmentParams = (
  input: UpdateFulfillmentRequest,
  context: ActionContext,
): KonnektiveParams =>
  pick(
    input,
    [
      'orderId',
      'fulfillmentId',
      'fulfillmentStatus',
      'trackingNumber',
      'dateShipped',
      'shipCarrier',
      'shipMethod',
      'rmaNumber',
      'refundAmount',
      'dateReturned',
    ],
    context,
  );

export const cancelOrderParams = (input: CancelOrderRequest, context: ActionContext): KonnektiveParams =>
  pick(input, ['orderId', 'cancelReason', 'fullRefund', 'afterNextBill'], context);

export const updateCustomerParams = (
  input: UpdateCustomerRequest,
  context: ActionContext,
): KonnektiveParams => pick(input, Object.keys(input), context);

// ---------------------------------------------------------------------------------------------------------
// Results

const asRecord = (message: unknown): Record<string, unknown> =>
  message !== null && typeof message === 'object' && !Array.isArray(message)
    ? (message as Record<string, unknown>)
    : {};

const text = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

const idValue = (value: unknown): string | number | null =>
  typeof value === 'number' || (typeof value === 'string' && value !== '') ? value : null;

/**
 * Konnektive dates are `YYYY-MM-DD HH:MM:SS`; `leads/import` sends a PHP DateTime object instead
 * (`{date: "2015-01-16 12:20:49.000000", timezone: …}`). Both become the string form.
 */
export const normalizeDateCreated = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  const date = asRecord(value).date;
  if (typeof date !== 'string') return null;
  return /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(date)?.[1] ?? date;
};

/** Konnektive's text for writes whose answer is a sentence (or `{message: sentence}` from the client). */
const konnektiveText = (message: unknown): { message?: string } => {
  if (typeof message === 'string' && message.trim() !== '') return { message: message.trim() };
  const inner = asRecord(message).message;
  return typeof inner === 'string' && inner.trim() !== '' ? { message: inner.trim() } : {};
};

export const createSaleResult = (message: unknown, input: CreateSaleRequest): ActionResult => {
  const order = asRecord(message);
  const cardLast4 = text(order.cardLast4);
  return {
    orderId: text(order.orderId) ?? input.orderId ?? '',
    customerId: idValue(order.customerId),
    orderStatus: text(order.orderStatus),
    orderType: text(order.orderType),
    totalAmount: text(order.totalAmount),
    campaignId: idValue(order.campaignId) ?? input.campaignId,
    dateCreated: normalizeDateCreated(order.dateCreated),
    ...(cardLast4 === null ? {} : { cardLast4 }),
  };
};

export const createLeadResult = (message: unknown, input: CreateLeadRequest): ActionResult => {
  const lead = asRecord(message);
  return {
    orderId: text(lead.orderId) ?? input.orderId ?? '',
    customerId: idValue(lead.customerId),
    orderStatus: text(lead.orderStatus),
    dateCreated: normalizeDateCreated(lead.dateCreated),
  };
};

// ---------------------------------------------------------------------------------------------------------
// The catalog

export const ACTIONS = {
  create_sale: define({
    name: 'create_sale',
    summary: 'Create a sale (Konnektive order/import); charges the card',
    endpoint: 'order/import',
    retrySafe: false,
    subject: 'the sale (and its charge)',
    schema: createSaleRequestSchema,
    resultSchema: createSaleResultSchema,
    toParams: createSaleParams,
    send: (gateway, credentials, params) => gateway.importOrder(credentials, params),
    toResult: createSaleResult,
  }),
  create_lead: define({
    name: 'create_lead',
    summary: 'Create or update a lead, a PARTIAL order (Konnektive leads/import)',
    endpoint: 'leads/import',
    retrySafe: false,
    subject: 'the lead',
    schema: createLeadRequestSchema,
    resultSchema: createLeadResultSchema,
    toParams: createLeadParams,
    send: (gateway, credentials, params) => gateway.importLead(credentials, params),
    toResult: createLeadResult,
  }),
  update_fulfillment: define({
    name: 'update_fulfillment',
    summary: 'Update a fulfillment: shipped, RMA, returned, cancelled (Konnektive fulfillment/update)',
    endpoint: 'fulfillment/update',
    retrySafe: true,
    subject: 'the fulfillment update',
    schema: updateFulfillmentRequestSchema,
    resultSchema: updateFulfillmentResultSchema,
    toParams: updateFulfillmentParams,
    send: (gateway, credentials, params) => gateway.updateFulfillment(credentials, params),
    toResult: (message, input) => ({
      ...(input.orderId === undefined ? {} : { orderId: input.orderId }),
      ...(input.fulfillmentId === undefined ? {} : { fulfillmentId: input.fulfillmentId }),
      fulfillmentStatus: input.fulfillmentStatus,
      status: 'ok',
      ...konnektiveText(message),
    }),
  }),
  cancel_order: define({
    name: 'cancel_order',
    summary: 'Cancel an order, optionally refunding it (Konnektive order/cancel)',
    endpoint: 'order/cancel',
    retrySafe: true,
    subject: 'the cancellation',
    schema: cancelOrderRequestSchema,
    resultSchema: cancelOrderResultSchema,
    toParams: cancelOrderParams,
    send: (gateway, credentials, params) => gateway.cancelOrder(credentials, params),
    toResult: (message, input) => ({ orderId: input.orderId, status: 'ok', ...konnektiveText(message) }),
  }),
  update_customer: define({
    name: 'update_customer',
    summary: "Change a customer's details; only given fields change (Konnektive customer/update)",
    endpoint: 'customer/update',
    retrySafe: true,
    subject: 'the customer update',
    schema: updateCustomerRequestSchema,
    resultSchema: updateCustomerResultSchema,
    toParams: updateCustomerParams,
    send: (gateway, credentials, params) => gateway.updateCustomer(credentials, params),
    toResult: (message, input) => ({
      customerId: input.customerId,
      status: 'ok',
      ...konnektiveText(message),
    }),
  }),
} as const satisfies Record<string, ActionDefinition>;

export type ActionName = keyof typeof ACTIONS;
/** Every action name, in registry order. */
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

const isActionName = (name: string): name is ActionName => Object.hasOwn(ACTIONS, name);

/** The action called `name`, or a NotFoundError (404) listing the ones that exist. */
export const findAction = (name: string): ActionDefinition => {
  if (!isActionName(name)) {
    throw new NotFoundError(`Unknown action "${name.slice(0, 40)}"; use one of ${ACTION_NAMES.join(', ')}`);
  }
  return ACTIONS[name];
};
