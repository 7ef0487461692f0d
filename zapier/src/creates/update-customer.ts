import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import {
  billingAddressFields,
  contactFields,
  customerIdField,
  customFields,
  inGroup,
  shippingAddressFields,
} from '../fields/customer.js';
import { GROUPS } from '../fields/groups.js';
import { customerRecordOutputFields, customerRecordSample } from '../fields/records.js';
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  customerIdField({
    required: true,
    helpText: 'The customer to update (a number, e.g. from a trigger or a **Find Customer** step).',
  }),
  ...inGroup(GROUPS.billing.key, [
    ...contactFields({ requireName: false, helpText: 'Only the fields you fill in change.' }),
    ...billingAddressFields,
  ]),
  ...inGroup(GROUPS.shipping.key, shippingAddressFields),
  ...inGroup(GROUPS.custom.key, customFields),
];

export default defineCreate({
  key: 'update_customer',
  noun: 'Customer',
  display: {
    label: 'Update Customer',
    description:
      "Updates a customer's name, contact details or addresses. Only the fields you fill in change.",
  },
  operation: {
    inputFields,
    inputFieldGroups: [GROUPS.billing, GROUPS.shipping, GROUPS.custom],
    perform: actionPerform({ action: 'update_customer', fields: inputFields }),
    outputFields: customerRecordOutputFields,
    sample: customerRecordSample,
  },
});
