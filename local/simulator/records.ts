/**
 * The simulator's internal state (orders, customers, transactions) and how it is serialized into
 * Konnektive's record shapes: explicit nulls, money as 2-dp strings,
 * `items` as an object keyed by productId (or `[]` when empty), integer customer/campaign/transaction ids.
 */

import { CONTACT_FIELDS as PERSON_FIELDS, SHIPPING_FIELDS } from '../../functions/core/records/serialize.js';
import type { CatalogCampaign } from './catalog.js';
import { SortedIndex } from './sorted-index.js';
import { formatWall, formatWallDate, type Stamp } from './time.js';

export const ORDER_STATUSES = [
  'COMPLETE',
  'PARTIAL',
  'DECLINED',
  'REFUNDED',
  'CANCELLED',
  'COD_PENDING',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TXN_TYPES = ['SALE', 'AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND'] as const;
export type TxnType = (typeof TXN_TYPES)[number];

export const RESPONSE_TYPES = ['SUCCESS', 'HARD_DECLINE', 'SOFT_DECLINE'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** Contact, billing and shipping fields, named as Konnektive names them on orders and customers. */
export const CONTACT_FIELDS = [...PERSON_FIELDS, ...SHIPPING_FIELDS] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];
export type Contact = Record<ContactField, string | null>;

export const CUSTOM_FIELDS = ['custom1', 'custom2', 'custom3', 'custom4', 'custom5'] as const;
export type CustomField = (typeof CUSTOM_FIELDS)[number];

export const TRACKING_FIELDS = [
  'affId',
  'sourceValue1',
  'sourceValue2',
  'sourceValue3',
  'sourceValue4',
  'sourceValue5',
  'salesUrl',
] as const;
export type TrackingField = (typeof TRACKING_FIELDS)[number];

const nullRecord = <K extends string>(keys: readonly K[]): Record<K, string | null> =>
  Object.fromEntries(keys.map((k) => [k, null])) as Record<K, string | null>;

export const emptyContact = (): Contact => nullRecord(CONTACT_FIELDS);
export const emptyCustom = (): Record<CustomField, string | null> => nullRecord(CUSTOM_FIELDS);
export const emptyTracking = (): Record<TrackingField, string | null> => nullRecord(TRACKING_FIELDS);

export interface PaymentInfo {
  paySource: string | null;
  cardType: string | null;
  cardLast4: string | null;
  cardBin: string | null;
  /** `YYYY-MM-DD` (last day of the expiry month). */
  cardExpiryDate: string | null;
  achRoutingNumber: string | null;
  /** Masked to its last 4. */
  achAccountNumber: string | null;
}

export const emptyPayment = (): PaymentInfo => ({
  paySource: null,
  cardType: null,
  cardLast4: null,
  cardBin: null,
  cardExpiryDate: null,
  achRoutingNumber: null,
  achAccountNumber: null,
});

export interface OrderItemState {
  orderItemId: number;
  purchaseId: string;
  productId: number;
  campaignProductId: number;
  name: string;
  sku: string;
  qty: number;
  /** Unit price. */
  priceCents: number;
  shipCents: number;
  billingCycleType: string;
  purchaseStatus: string;
  refundRemainingCents: number;
}

export interface FulfillmentState {
  fulfillmentId: number;
  clientFulfillmentId: string;
  status: string;
  trackingNumber: string | null;
  /** `YYYY-MM-DD`. */
  dateShipped: string | null;
  dateDelivered: string | null;
  dateReturned: string | null;
  rmaNumber: string | null;
  shipCarrier: string | null;
  shipMethod: string | null;
  created: Stamp;
  items: Array<{ fulfillmentItemId: number; name: string; sku: string; qty: number }>;
}

export interface OrderState {
  /** Internal creation sequence: the tie-breaker after the date when sorting. */
  seq: number;
  orderId: string;
  customerId: number;
  campaignId: number;
  orderStatus: OrderStatus;
  orderType: string;
  created: Stamp;
  updated: Stamp;
  contact: Contact;
  custom: Record<CustomField, string | null>;
  tracking: Record<TrackingField, string | null>;
  ipAddress: string | null;
  billShipSame: boolean;
  payment: PaymentInfo;
  couponCode: string | null;
  items: OrderItemState[];
  fulfillments: FulfillmentState[];
  basePriceCents: number;
  shippingCents: number;
  discountCents: number;
  salesTaxCents: number;
  totalCents: number;
  /** Captured by the successful sale (0 until then). */
  paidCents: number;
  refundedCents: number;
  declineReason: string | null;
  cancelReason: string | null;
  saleTransactionId: number | null;
  merchantTxnId: string | null;
}

export interface CustomerState {
  customerId: number;
  campaignId: number;
  created: Stamp;
  updated: Stamp;
  contact: Contact;
  custom: Record<CustomField, string | null>;
  ipAddress: string | null;
  /** The last payment method used (for `paySource=ACCTONFILE`). */
  payment: PaymentInfo;
  orderIds: string[];
}

export interface TransactionState {
  transactionId: number;
  parentTxnId: number | null;
  orderId: string;
  customerId: number;
  campaignId: number;
  txnType: TxnType;
  responseType: ResponseType;
  responseText: string;
  amountCents: number;
  created: Stamp;
  updated: Stamp;
  billingCycleNumber: number;
  recycleNumber: number;
  merchantTxnId: string | null;
  authCode: string | null;
  contact: Contact;
  ipAddress: string | null;
  payment: PaymentInfo;
  orderType: string;
  affId: string | null;
  refundReason: string | null;
  currencyCode: string;
  currencySymbol: string;
  purchaseIds: string[];
}

/** `1234` cents → `"12.34"`. */
export const money = (cents: number): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

/** All mutable state, with the indexes queries use. */
export class Store {
  readonly orders = new Map<string, OrderState>();
  readonly ordersByCreated = new SortedIndex<OrderState>(
    (o) => o.created.wall,
    (o) => o.seq,
  );
  readonly ordersByUpdated = new SortedIndex<OrderState>(
    (o) => o.updated.wall,
    (o) => o.seq,
  );
  readonly customers = new Map<number, CustomerState>();
  readonly customersByEmail = new Map<string, number>();
  readonly transactions = new Map<number, TransactionState>();
  readonly transactionsByCreated = new SortedIndex<TransactionState>(
    (t) => t.created.wall,
    (t) => t.transactionId,
  );
  readonly transactionsByUpdated = new SortedIndex<TransactionState>(
    (t) => t.updated.wall,
    (t) => t.transactionId,
  );
  readonly transactionsByOrder = new Map<string, TransactionState[]>();
  readonly fulfillments = new Map<number, { order: OrderState; fulfillment: FulfillmentState }>();
  /** Bumped on every change; query caches compare it. */
  version = 0;
  nextSeq = 1;
  nextCustomerId = 1001;
  nextTransactionId = 50_001;
  nextFulfillmentId = 7001;
  nextOrderItemId = 9001;

  addOrder(order: OrderState): void {
    this.orders.set(order.orderId, order);
    this.ordersByCreated.insert(order);
    this.ordersByUpdated.insert(order);
    this.version++;
  }

  /** Applies `change` to an order and moves its `dateUpdated` to `at`, keeping the index sorted. */
  touchOrder(order: OrderState, at: Stamp, change?: (o: OrderState) => void): void {
    this.ordersByUpdated.remove(order);
    change?.(order);
    order.updated = at;
    this.ordersByUpdated.insert(order);
    this.version++;
  }

  /** Applies `change` to an order without moving its `dateUpdated` (a change the CRM does not stamp). */
  changeOrder(order: OrderState, change: (o: OrderState) => void): void {
    change(order);
    this.version++;
  }

  /** {@link touchOrder} when `moveUpdated`, else {@link changeOrder}. */
  updateOrder(order: OrderState, at: Stamp, moveUpdated: boolean, change: (o: OrderState) => void): void {
    if (moveUpdated) this.touchOrder(order, at, change);
    else this.changeOrder(order, change);
  }

  addTransaction(txn: TransactionState): void {
    this.transactions.set(txn.transactionId, txn);
    this.transactionsByCreated.insert(txn);
    this.transactionsByUpdated.insert(txn);
    const list = this.transactionsByOrder.get(txn.orderId) ?? [];
    list.push(txn);
    this.transactionsByOrder.set(txn.orderId, list);
    this.version++;
  }

  addFulfillment(order: OrderState, fulfillment: FulfillmentState): void {
    order.fulfillments.push(fulfillment);
    this.fulfillments.set(fulfillment.fulfillmentId, { order, fulfillment });
  }

  addCustomer(customer: CustomerState): void {
    this.customers.set(customer.customerId, customer);
    this.indexCustomerEmail(customer);
    this.version++;
  }

  indexCustomerEmail(customer: CustomerState): void {
    const email = customer.contact.emailAddress?.toLowerCase();
    if (email && !this.customersByEmail.has(email)) this.customersByEmail.set(email, customer.customerId);
  }
}

const itemsObject = (order: OrderState, zoneNextBill: (item: OrderItemState) => string | null) => {
  if (order.items.length === 0) return [];
  const items: Record<string, unknown> = {};
  for (const item of order.items) {
    items[String(item.productId)] = {
      productId: String(item.productId),
      campaignProductId: String(item.campaignProductId),
      name: item.name,
      productSku: item.sku,
      qty: String(item.qty),
      shipping: money(item.shipCents),
      price: money(item.priceCents),
      purchaseId: item.purchaseId,
      purchaseStatus: item.purchaseStatus,
      detailedStatus: item.purchaseStatus,
      billingCycleType: item.billingCycleType,
      nextBillDate: zoneNextBill(item),
      refundRemaining: money(item.refundRemainingCents),
      orderItemId: String(item.orderItemId),
    };
  }
  return items;
};

const fulfillmentRecord = (f: FulfillmentState) => ({
  fulfillmentId: f.fulfillmentId,
  fulfillmentHouseId: 1,
  company: 'Sim Fulfillment Co',
  clientFulfillmentId: f.clientFulfillmentId,
  trackingNumber: f.trackingNumber,
  dateShipped: f.dateShipped,
  dateDelivered: f.dateDelivered,
  shipCarrier: f.shipCarrier,
  shipMethod: f.shipMethod,
  responseText: null,
  status: f.status,
  dateReturned: f.dateReturned,
  rmaNumber: f.rmaNumber,
  items: f.items.map((i) => ({
    fulfillmentItemId: String(i.fulfillmentItemId),
    name: i.name,
    sku: i.sku,
    qty: String(i.qty),
    status: f.status,
    rmaNumber: f.rmaNumber,
  })),
  dateCreated: formatWall(f.created.wall),
});

const fullName = (contact: Contact): string | null => {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return name === '' ? null : name;
};

/** An `order/query` record. */
export const orderRecord = (
  order: OrderState,
  campaign: CatalogCampaign | undefined,
): Record<string, unknown> & {
  orderId: string;
  orderStatus: string;
  dateCreated: string;
  dateUpdated: string;
} => {
  const c = order.contact;
  const nextBill = (item: OrderItemState): string | null =>
    item.billingCycleType === 'RECURRING' && item.purchaseStatus === 'ACTIVE'
      ? formatWallDate(order.created.wall + 30 * 86_400_000)
      : null;
  const expiry = order.payment.cardExpiryDate;
  return {
    orderId: order.orderId,
    clientOrderId: order.orderId,
    shipCarrier: order.fulfillments[0]?.shipCarrier ?? null,
    shipMethod: order.fulfillments[0]?.shipMethod ?? null,
    dateCreated: formatWall(order.created.wall),
    dateUpdated: formatWall(order.updated.wall),
    orderType: order.orderType,
    orderStatus: order.orderStatus,
    reviewStatus: null,
    totalAmount: money(order.totalCents),
    campaignName: campaign?.campaignName ?? null,
    customerId: order.customerId,
    name: fullName(c),
    emailAddress: c.emailAddress,
    phoneNumber: c.phoneNumber,
    firstName: c.firstName,
    lastName: c.lastName,
    companyName: c.companyName,
    address1: c.address1,
    address2: c.address2,
    city: c.city,
    state: c.state,
    country: c.country,
    postalCode: c.postalCode,
    shipFirstName: c.shipFirstName,
    shipLastName: c.shipLastName,
    shipCompanyName: c.shipCompanyName,
    shipAddress1: c.shipAddress1,
    shipAddress2: c.shipAddress2,
    shipCity: c.shipCity,
    shipState: c.shipState,
    shipCountry: c.shipCountry,
    shipPostalCode: c.shipPostalCode,
    paySource: order.payment.paySource,
    cardType: order.payment.cardType,
    cardLast4: order.payment.cardLast4,
    cardExpiryDate: expiry ? `${expiry} 00:00:00` : null,
    achRoutingNumber: order.payment.achRoutingNumber,
    achAccountNumber: order.payment.achAccountNumber,
    couponCode: order.couponCode,
    agentUserId: null,
    price: money(order.basePriceCents),
    basePrice: money(order.basePriceCents),
    baseShipping: money(order.shippingCents),
    voiceLogNumber: null,
    discountPrice: money(order.discountCents),
    salesTax: money(order.salesTaxCents),
    shipUpcharge: '0.00',
    surcharge: '0.00',
    amountPaid: money(order.paidCents),
    refundRemaining: money(order.paidCents - order.refundedCents),
    shipProfileId: null,
    isDeclineSave: 0,
    declineReason: order.declineReason,
    ipAddress: order.ipAddress,
    sourceId: null,
    affId: order.tracking.affId,
    sourceValue1: order.tracking.sourceValue1,
    sourceValue2: order.tracking.sourceValue2,
    sourceValue3: order.tracking.sourceValue3,
    sourceValue4: order.tracking.sourceValue4,
    sourceValue5: order.tracking.sourceValue5,
    salesUrl: order.tracking.salesUrl,
    custom1: order.custom.custom1,
    custom2: order.custom.custom2,
    custom3: order.custom.custom3,
    custom4: order.custom.custom4,
    custom5: order.custom.custom5,
    currencySymbol: campaign?.currencySymbol ?? '$',
    currencyCode: campaign?.currency ?? 'USD',
    campaignId: order.campaignId,
    totalDiscount: money(order.discountCents),
    items: itemsObject(order, nextBill),
    fulfillments: order.fulfillments.map(fulfillmentRecord),
  };
};

/** A `transactions/query` record. */
export const transactionRecord = (
  txn: TransactionState,
  campaign: CatalogCampaign | undefined,
): Record<string, unknown> & {
  transactionId: number;
  txnType: string;
  responseType: string;
  dateCreated: string;
} => {
  const c = txn.contact;
  return {
    transactionId: txn.transactionId,
    parentTxnId: txn.parentTxnId,
    merchant: 'Sim Test Gateway',
    merchantDescriptor: 'SIMSTORE*SUPPLEMENTS',
    midNumber: '000123',
    merchantId: 1,
    dateCreated: formatWall(txn.created.wall),
    dateUpdated: formatWall(txn.updated.wall),
    txnType: txn.txnType,
    responseType: txn.responseType,
    responseText: txn.responseText,
    '3DTxnResult': null,
    merchantTxnId: txn.merchantTxnId,
    clientTxnId: null,
    authCode: txn.authCode,
    avsResponse: txn.responseType === 'SUCCESS' ? 'Y' : null,
    cvvResponse: txn.responseType === 'SUCCESS' ? 'M' : null,
    totalAmount: money(txn.amountCents),
    surcharge: '0.00',
    orderId: txn.orderId,
    orderAgentName: null,
    clientOrderId: txn.orderId,
    billingCycleNumber: txn.billingCycleNumber,
    recycleNumber: txn.recycleNumber,
    campaignId: txn.campaignId,
    campaignName: campaign?.campaignName ?? null,
    campaignCategoryName: null,
    firstName: c.firstName,
    lastName: c.lastName,
    orderType: txn.orderType,
    customerId: txn.customerId,
    emailAddress: c.emailAddress,
    phoneNumber: c.phoneNumber,
    address1: c.address1,
    address2: c.address2,
    city: c.city,
    state: c.state,
    country: c.country,
    postalCode: c.postalCode,
    ipAddress: txn.ipAddress,
    paySource: txn.payment.paySource,
    cardBin: txn.payment.cardBin,
    cardLast4: txn.payment.cardLast4,
    cardType: txn.payment.cardType,
    cardIsPrepaid: 0,
    cardIsDebit: 0,
    achBankName: null,
    achRoutingNumber: txn.payment.achRoutingNumber,
    achAccountNumber: txn.payment.achAccountNumber,
    sourceTitle: null,
    affId: txn.affId,
    sourceValue1: null,
    sourceValue2: null,
    sourceValue3: null,
    sourceValue4: null,
    sourceValue5: null,
    custom1: null,
    custom2: null,
    custom3: null,
    custom4: null,
    custom5: null,
    isChargedback: 0,
    chargebackAmount: null,
    chargebackDate: null,
    chargebackReasonCode: null,
    chargebackNote: null,
    refundReason: txn.refundReason,
    currencyCode: txn.currencyCode,
    currencySymbol: txn.currencySymbol,
    paySourceId: null,
    mcc: '5499',
  };
};

/** A `customer/query` / `customer/update` record. */
export const customerRecord = (customer: CustomerState): Record<string, unknown> => ({
  customerId: customer.customerId,
  campaignId: customer.campaignId,
  dateCreated: formatWall(customer.created.wall),
  dateUpdated: formatWall(customer.updated.wall),
  ...customer.contact,
  ipAddress: customer.ipAddress,
  ...customer.custom,
  paySources:
    customer.payment.paySource === null
      ? []
      : [
          {
            paySource: customer.payment.paySource,
            cardType: customer.payment.cardType,
            cardLast4: customer.payment.cardLast4,
            cardExpiryDate: customer.payment.cardExpiryDate,
          },
        ],
  orderIds: [...customer.orderIds],
});

/** A `campaign/query` record. */
export const campaignRecord = (campaign: CatalogCampaign): Record<string, unknown> => ({
  campaignId: campaign.campaignId,
  campaignName: campaign.campaignName,
  campaignType: campaign.campaignType,
  currency: campaign.currency,
  currencySymbol: campaign.currencySymbol,
  isActive: 1,
  dateCreated: campaign.dateCreated,
  products: campaign.products.map((p) => ({
    campaignProductId: p.campaignProductId,
    productId: p.productId,
    productName: p.productName,
    name: p.productName,
    productSku: p.sku,
    clientProductId: p.sku,
    price: money(p.priceCents),
    shipPrice: money(p.shipCents),
    billingCycleType: p.billingCycleType,
  })),
  coupons: campaign.coupons.map((c) => ({
    couponCode: c.couponCode,
    couponName: c.couponName,
    discountType: c.discountType,
    discountValue: c.discountType === 'FLAT' ? money(c.value) : String(c.value),
  })),
});
