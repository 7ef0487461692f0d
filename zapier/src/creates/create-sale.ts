import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { campaignIdField } from '../fields/campaign.js';
import {
  billingAddressFields,
  billShipSameField,
  contactFields,
  ipAddressField,
  shippingAddressFields,
  trackingFields,
} from '../fields/customer.js';
import { paymentFields } from '../fields/payment.js';
import { productsField } from '../fields/products.js';
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  campaignIdField,
  {
    key: 'orderId',
    label: 'Lead Order ID',
    type: 'string',
    required: false,
    helpText:
      'To turn a lead into a sale, the Order ID of the lead (from **Create Lead** or the **New Lead** trigger). ' +
      'The customer and address fields may then be left empty.',
  },
  productsField,
  ...paymentFields,
  {
    key: 'customerId',
    label: 'Customer ID',
    type: 'integer',
    required: false,
    helpText: 'An existing Konnektive customer. Required for Account on File.',
  },
  {
    key: 'couponCode',
    label: 'Coupon Code',
    type: 'string',
    required: false,
  },
  ...contactFields({
    requireName: false,
    helpText: 'Name, email and billing address are required unless a Lead Order ID is given.',
  }),
  ...billingAddressFields,
  billShipSameField,
  ...shippingAddressFields,
  ipAddressField,
  ...trackingFields,
];

export default defineCreate({
  key: 'create_sale',
  noun: 'Sale',
  display: {
    label: 'Create New Sale',
    description:
      'Charges a customer and creates a completed order in Konnektive (order import), or converts a lead into a ' +
      'sale. Retries of the same step never charge twice.',
  },
  operation: {
    inputFields,
    perform: actionPerform('create_sale', inputFields),
    outputFields: [
      { key: 'orderId', label: 'Order ID', type: 'string' },
      { key: 'customerId', label: 'Customer ID', type: 'integer' },
      { key: 'orderStatus', label: 'Order Status', type: 'string' },
      { key: 'orderType', label: 'Order Type', type: 'string' },
      { key: 'totalAmount', label: 'Total Amount', type: 'string' },
      { key: 'campaignId', label: 'Campaign ID', type: 'integer' },
      { key: 'dateCreated', label: 'Date Created (account time)', type: 'string' },
      { key: 'cardLast4', label: 'Card Last 4', type: 'string' },
    ],
    sample: {
      orderId: '0000000000',
      customerId: 1001,
      orderStatus: 'COMPLETE',
      orderType: 'NEW_SALE',
      totalAmount: '10.00',
      campaignId: 1,
      dateCreated: '2026-01-01 12:00:00',
      cardLast4: '0000',
    },
  },
});
