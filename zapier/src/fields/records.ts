import type { PlainOutputField } from 'zapier-platform-core';

/**
 * The Konnektive records the app returns (orders, transactions, customers): their labelled output fields and static
 * samples. Trigger payloads, search results and action results all carry these records as our API serializes them
 * (zapier/README.md, "API contract"):
 *
 * - every Konnektive field keeps its name and type (ids such as `orderId` stay strings, `customerId` stays a number,
 *   money stays a 2-decimal string), and a field Konnektive leaves empty is `null`, never left out;
 * - every date-time is ISO-8601 with the account's offset, every date-only value `YYYY-MM-DD`;
 * - an order's `items` is an array of line items, not Konnektive's object keyed by product id.
 *
 * Only fields that every record carries are declared (and sampled), so a field mapped from a sample is never blank
 * at run time; the rest of the record still arrives and can be mapped by its key. Sample values are obviously fake.
 */

/** Sample date-times: what a Konnektive account in America/New_York (winter, UTC−5) returns through our API. */
export const SAMPLE_CREATED = '2026-01-15T10:30:00-05:00';
export const SAMPLE_UPDATED = '2026-01-15T10:31:05-05:00';

/** Name, contact and billing address: every order, transaction and customer has them. */
const personFields: PlainOutputField[] = [
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

const shippingFields: PlainOutputField[] = [
  { key: 'shipFirstName', label: 'Shipping First Name', type: 'string' },
  { key: 'shipLastName', label: 'Shipping Last Name', type: 'string' },
  { key: 'shipAddress1', label: 'Shipping Address Line 1', type: 'string' },
  { key: 'shipAddress2', label: 'Shipping Address Line 2', type: 'string' },
  { key: 'shipCity', label: 'Shipping City', type: 'string' },
  { key: 'shipState', label: 'Shipping State', type: 'string' },
  { key: 'shipPostalCode', label: 'Shipping Postal Code', type: 'string' },
  { key: 'shipCountry', label: 'Shipping Country', type: 'string' },
];

const samplePerson = {
  customerId: 1001,
  firstName: 'Sample',
  lastName: 'Customer',
  emailAddress: 'sample.customer@example.com',
  phoneNumber: '5555550100',
  address1: '123 Example Street',
  address2: 'Suite 0',
  city: 'Exampleville',
  state: 'NY',
  postalCode: '00000',
  country: 'US',
};

const sampleShipping = {
  shipFirstName: 'Sample',
  shipLastName: 'Customer',
  shipAddress1: '123 Example Street',
  shipAddress2: 'Suite 0',
  shipCity: 'Exampleville',
  shipState: 'NY',
  shipPostalCode: '00000',
  shipCountry: 'US',
};

/** An order's line items. Konnektive sends their numbers as strings (`"qty": "1"`); they stay strings. */
const lineItemFields: PlainOutputField[] = [
  { key: 'productId', label: 'Product ID', type: 'string' },
  { key: 'name', label: 'Product Name', type: 'string' },
  { key: 'qty', label: 'Quantity', type: 'string' },
  { key: 'price', label: 'Price', type: 'string' },
  { key: 'shipping', label: 'Shipping Price', type: 'string' },
];

/** The fields of an order record (without the `id` and `connection` our API adds). */
export const orderFields: PlainOutputField[] = [
  { key: 'orderId', label: 'Order ID', type: 'string', required: true },
  { key: 'orderStatus', label: 'Order Status', type: 'string' },
  { key: 'orderType', label: 'Order Type', type: 'string' },
  { key: 'dateCreated', label: 'Date Created', type: 'datetime' },
  { key: 'dateUpdated', label: 'Date Updated', type: 'datetime' },
  { key: 'totalAmount', label: 'Total Amount', type: 'string' },
  { key: 'price', label: 'Product Price', type: 'string' },
  { key: 'salesTax', label: 'Sales Tax', type: 'string' },
  { key: 'baseShipping', label: 'Shipping Price', type: 'string' },
  { key: 'currencySymbol', label: 'Currency Symbol', type: 'string' },
  { key: 'couponCode', label: 'Coupon Code', type: 'string' },
  { key: 'campaignId', label: 'Campaign ID', type: 'integer' },
  { key: 'campaignName', label: 'Campaign Name', type: 'string' },
  ...personFields,
  { key: 'companyName', label: 'Company Name', type: 'string' },
  ...shippingFields,
  { key: 'shipCarrier', label: 'Ship Carrier', type: 'string' },
  { key: 'shipMethod', label: 'Ship Method', type: 'string' },
  { key: 'paySource', label: 'Payment Method', type: 'string' },
  { key: 'cardType', label: 'Card Type', type: 'string' },
  { key: 'cardLast4', label: 'Card Last 4 Digits', type: 'string' },
  { key: 'ipAddress', label: 'Customer IP Address', type: 'string' },
  { key: 'affId', label: 'Affiliate ID', type: 'string' },
  { key: 'items', label: 'Line Items', children: lineItemFields },
];

export const orderSampleFields: Record<string, unknown> = {
  orderId: '0A1B2C3D4E',
  orderStatus: 'COMPLETE',
  orderType: 'NEW_SALE',
  dateCreated: SAMPLE_CREATED,
  dateUpdated: SAMPLE_UPDATED,
  totalAmount: '49.99',
  price: '44.99',
  salesTax: '0.00',
  baseShipping: '5.00',
  currencySymbol: '$',
  couponCode: 'SAMPLECOUPON',
  campaignId: 1,
  campaignName: 'Sample Campaign',
  ...samplePerson,
  companyName: 'Example Company',
  ...sampleShipping,
  shipCarrier: 'SAMPLE_CARRIER',
  shipMethod: 'SAMPLE_METHOD',
  paySource: 'CREDITCARD',
  cardType: 'TESTCARD',
  cardLast4: '0000',
  ipAddress: '192.0.2.1',
  affId: 'SAMPLEAFF',
  items: [{ productId: '1', name: 'Sample Product', qty: '1', price: '44.99', shipping: '5.00' }],
};

/** `id` (= orderId) and `connection` (the login id), which our API adds to every order it returns. */
const recordIdentity = (idLabel: string): PlainOutputField[] => [
  { key: 'id', label: idLabel, type: 'string', required: true },
  { key: 'connection', label: 'Connection (Login ID)', type: 'string' },
];

/** An order as `GET /orders` and the order actions return it. */
export const orderRecordOutputFields: PlainOutputField[] = [...recordIdentity('ID'), ...orderFields];

export const orderRecordSample: Record<string, unknown> = {
  id: '0A1B2C3D4E',
  connection: 'sample-api-user',
  ...orderSampleFields,
};

/** The fields of a transaction record (without the event envelope). */
export const transactionFields: PlainOutputField[] = [
  { key: 'transactionId', label: 'Transaction ID', type: 'integer', required: true },
  { key: 'txnType', label: 'Transaction Type', type: 'string' },
  { key: 'responseType', label: 'Response Type', type: 'string' },
  { key: 'responseText', label: 'Response Text', type: 'string' },
  { key: 'dateCreated', label: 'Date Created', type: 'datetime' },
  { key: 'dateUpdated', label: 'Date Updated', type: 'datetime' },
  { key: 'totalAmount', label: 'Amount', type: 'string' },
  { key: 'currencyCode', label: 'Currency Code', type: 'string' },
  { key: 'orderId', label: 'Order ID', type: 'string' },
  { key: 'orderType', label: 'Order Type', type: 'string' },
  { key: 'billingCycleNumber', label: 'Billing Cycle Number', type: 'integer' },
  { key: 'recycleNumber', label: 'Recycle Attempt Number', type: 'integer' },
  { key: 'campaignId', label: 'Campaign ID', type: 'integer' },
  { key: 'campaignName', label: 'Campaign Name', type: 'string' },
  ...personFields,
  { key: 'paySource', label: 'Payment Method', type: 'string' },
  { key: 'cardType', label: 'Card Type', type: 'string' },
  { key: 'cardLast4', label: 'Card Last 4 Digits', type: 'string' },
  { key: 'merchant', label: 'Merchant Account', type: 'string' },
  { key: 'merchantTxnId', label: 'Merchant Transaction ID', type: 'string' },
  { key: 'authCode', label: 'Authorization Code', type: 'string' },
  { key: 'refundReason', label: 'Refund Reason', type: 'string' },
];

export const transactionSampleFields: Record<string, unknown> = {
  transactionId: 5001,
  txnType: 'SALE',
  responseType: 'HARD_DECLINE',
  responseText: 'Sample decline (not a real transaction)',
  dateCreated: SAMPLE_CREATED,
  dateUpdated: SAMPLE_CREATED,
  totalAmount: '49.99',
  currencyCode: 'USD',
  orderId: '0A1B2C3D4E',
  orderType: 'NEW_SALE',
  billingCycleNumber: 1,
  recycleNumber: 0,
  campaignId: 1,
  campaignName: 'Sample Campaign',
  ...samplePerson,
  paySource: 'CREDITCARD',
  cardType: 'TESTCARD',
  cardLast4: '0000',
  merchant: 'Sample Merchant',
  merchantTxnId: 'SAMPLE-TXN-0',
  authCode: 'SAMPLE',
  refundReason: 'Sample reason (refunds only)',
};

/** A customer as `GET /customers` and Update Customer return it; `id` is the customer id as text. */
export const customerRecordOutputFields: PlainOutputField[] = [
  { key: 'id', label: 'ID', type: 'string', required: true },
  ...personFields.map((field) => (field.key === 'customerId' ? { ...field, required: true } : field)),
  { key: 'companyName', label: 'Company Name', type: 'string' },
  ...shippingFields,
  { key: 'dateCreated', label: 'Date Created', type: 'datetime' },
  { key: 'dateUpdated', label: 'Date Updated', type: 'datetime' },
];

export const customerRecordSample: Record<string, unknown> = {
  id: '1001',
  ...samplePerson,
  companyName: 'Example Company',
  ...sampleShipping,
  dateCreated: SAMPLE_CREATED,
  dateUpdated: SAMPLE_UPDATED,
};
