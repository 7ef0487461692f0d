/**
 * The simulated CRM's business logic for the write endpoints (imports, cancel, refund, fulfillment and customer
 * updates). Each
 * operation takes Konnektive-named parameters and the simulator-clock time, validates like Konnektive
 * (field → text objects for missing or malformed fields, sentences for business refusals) and answers an
 * envelope. The HTTP endpoints, the `/_sim/` helpers and the seeder all go through here.
 */
import { type CatalogCampaign, type CatalogProduct, defaultCatalog } from './catalog.js';
import { type ContractVariants, movesDateUpdated } from './contract.js';
import { centsOf, FieldErrors, fail, flagOf, intOf, ok, str } from './params.js';
import type { Rng } from './random.js';
import {
  CONTACT_FIELDS,
  type Contact,
  CUSTOM_FIELDS,
  type CustomerState,
  customerRecord,
  emptyContact,
  emptyCustom,
  emptyPayment,
  emptyTracking,
  type FulfillmentState,
  money,
  type OrderState,
  orderRecord,
  type PaymentInfo,
  type ResponseType,
  Store,
  TRACKING_FIELDS,
  type TransactionState,
  type TxnType,
} from './records.js';
import { formatWall, formatWallDate, parseDateParam, phpDateTime, type Stamp, stampOf } from './time.js';
import type { DeclineCard, DeclinedOrderStatus, Params, SimEnvelope } from './types.js';
import { TEST_CARD_NUMBER } from './types.js';

export interface CrmOptions {
  timeZone: string;
  declineCards: Readonly<Record<string, DeclineCard>>;
  redirectCards: readonly string[];
  declinedOrderStatus: DeclinedOrderStatus;
  /** The active contract variants (read on every call, so a change applies at once). */
  contract: () => Readonly<ContractVariants>;
}

const PAY_SOURCES = ['CREDITCARD', 'CHECK', 'ACCTONFILE', 'COD', 'DIRECTDEBIT', 'PREPAID'] as const;
const FULFILLMENT_STATUSES = ['SHIPPED', 'RMA_PENDING', 'RETURNED', 'CANCELLED'] as const;

/** Billing field → its shipping twin, for `billShipSame=1`. */
const SHIP_TWINS: ReadonlyArray<[keyof Contact, keyof Contact]> = [
  ['firstName', 'shipFirstName'],
  ['lastName', 'shipLastName'],
  ['companyName', 'shipCompanyName'],
  ['address1', 'shipAddress1'],
  ['address2', 'shipAddress2'],
  ['city', 'shipCity'],
  ['state', 'shipState'],
  ['postalCode', 'shipPostalCode'],
  ['country', 'shipCountry'],
];

const ORDER_REQUIRED: ReadonlyArray<keyof Contact> = [
  'firstName',
  'lastName',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
];
const SHIP_REQUIRED: ReadonlyArray<keyof Contact> = [
  'shipFirstName',
  'shipLastName',
  'shipAddress1',
  'shipCity',
  'shipState',
  'shipPostalCode',
  'shipCountry',
];

/** Card brand as Konnektive reports it. */
export const cardTypeOf = (cardNumber: string): string => {
  if (cardNumber === TEST_CARD_NUMBER) return 'TESTCARD';
  if (/^4/.test(cardNumber)) return 'VISA';
  if (/^(5[1-5]|2[2-7])/.test(cardNumber)) return 'MASTERCARD';
  if (/^3[47]/.test(cardNumber)) return 'AMEX';
  if (/^6/.test(cardNumber)) return 'DISCOVER';
  return 'OTHER';
};

const lastDayOfMonth = (year: number, month: number): string =>
  new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);

interface OrderLine {
  product: CatalogProduct;
  qty: number;
  priceCents: number;
  shipCents: number;
}

type CardOutcome =
  | { kind: 'approve' }
  | { kind: 'decline'; decline: DeclineCard }
  | { kind: 'redirect'; cardNumber: string };

export class Crm {
  readonly store = new Store();
  readonly campaigns = new Map<number, CatalogCampaign>();

  constructor(
    readonly options: CrmOptions,
    /** Id stream: every generated id comes from here, in call order. */
    private readonly ids: Rng,
  ) {
    for (const campaign of defaultCatalog()) this.campaigns.set(campaign.campaignId, campaign);
  }

  stamp(at: number): Stamp {
    return stampOf(at, this.options.timeZone);
  }

  private newOrderId(): string {
    for (;;) {
      const id = this.ids.hex(10);
      if (!this.store.orders.has(id)) return id;
    }
  }

  record(order: OrderState): ReturnType<typeof orderRecord> {
    return orderRecord(order, this.campaigns.get(order.campaignId));
  }

  findOrder(orderId: string): OrderState | undefined {
    return this.store.orders.get(orderId.trim().toUpperCase());
  }

  // ---------------------------------------------------------------- customers

  /** The customer for a new order: explicit id, else dedup by email (unless disabled), else a new one. */
  private customerFor(
    params: Params,
    contact: Contact,
    campaignId: number,
    at: Stamp,
  ): CustomerState | SimEnvelope {
    const explicit = str(params, 'customerId');
    if (explicit !== undefined) {
      const id = intOf(explicit);
      const customer = id === undefined ? undefined : this.store.customers.get(id);
      return customer ?? fail('Customer not found');
    }
    const email = contact.emailAddress?.toLowerCase();
    if (email && flagOf(str(params, 'disableCustomerDedup')) !== true) {
      const existing = this.store.customersByEmail.get(email);
      const customer = existing === undefined ? undefined : this.store.customers.get(existing);
      if (customer) return customer;
    }
    const customer: CustomerState = {
      customerId: this.store.nextCustomerId++,
      campaignId,
      created: at,
      updated: at,
      contact: { ...contact },
      custom: emptyCustom(),
      ipAddress: str(params, 'ipAddress') ?? null,
      payment: emptyPayment(),
      orderIds: [],
    };
    this.store.addCustomer(customer);
    return customer;
  }

  /** Copies supplied contact fields onto the customer (a new sale or lead updates the profile). */
  private refreshCustomer(customer: CustomerState, contact: Contact, at: Stamp): void {
    for (const field of CONTACT_FIELDS) {
      const value = contact[field];
      if (value !== null) customer.contact[field] = value;
    }
    customer.updated = at;
    this.store.indexCustomerEmail(customer);
    this.store.version++;
  }

  // -------------------------------------------------------------- validation

  private contactFrom(params: Params, base: Contact, billShipSame: boolean): Contact {
    const contact = { ...base };
    for (const field of CONTACT_FIELDS) {
      const value = str(params, field);
      if (value !== undefined) contact[field] = value;
    }
    if (contact.country) contact.country = contact.country.toUpperCase();
    if (contact.shipCountry) contact.shipCountry = contact.shipCountry.toUpperCase();
    if (billShipSame) {
      for (const [bill, ship] of SHIP_TWINS) contact[ship] = contact[bill];
    }
    return contact;
  }

  private checkContactFormats(contact: Contact, errors: FieldErrors): void {
    for (const field of ['country', 'shipCountry'] as const) {
      const value = contact[field];
      // A shipping country copied from a bad billing country is reported once, on the billing field.
      if (field === 'shipCountry' && value === contact.country) continue;
      if (value !== null && !/^[A-Z]{2}$/.test(value))
        errors.add(field, 'must be a 2-letter ISO country code');
    }
    const email = contact.emailAddress;
    if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      errors.add('emailAddress', 'is not a valid email address');
    }
    for (const field of CONTACT_FIELDS) {
      const value = contact[field];
      if (value !== null && value.length > 100) errors.add(field, 'may not be longer than 100 characters');
    }
  }

  private campaignIdFrom(params: Params, errors: FieldErrors): number | undefined {
    const raw = errors.require(params, 'campaignId');
    if (raw === undefined) return undefined;
    const id = intOf(raw);
    if (id === undefined) errors.add('campaignId', 'must be a whole number');
    return id;
  }

  private copyTracking(order: OrderState, params: Params): void {
    for (const field of TRACKING_FIELDS) {
      const value = str(params, field);
      if (value !== undefined) order.tracking[field] = value;
    }
    for (const field of CUSTOM_FIELDS) {
      const value = str(params, field);
      if (value !== undefined) order.custom[field] = value;
    }
    const ip = str(params, 'ipAddress');
    if (ip !== undefined) order.ipAddress = ip;
  }

  private newOrderState(
    customer: CustomerState,
    campaignId: number,
    contact: Contact,
    at: Stamp,
  ): OrderState {
    return {
      seq: this.store.nextSeq++,
      orderId: this.newOrderId(),
      customerId: customer.customerId,
      campaignId,
      orderStatus: 'PARTIAL',
      orderType: 'NEW_SALE',
      created: at,
      updated: at,
      contact,
      custom: emptyCustom(),
      tracking: emptyTracking(),
      ipAddress: null,
      billShipSame: true,
      payment: emptyPayment(),
      couponCode: null,
      items: [],
      fulfillments: [],
      basePriceCents: 0,
      shippingCents: 0,
      discountCents: 0,
      salesTaxCents: 0,
      totalCents: 0,
      paidCents: 0,
      refundedCents: 0,
      declineReason: null,
      cancelReason: null,
      saleTransactionId: null,
      merchantTxnId: null,
    };
  }

  // ----------------------------------------------------------- leads/import

  /** `leads/import`: creates (or, with `orderId`, updates) a PARTIAL order. */
  importLead(params: Params, atMs: number): SimEnvelope {
    const errors = new FieldErrors();
    const campaignId = this.campaignIdFrom(params, errors);
    if (!errors.empty) return fail(errors.errors);
    if (str(params, 'firstName') === undefined || str(params, 'lastName') === undefined) {
      const orderIdParam = str(params, 'orderId');
      const existing = orderIdParam === undefined ? undefined : this.findOrder(orderIdParam);
      // Updating a lead may omit the names it already has.
      if (!existing?.contact.firstName || !existing.contact.lastName) {
        return fail('First and last name are required fields.');
      }
    }
    const campaign = campaignId === undefined ? undefined : this.campaigns.get(campaignId);
    if (!campaign) return fail('Campaign not found');

    const orderIdParam = str(params, 'orderId');
    const existing = orderIdParam === undefined ? undefined : this.findOrder(orderIdParam);
    if (orderIdParam !== undefined && !existing) return fail('Order not found');
    if (existing && existing.orderStatus !== 'PARTIAL' && existing.orderStatus !== 'DECLINED') {
      return fail(
        `Order ${existing.orderId} is ${existing.orderStatus} and can no longer be updated as a lead`,
      );
    }
    const billShipSame = flagOf(str(params, 'billShipSame')) ?? existing?.billShipSame ?? true;
    const contact = this.contactFrom(params, existing?.contact ?? emptyContact(), billShipSame);
    if (contact.emailAddress === null && contact.phoneNumber === null) {
      return fail('An email address or a phone number is required.');
    }
    this.checkContactFormats(contact, errors);
    if (!errors.empty) return fail(errors.errors);

    const at = this.stamp(atMs);
    let order: OrderState;
    if (existing) {
      order = existing;
      const customer = this.store.customers.get(order.customerId);
      if (customer) this.refreshCustomer(customer, contact, at);
      this.store.touchOrder(order, at, (o) => {
        o.contact = contact;
        o.billShipSame = billShipSame;
        o.campaignId = campaign.campaignId;
        o.orderStatus = 'PARTIAL';
        this.copyTracking(o, params);
      });
    } else {
      const customer = this.customerFor(params, contact, campaign.campaignId, at);
      if ('result' in customer) return customer;
      this.refreshCustomer(customer, contact, at);
      order = this.newOrderState(customer, campaign.campaignId, contact, at);
      order.billShipSame = billShipSame;
      this.copyTracking(order, params);
      customer.orderIds.push(order.orderId);
      this.store.addOrder(order);
    }
    return ok(this.leadMessage(order));
  }

  /** The lead-import answer: `dateCreated` as PHP's DateTime object, `dateUpdated` a plain string. */
  private leadMessage(order: OrderState): Record<string, unknown> {
    const c = order.contact;
    const campaign = this.campaigns.get(order.campaignId);
    return {
      orderId: order.orderId,
      clientOrderId: order.orderId,
      customerId: order.customerId,
      campaignId: order.campaignId,
      campaignName: campaign?.campaignName ?? null,
      orderStatus: order.orderStatus,
      orderType: order.orderType,
      agentUserId: null,
      dateCreated: phpDateTime(order.created.wall, this.options.timeZone),
      dateUpdated: formatWall(order.updated.wall),
      billShipSame: order.billShipSame,
      customTaxSet: false,
      shipmentInsured: false,
      totalAmount: money(order.totalCents),
      currencySymbol: campaign?.currencySymbol ?? '$',
      ipAddress: order.ipAddress,
      ...c,
      affId: order.tracking.affId,
      items: [],
    };
  }

  // ------------------------------------------------------------ order/import

  private linesFrom(
    params: Params,
    campaign: CatalogCampaign | undefined,
    errors: FieldErrors,
  ): OrderLine[] | 'none' {
    const indexes = Object.keys(params)
      .map((key) => /^product(\d{1,3})_id$/.exec(key)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const lines: OrderLine[] = [];
    let unknown = false;
    for (const n of indexes) {
      const rawId = str(params, `product${n}_id`);
      if (rawId === undefined) continue;
      const qtyRaw = str(params, `product${n}_qty`);
      const qty = qtyRaw === undefined ? 1 : intOf(qtyRaw);
      if (qty === undefined || qty < 1 || qty > 999) {
        errors.add(`product${n}_qty`, 'must be a whole number from 1 to 999');
        continue;
      }
      const priceRaw = str(params, `product${n}_price`);
      const price = priceRaw === undefined ? undefined : centsOf(priceRaw);
      if (priceRaw !== undefined && price === undefined)
        errors.add(`product${n}_price`, 'must be an amount like 12.34');
      const shipRaw = str(params, `product${n}_shipPrice`);
      const ship = shipRaw === undefined ? undefined : centsOf(shipRaw);
      if (shipRaw !== undefined && ship === undefined) {
        errors.add(`product${n}_shipPrice`, 'must be an amount like 12.34');
      }
      const id = intOf(rawId);
      const product =
        id === undefined ? undefined : campaign?.products.find((p) => p.campaignProductId === id);
      if (!product) {
        unknown = true;
        continue;
      }
      const existing = lines.find((l) => l.product === product);
      if (existing) {
        existing.qty += qty;
        continue;
      }
      lines.push({
        product,
        qty,
        priceCents: price ?? product.priceCents,
        shipCents: ship ?? product.shipCents,
      });
    }
    return unknown || lines.length === 0 ? 'none' : lines;
  }

  private cardOutcome(cardNumber: string): CardOutcome {
    const decline = this.options.declineCards[cardNumber];
    if (decline) return { kind: 'decline', decline };
    if (this.options.redirectCards.includes(cardNumber)) return { kind: 'redirect', cardNumber };
    return { kind: 'approve' };
  }

  /** Validates the payment parameters; answers the payment to store (card numbers are never stored). */
  private paymentFrom(
    params: Params,
    customer: CustomerState | undefined,
    errors: FieldErrors,
  ): { payment: PaymentInfo; cardNumber: string | null } | undefined {
    const cardNumberRaw = str(params, 'cardNumber');
    const paySource = str(params, 'paySource')?.toUpperCase() ?? (cardNumberRaw ? 'CREDITCARD' : undefined);
    if (paySource === undefined) {
      errors.add('paySource', 'is a required field');
      return undefined;
    }
    if (!(PAY_SOURCES as readonly string[]).includes(paySource)) {
      errors.add('paySource', `must be one of ${PAY_SOURCES.join(', ')}`);
      return undefined;
    }
    const payment = { ...emptyPayment(), paySource };
    if (paySource === 'CREDITCARD' || paySource === 'PREPAID') {
      const cardNumber = cardNumberRaw?.replace(/[\s-]/g, '');
      const month = intOf(errors.require(params, 'cardMonth'));
      const yearRaw = errors.require(params, 'cardYear');
      if (cardNumber === undefined) errors.add('cardNumber', 'is a required field');
      else if (!/^\d{12,19}$/.test(cardNumber)) errors.add('cardNumber', 'is not a valid card number');
      if (str(params, 'cardMonth') !== undefined && (month === undefined || month < 1 || month > 12)) {
        errors.add('cardMonth', 'must be a month from 01 to 12');
      }
      const yearNum = intOf(yearRaw);
      const year = yearNum === undefined ? undefined : yearNum < 100 ? 2000 + yearNum : yearNum;
      if (yearRaw !== undefined && (year === undefined || year < 2000 || year > 2099)) {
        errors.add('cardYear', 'must be a year such as 2030');
      }
      const cvv = str(params, 'cardSecurityCode');
      if (cvv !== undefined && !/^\d{3,4}$/.test(cvv))
        errors.add('cardSecurityCode', 'must be 3 or 4 digits');
      if (!errors.empty || cardNumber === undefined || month === undefined || year === undefined)
        return undefined;
      payment.cardType = cardTypeOf(cardNumber);
      payment.cardLast4 = cardNumber.slice(-4);
      payment.cardBin = cardNumber.slice(0, 6);
      payment.cardExpiryDate = lastDayOfMonth(year, month);
      return { payment, cardNumber };
    }
    if (paySource === 'CHECK' || paySource === 'DIRECTDEBIT') {
      const routing = errors.require(params, 'achRoutingNumber');
      const account = errors.require(params, 'achAccountNumber');
      if (routing === undefined || account === undefined) return undefined;
      payment.achRoutingNumber = routing;
      payment.achAccountNumber = `****${account.slice(-4)}`;
      return { payment, cardNumber: null };
    }
    if (paySource === 'ACCTONFILE') {
      if (!customer || customer.payment.paySource === null) {
        errors.add('paySource', 'no payment method is on file for this customer');
        return undefined;
      }
      return { payment: { ...customer.payment }, cardNumber: null };
    }
    return { payment, cardNumber: null };
  }

  /**
   * `order/import`: charges a sale. With the `orderId` of a lead it keeps that orderId and its dateCreated;
   * without one it creates a new order. Declines record a SALE transaction with the decline type and leave
   * the order DECLINED (or as configured); configured redirect cards answer MERC_REDIRECT and change nothing.
   */
  importOrder(params: Params, atMs: number): SimEnvelope {
    const errors = new FieldErrors();
    const campaignId = this.campaignIdFrom(params, errors);
    const orderIdParam = str(params, 'orderId');
    const lead = orderIdParam === undefined ? undefined : this.findOrder(orderIdParam);
    if (orderIdParam !== undefined && !lead) return fail('Order not found');
    if (lead && lead.orderStatus !== 'PARTIAL' && lead.orderStatus !== 'DECLINED') {
      return fail(`Order ${lead.orderId} is already ${lead.orderStatus} and cannot be imported again`);
    }
    const billShipSame = flagOf(str(params, 'billShipSame')) ?? lead?.billShipSame ?? true;
    const contact = this.contactFrom(params, lead?.contact ?? emptyContact(), billShipSame);
    for (const field of ORDER_REQUIRED) if (contact[field] === null) errors.add(field, 'is a required field');
    if (contact.emailAddress === null && contact.phoneNumber === null) {
      errors.add('emailAddress', 'is a required field');
    }
    if (!billShipSame) {
      for (const field of SHIP_REQUIRED)
        if (contact[field] === null) errors.add(field, 'is a required field');
    }
    this.checkContactFormats(contact, errors);
    const existingCustomer = lead ? this.store.customers.get(lead.customerId) : undefined;
    const explicitCustomerId = intOf(str(params, 'customerId'));
    const paymentCustomer =
      existingCustomer ??
      (explicitCustomerId === undefined ? undefined : this.store.customers.get(explicitCustomerId));
    const paid = this.paymentFrom(params, paymentCustomer, errors);
    const campaign = campaignId === undefined ? undefined : this.campaigns.get(campaignId);
    const lines = this.linesFrom(params, campaign, errors);
    if (!errors.empty || !paid) return fail(errors.errors);
    if (!campaign || lines === 'none') return fail('No products exist in the order');

    const couponCode = str(params, 'couponCode');
    const coupon =
      couponCode === undefined
        ? undefined
        : campaign.coupons.find((c) => c.couponCode.toUpperCase() === couponCode.toUpperCase());
    if (couponCode !== undefined && !coupon) return fail('Invalid coupon code');

    const base = lines.reduce((sum, l) => sum + l.priceCents * l.qty, 0);
    const shipping = lines.reduce((sum, l) => sum + l.shipCents, 0);
    let discount = 0;
    if (coupon?.discountType === 'PERCENT') discount = Math.round((base * coupon.value) / 100);
    else if (coupon?.discountType === 'FLAT') discount = Math.min(coupon.value, base);
    else if (coupon?.discountType === 'FREE_SHIPPING') discount = shipping;
    const total = base + shipping - discount;

    const outcome: CardOutcome =
      paid.cardNumber === null ? { kind: 'approve' } : this.cardOutcome(paid.cardNumber);
    if (outcome.kind === 'redirect') {
      const token = this.ids.hex(12);
      const url = `https://3ds.simulator.invalid/challenge/${token}`;
      return {
        result: 'MERC_REDIRECT',
        message: { url, script: `<script>window.location.href=${JSON.stringify(url)};</script>` },
      };
    }

    const at = this.stamp(atMs);
    let order: OrderState;
    let customer: CustomerState;
    if (lead) {
      order = lead;
      const found = this.store.customers.get(lead.customerId);
      if (!found) return fail('Customer not found');
      customer = found;
    } else {
      const found = this.customerFor(params, contact, campaign.campaignId, at);
      if ('result' in found) return found;
      customer = found;
      order = this.newOrderState(customer, campaign.campaignId, contact, at);
    }
    const apply = (o: OrderState): void => {
      o.contact = contact;
      o.billShipSame = billShipSame;
      o.campaignId = campaign.campaignId;
      o.payment = paid.payment;
      o.couponCode = coupon?.couponCode ?? null;
      o.basePriceCents = base;
      o.shippingCents = shipping;
      o.discountCents = discount;
      o.totalCents = total;
      o.items = lines.map((l) => ({
        orderItemId: this.store.nextOrderItemId++,
        purchaseId: this.ids.hex(10),
        productId: l.product.productId,
        campaignProductId: l.product.campaignProductId,
        name: l.product.productName,
        sku: l.product.sku,
        qty: l.qty,
        priceCents: l.priceCents,
        shipCents: l.shipCents,
        billingCycleType: l.product.billingCycleType,
        purchaseStatus: outcome.kind === 'approve' ? 'ACTIVE' : 'DECLINED',
        refundRemainingCents: outcome.kind === 'approve' ? l.priceCents * l.qty + l.shipCents : 0,
      }));
      this.copyTracking(o, params);
      if (outcome.kind === 'approve') {
        o.orderStatus = 'COMPLETE';
        o.paidCents = total;
        o.declineReason = null;
        o.merchantTxnId = this.ids.hex(16);
      } else {
        o.orderStatus = this.options.declinedOrderStatus;
        o.declineReason = outcome.decline.reason;
      }
    };
    if (lead)
      this.store.updateOrder(order, at, movesDateUpdated(this.options.contract(), 'conversion'), apply);
    else {
      apply(order);
      customer.orderIds.push(order.orderId);
      this.store.addOrder(order);
    }
    this.refreshCustomer(customer, contact, at);

    if (outcome.kind === 'decline') {
      this.addTransaction(order, 'SALE', outcome.decline.responseType, outcome.decline.reason, total, at);
      return fail(`Transaction Declined: ${outcome.decline.reason}`);
    }
    customer.payment = { ...paid.payment };
    const sale = this.addTransaction(order, 'SALE', 'SUCCESS', 'Approved', total, at);
    order.saleTransactionId = sale.transactionId;
    this.store.addFulfillment(order, {
      fulfillmentId: this.store.nextFulfillmentId++,
      clientFulfillmentId: this.ids.hex(10),
      status: 'PENDING',
      trackingNumber: null,
      dateShipped: null,
      dateDelivered: null,
      dateReturned: null,
      rmaNumber: null,
      shipCarrier: null,
      shipMethod: null,
      created: at,
      items: order.items.map((item, i) => ({
        fulfillmentItemId: item.orderItemId * 10 + i,
        name: item.name,
        sku: item.sku,
        qty: item.qty,
      })),
    });
    return ok({
      ...this.record(order),
      merchantTxnId: order.merchantTxnId,
      transactionId: sale.transactionId,
    });
  }

  private addTransaction(
    order: OrderState,
    txnType: TxnType,
    responseType: ResponseType,
    responseText: string,
    amountCents: number,
    at: Stamp,
    extra: { parentTxnId?: number; refundReason?: string } = {},
  ): TransactionState {
    const campaign = this.campaigns.get(order.campaignId);
    const txn: TransactionState = {
      transactionId: this.store.nextTransactionId++,
      parentTxnId: extra.parentTxnId ?? null,
      orderId: order.orderId,
      customerId: order.customerId,
      campaignId: order.campaignId,
      txnType,
      responseType,
      responseText,
      amountCents,
      created: at,
      updated: at,
      billingCycleNumber: 1,
      recycleNumber: 0,
      merchantTxnId: responseType === 'SUCCESS' ? this.ids.hex(16) : null,
      authCode: responseType === 'SUCCESS' ? this.ids.digits(6) : null,
      contact: { ...order.contact },
      ipAddress: order.ipAddress,
      payment: { ...order.payment },
      orderType: order.orderType,
      affId: order.tracking.affId,
      refundReason: extra.refundReason ?? null,
      currencyCode: campaign?.currency ?? 'USD',
      currencySymbol: campaign?.currencySymbol ?? '$',
      purchaseIds: order.items.map((i) => i.purchaseId),
    };
    this.store.addTransaction(txn);
    return txn;
  }

  // --------------------------------------------------------- refund / cancel

  /** REFUND or VOID, as the contract books a refund at `at`. */
  private refundTxnType(order: OrderState, at: Stamp): 'REFUND' | 'VOID' {
    const mode = this.options.contract().refundTxnType;
    if (mode !== 'VOID_SAME_DAY') return mode;
    const sale =
      order.saleTransactionId === null ? undefined : this.store.transactions.get(order.saleTransactionId);
    const saleDay = formatWallDate((sale?.created ?? order.created).wall);
    return formatWallDate(at.wall) === saleDay ? 'VOID' : 'REFUND';
  }

  /**
   * Records a refund of `amount` (validated by the caller) against the order's sale, booked as the contract
   * says; `moveUpdated` false leaves the order's `dateUpdated` (a refund inside a cancel the CRM does not stamp).
   */
  private refund(
    order: OrderState,
    amount: number,
    reason: string | null,
    at: Stamp,
    moveUpdated = true,
  ): TransactionState {
    const txnType = this.refundTxnType(order, at);
    const text = txnType === 'VOID' ? 'Void Approved' : 'Refund Approved';
    const txn = this.addTransaction(order, txnType, 'SUCCESS', text, amount, at, {
      ...(order.saleTransactionId === null ? {} : { parentTxnId: order.saleTransactionId }),
      ...(reason === null ? {} : { refundReason: reason }),
    });
    this.store.updateOrder(order, at, moveUpdated, (o) => {
      o.refundedCents += amount;
      let left = amount;
      for (const item of o.items) {
        const take = Math.min(left, item.refundRemainingCents);
        item.refundRemainingCents -= take;
        left -= take;
      }
      if (o.refundedCents >= o.paidCents && o.orderStatus === 'COMPLETE') o.orderStatus = 'REFUNDED';
    });
    return txn;
  }

  /**
   * `order/refund`: a REFUND/SUCCESS transaction (or VOID, as the contract says; positive amount); REFUNDED
   * once fully refunded.
   */
  refundOrder(params: Params, atMs: number): SimEnvelope {
    const errors = new FieldErrors();
    const orderId = errors.require(params, 'orderId');
    const full = flagOf(str(params, 'fullRefund')) === true;
    const amountRaw = str(params, 'refundAmount');
    const amount = centsOf(amountRaw);
    if (!full) {
      if (amountRaw === undefined) errors.add('refundAmount', 'is required unless fullRefund=1');
      else if (amount === undefined || amount <= 0)
        errors.add('refundAmount', 'must be a positive amount like 12.34');
    }
    if (!errors.empty || orderId === undefined) return fail(errors.errors);
    const order = this.findOrder(orderId);
    if (!order) return fail('Order not found');
    if (order.paidCents <= 0) return fail('Order has no captured payment to refund');
    const remaining = order.paidCents - order.refundedCents;
    if (remaining <= 0) return fail('Order has already been fully refunded');
    const value = full ? remaining : (amount ?? 0);
    if (value > remaining) return fail(`Refund amount exceeds the refundable amount of ${money(remaining)}`);
    const txn = this.refund(order, value, str(params, 'refundReason') ?? null, this.stamp(atMs));
    return ok({
      orderId: order.orderId,
      orderStatus: order.orderStatus,
      transactionId: txn.transactionId,
      refundAmount: money(value),
      refundRemaining: money(order.paidCents - order.refundedCents),
    });
  }

  /**
   * `order/cancel`: CANCELLED (dateUpdated bumped unless the contract says cancels do not move it), continuity
   * and pending fulfillments cancelled.
   */
  cancelOrder(params: Params, atMs: number): SimEnvelope {
    const errors = new FieldErrors();
    const orderId = errors.require(params, 'orderId');
    const reason = errors.require(params, 'cancelReason');
    if (reason !== undefined && reason.length > 100)
      errors.add('cancelReason', 'may not be longer than 100 characters');
    for (const flag of ['fullRefund', 'afterNextBill']) {
      const raw = str(params, flag);
      if (raw !== undefined && flagOf(raw) === undefined) errors.add(flag, 'must be 1 or 0');
    }
    if (!errors.empty || orderId === undefined || reason === undefined) return fail(errors.errors);
    const order = this.findOrder(orderId);
    if (!order) return fail('Order not found');
    if (order.orderStatus === 'CANCELLED') return fail('Order is already cancelled');
    const at = this.stamp(atMs);
    const moves = movesDateUpdated(this.options.contract(), 'cancel');
    const remaining = order.paidCents - order.refundedCents;
    if (flagOf(str(params, 'fullRefund')) === true && remaining > 0)
      this.refund(order, remaining, reason, at, moves);
    this.store.updateOrder(order, at, moves, (o) => {
      o.orderStatus = 'CANCELLED';
      o.cancelReason = reason;
      for (const item of o.items) item.purchaseStatus = 'CANCELLED';
      for (const f of o.fulfillments)
        if (f.status === 'PENDING' || f.status === 'HOLD') f.status = 'CANCELLED';
    });
    return ok(this.record(order));
  }

  // ----------------------------------------------------- fulfillment/update

  /** `fulfillment/update`: sets one order's (or one fulfillment's) status; SHIPPED needs tracking and a date. */
  updateFulfillment(params: Params, atMs: number): SimEnvelope {
    const errors = new FieldErrors();
    const orderId = str(params, 'orderId');
    const fulfillmentIdRaw = str(params, 'fulfillmentId');
    if (orderId === undefined && fulfillmentIdRaw === undefined) {
      errors.add('orderId', 'orderId or fulfillmentId is required');
    }
    const status = errors.require(params, 'fulfillmentStatus')?.toUpperCase();
    if (status !== undefined && !(FULFILLMENT_STATUSES as readonly string[]).includes(status)) {
      errors.add('fulfillmentStatus', `must be one of ${FULFILLMENT_STATUSES.join(', ')}`);
    }
    const dateParam = (name: string): string | undefined => {
      const raw = str(params, name);
      if (raw === undefined) return undefined;
      const date = parseDateParam(raw);
      if (!date) {
        errors.add(name, 'must be a date in MM/DD/YYYY format');
        return undefined;
      }
      return formatWallDate(Date.UTC(date.year, date.month - 1, date.day));
    };
    const trackingNumber = str(params, 'trackingNumber');
    const dateShipped = dateParam('dateShipped');
    const dateReturned = dateParam('dateReturned');
    if (status === 'SHIPPED') {
      errors.require(params, 'trackingNumber');
      errors.require(params, 'dateShipped');
    }
    const fulfillmentId = fulfillmentIdRaw === undefined ? undefined : intOf(fulfillmentIdRaw);
    if (fulfillmentIdRaw !== undefined && fulfillmentId === undefined) {
      errors.add('fulfillmentId', 'must be a whole number');
    }
    if (!errors.empty || status === undefined) return fail(errors.errors);

    let order: OrderState | undefined;
    let targets: FulfillmentState[];
    if (fulfillmentId !== undefined) {
      const found = this.store.fulfillments.get(fulfillmentId);
      if (!found || (orderId !== undefined && found.order.orderId !== orderId.toUpperCase())) {
        return fail('Fulfillment not found');
      }
      order = found.order;
      targets = [found.fulfillment];
    } else {
      order = orderId === undefined ? undefined : this.findOrder(orderId);
      if (!order) return fail('Order not found');
      targets = order.fulfillments;
    }
    if (targets.length === 0) return fail('Order has no fulfillments');
    const at = this.stamp(atMs);
    this.store.touchOrder(order, at, () => {
      for (const f of targets) {
        f.status = status;
        if (trackingNumber !== undefined) f.trackingNumber = trackingNumber;
        if (dateShipped !== undefined) f.dateShipped = dateShipped;
        if (status === 'RETURNED') f.dateReturned = dateReturned ?? formatWallDate(at.wall);
        const rma = str(params, 'rmaNumber');
        if (rma !== undefined) f.rmaNumber = rma;
        const carrier = str(params, 'shipCarrier');
        if (carrier !== undefined) f.shipCarrier = carrier;
        const method = str(params, 'shipMethod');
        if (method !== undefined) f.shipMethod = method;
      }
    });
    return ok(this.record(order));
  }

  // --------------------------------------------------------- customer/update

  /** `customer/update`: only supplied fields change, on the customer and on the copies its orders carry. */
  updateCustomer(params: Params, atMs: number): SimEnvelope {
    const errors = new FieldErrors();
    const raw = errors.require(params, 'customerId');
    const customerId = intOf(raw);
    if (raw !== undefined && customerId === undefined) errors.add('customerId', 'must be a whole number');
    const changes: Partial<Contact> = {};
    for (const field of CONTACT_FIELDS) {
      const value = str(params, field);
      if (value !== undefined)
        changes[field] = field === 'country' || field === 'shipCountry' ? value.toUpperCase() : value;
    }
    const customChanges: Partial<Record<(typeof CUSTOM_FIELDS)[number], string>> = {};
    for (const field of CUSTOM_FIELDS) {
      const value = str(params, field);
      if (value === undefined) continue;
      if (value.length > 50) errors.add(field, 'may not be longer than 50 characters');
      customChanges[field] = value;
    }
    this.checkContactFormats({ ...emptyContact(), ...changes }, errors);
    if (!errors.empty || customerId === undefined) return fail(errors.errors);
    const customer = this.store.customers.get(customerId);
    if (!customer) return fail('Customer not found');
    const at = this.stamp(atMs);
    Object.assign(customer.contact, changes);
    Object.assign(customer.custom, customChanges);
    customer.updated = at;
    this.store.indexCustomerEmail(customer);
    this.store.version++;
    if (Object.keys(changes).length > 0) {
      for (const orderId of customer.orderIds) {
        const order = this.store.orders.get(orderId);
        if (order) this.store.touchOrder(order, at, (o) => Object.assign(o.contact, changes));
      }
    }
    return ok(customerRecord(customer));
  }
}
