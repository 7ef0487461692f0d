/**
 * Records as our API answers them under the contract in zapier/README.md: Konnektive's fields with their own names
 * and types (explicit `null` for empty ones, fields the app does not declare included), dates ISO-8601 with the
 * account's offset, order `items` as an array. Obviously fake values; the card is Konnektive's test card.
 */

type Json = Record<string, unknown>;

const person = {
  customerId: 1001,
  firstName: 'Sample',
  lastName: 'Customer',
  emailAddress: 'sample.customer@example.com',
  phoneNumber: '5555550100',
  address1: '123 Example Street',
  address2: null,
  city: 'Exampleville',
  state: 'NY',
  postalCode: '00000',
  country: 'US',
};

const shipping = {
  shipFirstName: 'Sample',
  shipLastName: 'Customer',
  shipCompanyName: null,
  shipAddress1: '123 Example Street',
  shipAddress2: null,
  shipCity: 'Exampleville',
  shipState: 'NY',
  shipPostalCode: '00000',
  shipCountry: 'US',
};

/** An order record (`GET /orders` result, action result) with `id` and `connection`. */
export const apiOrder = (overrides: Json = {}): Json => ({
  id: '0000000A01',
  connection: 'fake-api-user',
  orderId: '0000000A01',
  clientOrderId: '0000000A01',
  shipCarrier: null,
  shipMethod: null,
  dateCreated: '2026-03-08T10:30:00-05:00',
  dateUpdated: '2026-03-08T10:31:05-05:00',
  orderType: 'NEW_SALE',
  orderStatus: 'COMPLETE',
  reviewStatus: null,
  totalAmount: '48.48',
  campaignName: 'Sample Campaign',
  name: 'Sample Customer',
  ...person,
  companyName: null,
  ...shipping,
  paySource: 'CREDITCARD',
  cardType: 'TESTCARD',
  cardLast4: '0000',
  cardExpiryDate: '2030-12-31',
  couponCode: null,
  price: '39.98',
  baseShipping: '8.50',
  salesTax: '0.00',
  ipAddress: '192.0.2.1',
  affId: null,
  currencySymbol: '$',
  campaignId: 12,
  isDeclineSave: 0,
  items: [
    {
      productId: '101',
      name: 'Sample Product',
      qty: '2',
      shipping: '4.50',
      price: '19.99',
      purchaseStatus: 'ACTIVE',
      nextBillDate: '2026-04-07',
      orderItemId: '7',
    },
  ],
  fulfillments: [],
  ...overrides,
});

/** An order hook payload: the record plus the event envelope (`id` is the event id). */
export const orderEvent = (type: string, overrides: Json = {}): Json => {
  const { id: _recordId, ...record } = apiOrder(overrides);
  const orderId = String(record.orderId);
  return {
    ...record,
    id: `${type}-${orderId}`,
    event: `order.${type}`,
    occurredAt: '2026-03-08T15:31:05.000Z',
  };
};

/** A transaction hook payload. */
export const transactionEvent = (type: string, overrides: Json = {}): Json => ({
  transactionId: 5001,
  parentTxnId: null,
  merchant: 'Sample Merchant',
  dateCreated: '2026-03-08T10:31:00-05:00',
  dateUpdated: '2026-03-08T10:31:00-05:00',
  txnType: type === 'REFUND' ? 'REFUND' : 'SALE',
  responseType: type === 'REFUND' ? 'SUCCESS' : 'HARD_DECLINE',
  responseText: type === 'REFUND' ? 'Refund Approved' : 'Card Declined',
  merchantTxnId: null,
  authCode: null,
  totalAmount: '48.48',
  orderId: '0000000A01',
  billingCycleNumber: 1,
  recycleNumber: 0,
  campaignId: 12,
  campaignName: 'Sample Campaign',
  orderType: 'NEW_SALE',
  ...person,
  paySource: 'CREDITCARD',
  cardLast4: '0000',
  cardType: 'TESTCARD',
  refundReason: null,
  currencyCode: 'USD',
  chargebackDate: null,
  ...overrides,
  id: `${type}-${String(overrides.transactionId ?? 5001)}`,
  event: `transaction.${type}`,
  occurredAt: '2026-03-08T15:31:00.000Z',
  connection: 'fake-api-user',
});

/** A customer record (`GET /customers` result, Update Customer result). */
export const apiCustomer = (overrides: Json = {}): Json => ({
  id: '1001',
  ...person,
  campaignId: 12,
  companyName: null,
  ...shipping,
  ipAddress: '192.0.2.1',
  dateCreated: '2026-03-01T09:00:00-05:00',
  dateUpdated: '2026-03-08T10:31:05-05:00',
  ...overrides,
});
