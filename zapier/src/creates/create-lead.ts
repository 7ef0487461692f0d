import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { campaignIdField } from '../fields/campaign.js';
import {
  billingAddressFields,
  billShipSameField,
  contactFields,
  inGroup,
  ipAddressField,
  shippingAddressFields,
  trackingFields,
} from '../fields/customer.js';
import { GROUPS } from '../fields/groups.js';
import { ORDER_ID_FORMAT, orderIdField } from '../fields/order.js';
import { orderRecordOutputFields, orderRecordSample } from '../fields/records.js';
import { actionPerform, uniqueSourceIdField } from './action.js';

const inputFields: PlainInputField[] = [
  campaignIdField,
  ...contactFields({
    requireName: true,
    helpText:
      'Konnektive creates a lead once it has a first and last name plus an email address or phone number.',
  }),
  uniqueSourceIdField('lead'),
  orderIdField({
    label: 'Existing Lead Order ID',
    required: false,
    helpText: `To update a lead instead of creating another one: ${ORDER_ID_FORMAT}.`,
  }),
  ...inGroup(GROUPS.billing.key, [...billingAddressFields, ipAddressField]),
  ...inGroup(GROUPS.shipping.key, [billShipSameField, ...shippingAddressFields]),
  ...inGroup(GROUPS.tracking.key, trackingFields),
];

export default defineCreate({
  key: 'create_lead',
  noun: 'Lead',
  display: {
    label: 'Create Lead',
    description:
      'Creates a lead (a partial order that a later sale can complete), or updates an existing lead.',
  },
  operation: {
    inputFields,
    inputFieldGroups: [GROUPS.billing, GROUPS.shipping, GROUPS.tracking],
    perform: actionPerform({ action: 'create_lead', fields: inputFields }),
    outputFields: orderRecordOutputFields,
    sample: { ...orderRecordSample, orderStatus: 'PARTIAL' },
  },
});
