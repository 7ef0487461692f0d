/**
 * The action registry: for each of the five actions, its Konnektive endpoint, request schema, whether a resend is
 * harmless, how a validated body becomes Konnektive parameters, which gateway call sends them, and which record its
 * answer is (the order, or the customer: the resource's new state, read back after the write). The route, the
 * OpenAPI document and the dashboard all list actions from here.
 */
import type { z } from 'zod';
import { NotFoundError } from '../errors.js';
import type { KonnektiveCredentials, KonnektiveGateway, KonnektiveParams } from '../konnektive.js';
import { customerSchema, orderSchema } from '../records/schemas.js';
import { CONTACT_FIELDS, SHIPPING_FIELDS } from '../records/serialize.js';
import { formatKonnektiveDate } from '../zoned-time.js';
import type { DateValue, ProductLine } from './fields.js';
import {
  type CancelOrderRequest,
  type CreateLeadRequest,
  type CreateSaleRequest,
  cancelOrderRequestSchema,
  createLeadRequestSchema,
  createSaleRequestSchema,
  type UpdateCustomerRequest,
  type UpdateFulfillmentRequest,
  updateCustomerRequestSchema,
  updateFulfillmentRequestSchema,
} from './schemas.js';

/** The record an action answers with. */
export type ActionResource = 'order' | 'customer';

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
  /** The id of the record to read back after the write (orderId or customerId), from the answer or the request. */
  target(message: unknown): string | number | undefined;
  /**
   * What is known of the record without reading it back (the read failed): Konnektive's answer when it is the
   * record, and the request's own fields under their Konnektive names. Never payment details.
   */
  fallback(message: unknown): Record<string, unknown>;
}

/** One action, its types erased so the route can pick it by name. */
export interface ActionDefinition {
  /** The `{action}` path segment, e.g. `create_sale`. */
  readonly name: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** Konnektive endpoint path, e.g. `order/import`. */
  readonly endpoint: string;
  /** The request body (before normalization) and the record a Zap gets back. */
  readonly requestSchema: z.ZodType;
  readonly resultSchema: z.ZodType;
  /** Which record the answer is: the order, re-read and serialized like `GET /orders`, or the customer. */
  readonly resource: ActionResource;
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
  /** Builds the request schema: each action's is built on its first request, not while the module loads. */
  schema: () => S;
  resource: ActionResource;
  toParams(input: z.output<S>, context: ActionContext): KonnektiveParams;
  send(
    gateway: KonnektiveGateway,
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
  ): Promise<unknown>;
  target(message: unknown, input: z.output<S>): string | number | undefined;
  fallback(message: unknown, input: z.output<S>): Record<string, unknown>;
}): ActionDefinition => ({
  name: spec.name,
  summary: spec.summary,
  endpoint: spec.endpoint,
  get requestSchema() {
    return spec.schema();
  },
  resultSchema: spec.resource === 'order' ? orderSchema : customerSchema,
  resource: spec.resource,
  retrySafe: spec.retrySafe,
  subject: spec.subject,
  prepare(body, context) {
    const input = spec.schema().parse(body);
    const params = spec.toParams(input, context);
    return {
      normalized: input,
      params,
      send: (gateway, credentials) => spec.send(gateway, credentials, params),
      target: (message) => spec.target(message, input),
      fallback: (message) => spec.fallback(message, input),
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

const BILLING_KEYS = [...CONTACT_FIELDS, 'ipAddress'] as const;
const SHIPPING_KEYS = SHIPPING_FIELDS;
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
// Results: which record to read back, and what is known without it

const asRecord = (message: unknown): Record<string, unknown> =>
  message !== null && typeof message === 'object' && !Array.isArray(message)
    ? (message as Record<string, unknown>)
    : {};

const idText = (value: unknown): string | undefined =>
  (typeof value === 'string' && value !== '') || typeof value === 'number' ? String(value) : undefined;

/** The request's fields that a record has too (names, addresses, campaign): never payment details. */
const RECORD_FIELDS_OF_REQUEST = ['campaignId', 'orderId', 'customerId', ...BILLING_KEYS, ...SHIPPING_KEYS];

const requestFields = (input: Record<string, unknown>): Record<string, unknown> => {
  const fields: Record<string, unknown> = {};
  for (const key of RECORD_FIELDS_OF_REQUEST) {
    const value = input[key];
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return fields;
};

/** Konnektive's answer when it is the order itself (order/import, leads/import; some writes echo it). */
const orderAnswer = (message: unknown, orderId: string | undefined): Record<string, unknown> => {
  const answer = asRecord(message);
  const answerId = idText(answer.orderId);
  return answerId !== undefined && (orderId === undefined || answerId === orderId) ? answer : {};
};

/** A created order: Konnektive's answer over the request's own fields. */
const createdOrder = (message: unknown, input: Record<string, unknown>): Record<string, unknown> => ({
  ...requestFields(input),
  ...orderAnswer(message, undefined),
});

/** An updated order: its id, and Konnektive's answer if that is the order. */
const updatedOrder = (message: unknown, orderId: string | undefined): Record<string, unknown> => ({
  ...(orderId === undefined ? {} : { orderId }),
  ...orderAnswer(message, orderId),
});

/** An updated customer: Konnektive's answer if that is the customer, over the fields just set. */
const updatedCustomer = (message: unknown, input: UpdateCustomerRequest): Record<string, unknown> => {
  const answer = asRecord(message);
  const same = idText(answer.customerId) === String(input.customerId);
  return { ...requestFields(input), ...(same ? answer : {}), customerId: input.customerId };
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
    resource: 'order',
    toParams: createSaleParams,
    send: (gateway, credentials, params) => gateway.importOrder(credentials, params),
    target: (message, input) => idText(asRecord(message).orderId) ?? input.orderId,
    fallback: createdOrder,
  }),
  create_lead: define({
    name: 'create_lead',
    summary: 'Create or update a lead, a PARTIAL order (Konnektive leads/import)',
    endpoint: 'leads/import',
    retrySafe: false,
    subject: 'the lead',
    schema: createLeadRequestSchema,
    resource: 'order',
    toParams: createLeadParams,
    send: (gateway, credentials, params) => gateway.importLead(credentials, params),
    target: (message, input) => idText(asRecord(message).orderId) ?? input.orderId,
    fallback: createdOrder,
  }),
  update_fulfillment: define({
    name: 'update_fulfillment',
    summary: 'Update a fulfillment: shipped, RMA, returned, cancelled (Konnektive fulfillment/update)',
    endpoint: 'fulfillment/update',
    retrySafe: true,
    subject: 'the fulfillment update',
    schema: updateFulfillmentRequestSchema,
    resource: 'order',
    toParams: updateFulfillmentParams,
    send: (gateway, credentials, params) => gateway.updateFulfillment(credentials, params),
    target: (message, input) => input.orderId ?? idText(asRecord(message).orderId),
    fallback: (message, input) => updatedOrder(message, input.orderId),
  }),
  cancel_order: define({
    name: 'cancel_order',
    summary: 'Cancel an order, optionally refunding it (Konnektive order/cancel)',
    endpoint: 'order/cancel',
    retrySafe: true,
    subject: 'the cancellation',
    schema: cancelOrderRequestSchema,
    resource: 'order',
    toParams: cancelOrderParams,
    send: (gateway, credentials, params) => gateway.cancelOrder(credentials, params),
    target: (_message, input) => input.orderId,
    fallback: (message, input) => updatedOrder(message, input.orderId),
  }),
  update_customer: define({
    name: 'update_customer',
    summary: "Change a customer's details; only given fields change (Konnektive customer/update)",
    endpoint: 'customer/update',
    retrySafe: true,
    subject: 'the customer update',
    schema: updateCustomerRequestSchema,
    resource: 'customer',
    toParams: updateCustomerParams,
    send: (gateway, credentials, params) => gateway.updateCustomer(credentials, params),
    target: (_message, input) => input.customerId,
    fallback: updatedCustomer,
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
