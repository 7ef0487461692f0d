import type { PlainOutputField } from 'zapier-platform-core';

/**
 * Output fields of hook payloads: every field of the Konnektive record unchanged, plus four fields our backend
 * adds (`id`, `event`, `occurredAt`, `connection`). Only the fields people map get labels here; the rest of the
 * record still arrives and can be mapped by its key.
 */

/** The four fields the backend adds to every event. */
export const eventEnvelopeFields: PlainOutputField[] = [
  { key: 'id', label: 'Event ID', type: 'string' },
  { key: 'event', label: 'Event', type: 'string' },
  { key: 'occurredAt', label: 'Occurred At (UTC)', type: 'datetime' },
  { key: 'connection', label: 'Konnektive Connection', type: 'string' },
];

/** Customer and billing address fields, shared by orders and transactions. */
const customerFields: PlainOutputField[] = [
  { key: 'customerId', label: 'Customer ID', type: 'integer' },
  { key: 'firstName', label: 'First Name', type: 'string' },
  { key: 'lastName', label: 'Last Name', type: 'string' },
  { key: 'emailAddress', label: 'Email Address', type: 'string' },
  { key: 'phoneNumber', label: 'Phone Number', type: 'string' },
  { key: 'address1', label: 'Address Line 1', type: 'string' },
  { key: 'address2', label: 'Address Line 2', type: 'string' },
  { key: 'city', label: 'City', type: 'string' },
  { key: 'state', label: 'State', type: 'string' },
  { key: 'postalCode', label: 'Postal Code', type: 'string' },
  { key: 'country', label: 'Country', type: 'string' },
];

/** Order record fields (konnektive-api.md §10). Money is a decimal string, dates are account-local. */
export const orderOutputFields: PlainOutputField[] = [
  ...eventEnvelopeFields,
  { key: 'orderId', label: 'Order ID', type: 'string' },
  { key: 'orderStatus', label: 'Order Status', type: 'string' },
  { key: 'orderType', label: 'Order Type', type: 'string' },
  { key: 'dateCreated', label: 'Date Created (account time)', type: 'string' },
  { key: 'dateUpdated', label: 'Date Updated (account time)', type: 'string' },
  { key: 'totalAmount', label: 'Total Amount', type: 'string' },
  { key: 'price', label: 'Price', type: 'string' },
  { key: 'salesTax', label: 'Sales Tax', type: 'string' },
  { key: 'baseShipping', label: 'Shipping', type: 'string' },
  { key: 'currencySymbol', label: 'Currency Symbol', type: 'string' },
  { key: 'couponCode', label: 'Coupon Code', type: 'string' },
  { key: 'campaignId', label: 'Campaign ID', type: 'integer' },
  { key: 'campaignName', label: 'Campaign Name', type: 'string' },
  ...customerFields,
  { key: 'companyName', label: 'Company Name', type: 'string' },
  { key: 'shipFirstName', label: 'Shipping First Name', type: 'string' },
  { key: 'shipLastName', label: 'Shipping Last Name', type: 'string' },
  { key: 'shipAddress1', label: 'Shipping Address Line 1', type: 'string' },
  { key: 'shipAddress2', label: 'Shipping Address Line 2', type: 'string' },
  { key: 'shipCity', label: 'Shipping City', type: 'string' },
  { key: 'shipState', label: 'Shipping State', type: 'string' },
  { key: 'shipPostalCode', label: 'Shipping Postal Code', type: 'string' },
  { key: 'shipCountry', label: 'Shipping Country', type: 'string' },
  { key: 'shipCarrier', label: 'Ship Carrier', type: 'string' },
  { key: 'shipMethod', label: 'Ship Method', type: 'string' },
  { key: 'paySource', label: 'Pay Source', type: 'string' },
  { key: 'cardType', label: 'Card Type', type: 'string' },
  { key: 'cardLast4', label: 'Card Last 4', type: 'string' },
  { key: 'ipAddress', label: 'IP Address', type: 'string' },
  { key: 'affId', label: 'Affiliate ID', type: 'string' },
];

/** Transaction record fields (konnektive-api.md §11). */
export const transactionOutputFields: PlainOutputField[] = [
  ...eventEnvelopeFields,
  { key: 'transactionId', label: 'Transaction ID', type: 'integer' },
  { key: 'txnType', label: 'Transaction Type', type: 'string' },
  { key: 'responseType', label: 'Response Type', type: 'string' },
  { key: 'responseText', label: 'Response Text', type: 'string' },
  { key: 'dateCreated', label: 'Date Created (account time)', type: 'string' },
  { key: 'dateUpdated', label: 'Date Updated (account time)', type: 'string' },
  { key: 'totalAmount', label: 'Amount', type: 'string' },
  { key: 'currencyCode', label: 'Currency Code', type: 'string' },
  { key: 'orderId', label: 'Order ID', type: 'string' },
  { key: 'orderType', label: 'Order Type', type: 'string' },
  { key: 'billingCycleNumber', label: 'Billing Cycle Number', type: 'integer' },
  { key: 'recycleNumber', label: 'Recycle Number', type: 'integer' },
  { key: 'campaignId', label: 'Campaign ID', type: 'integer' },
  { key: 'campaignName', label: 'Campaign Name', type: 'string' },
  ...customerFields,
  { key: 'paySource', label: 'Pay Source', type: 'string' },
  { key: 'cardType', label: 'Card Type', type: 'string' },
  { key: 'cardLast4', label: 'Card Last 4', type: 'string' },
  { key: 'merchant', label: 'Merchant', type: 'string' },
  { key: 'merchantTxnId', label: 'Merchant Transaction ID', type: 'string' },
  { key: 'authCode', label: 'Auth Code', type: 'string' },
  { key: 'refundReason', label: 'Refund Reason', type: 'string' },
];

/** Dummy customer used by every static sample: clearly not a real person. */
const sampleCustomer = {
  customerId: 1001,
  firstName: 'Sample',
  lastName: 'Customer',
  emailAddress: 'sample.customer@example.com',
  phoneNumber: '555-0100',
  address1: '123 Example Street',
  address2: 'Suite 0',
  city: 'Exampleville',
  state: 'NY',
  postalCode: '00000',
  country: 'US',
};

/** Static order sample (same keys as `orderOutputFields`); the event type fills `event`. */
export const orderSample: Record<string, unknown> = {
  id: 'sample-order-NEW_SALE-0000000000',
  event: 'order.NEW_SALE',
  occurredAt: '2026-01-01T17:00:00.000Z',
  connection: 'sample-api-user',
  orderId: '0000000000',
  orderStatus: 'COMPLETE',
  orderType: 'NEW_SALE',
  dateCreated: '2026-01-01 12:00:00',
  dateUpdated: '2026-01-01 12:00:00',
  totalAmount: '10.00',
  price: '10.00',
  salesTax: '0.00',
  baseShipping: '0.00',
  currencySymbol: '$',
  couponCode: 'SAMPLECOUPON',
  campaignId: 1,
  campaignName: 'Sample Campaign',
  ...sampleCustomer,
  companyName: 'Example Company',
  shipFirstName: 'Sample',
  shipLastName: 'Customer',
  shipAddress1: '123 Example Street',
  shipAddress2: 'Suite 0',
  shipCity: 'Exampleville',
  shipState: 'NY',
  shipPostalCode: '00000',
  shipCountry: 'US',
  shipCarrier: 'SAMPLE_CARRIER',
  shipMethod: 'SAMPLE_METHOD',
  paySource: 'CREDITCARD',
  cardType: 'TESTCARD',
  cardLast4: '0000',
  ipAddress: '192.0.2.1',
  affId: 'SAMPLEAFF',
};

/** Static transaction sample (same keys as `transactionOutputFields`). */
export const transactionSample: Record<string, unknown> = {
  id: 'sample-transaction-DECLINE-1',
  event: 'transaction.DECLINE',
  occurredAt: '2026-01-01T17:00:00.000Z',
  connection: 'sample-api-user',
  transactionId: 1,
  txnType: 'SALE',
  responseType: 'HARD_DECLINE',
  responseText: 'Sample decline (not a real transaction)',
  dateCreated: '2026-01-01 12:00:00',
  dateUpdated: '2026-01-01 12:00:00',
  totalAmount: '10.00',
  currencyCode: 'USD',
  orderId: '0000000000',
  orderType: 'NEW_SALE',
  billingCycleNumber: 1,
  recycleNumber: 0,
  campaignId: 1,
  campaignName: 'Sample Campaign',
  ...sampleCustomer,
  paySource: 'CREDITCARD',
  cardType: 'TESTCARD',
  cardLast4: '0000',
  merchant: 'Sample Merchant',
  merchantTxnId: 'SAMPLE-TXN-0',
  authCode: 'SAMPLE',
  refundReason: 'Sample reason (refunds only)',
};
