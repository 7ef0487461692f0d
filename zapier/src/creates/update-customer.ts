import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import {
  billingAddressFields,
  contactFields,
  customFields,
  shippingAddressFields,
} from '../fields/customer.js';
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  {
    key: 'customerId',
    label: 'Customer ID',
    type: 'integer',
    required: true,
    helpText: 'The Konnektive customer to update (a number, e.g. from the Order trigger).',
  },
  ...contactFields({ requireName: false }),
  ...billingAddressFields,
  ...shippingAddressFields,
  ...customFields,
];

export default defineCreate({
  key: 'update_customer',
  noun: 'Customer',
  display: {
    label: 'Update Customer',
    description:
      "Changes a Konnektive customer's name, contact details or addresses. Only the fields you fill in change.",
  },
  operation: {
    inputFields,
    perform: actionPerform('update_customer', inputFields),
    outputFields: [
      { key: 'customerId', label: 'Customer ID', type: 'integer' },
      { key: 'status', label: 'Result', type: 'string' },
      { key: 'message', label: 'Konnektive Message', type: 'string' },
    ],
    sample: { customerId: 1001, status: 'ok', message: 'Sample message' },
  },
});
