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
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  campaignIdField,
  {
    key: 'orderId',
    label: 'Existing Lead Order ID',
    type: 'string',
    required: false,
    helpText: 'To update a lead instead of creating another one, the Order ID of that lead.',
  },
  ...contactFields({
    requireName: true,
    helpText:
      'Konnektive creates a lead once it has a first and last name plus an email address or phone number.',
  }),
  ...billingAddressFields,
  billShipSameField,
  ...shippingAddressFields,
  ipAddressField,
  ...trackingFields,
];

export default defineCreate({
  key: 'create_lead',
  noun: 'Lead',
  display: {
    label: 'Create Lead',
    description: 'Creates (or updates) a lead in Konnektive: a partial order that a later sale can complete.',
  },
  operation: {
    inputFields,
    perform: actionPerform('create_lead', inputFields),
    outputFields: [
      { key: 'orderId', label: 'Lead Order ID', type: 'string' },
      { key: 'customerId', label: 'Customer ID', type: 'integer' },
      { key: 'orderStatus', label: 'Order Status', type: 'string' },
      { key: 'dateCreated', label: 'Date Created (account time)', type: 'string' },
    ],
    sample: {
      orderId: '0000000000',
      customerId: 1001,
      orderStatus: 'PARTIAL',
      dateCreated: '2026-01-01 12:00:00',
    },
  },
});
