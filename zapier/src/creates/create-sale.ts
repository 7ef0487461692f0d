import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { campaignIdField } from '../fields/campaign.js';
import {
  billingAddressFields,
  billShipSameField,
  contactFields,
  customerIdField,
  inGroup,
  ipAddressField,
  shippingAddressFields,
  trackingFields,
} from '../fields/customer.js';
import { GROUPS } from '../fields/groups.js';
import { ORDER_ID_FORMAT, orderIdField } from '../fields/order.js';
import { paymentFields } from '../fields/payment.js';
import { productsField } from '../fields/products.js';
import { orderRecordOutputFields, orderRecordSample } from '../fields/records.js';
import { actionPerform, uniqueSourceIdField } from './action.js';

const inputFields: PlainInputField[] = [
  {
    key: 'realChargeNotice',
    type: 'copy',
    helpText:
      '**This step charges the card for real**, also when you test it in the Zap editor: test with a ' +
      'test card your Konnektive account accepts, or skip the test and use the sample. Retries of the same run ' +
      'never charge twice.',
  },
  campaignIdField,
  productsField,
  uniqueSourceIdField('sale'),
  orderIdField({
    label: 'Lead Order ID',
    required: false,
    helpText:
      `To turn a lead into a sale: ${ORDER_ID_FORMAT}, from **Create Lead**, a **New Lead** trigger or **Find ` +
      'Order**. The customer and address fields may then be left empty.',
  }),
  customerIdField({
    required: false,
    helpText: 'An existing Konnektive customer (a number). Required for the Account on File payment method.',
  }),
  {
    key: 'couponCode',
    label: 'Coupon Code',
    type: 'string',
    required: false,
    helpText: 'A coupon code set up in Konnektive for this campaign.',
  },
  ...paymentFields,
  ...inGroup(GROUPS.billing.key, [
    ...contactFields({
      requireName: false,
      helpText:
        'Name, email and billing address are required unless a Lead Order ID or Customer ID is given.',
    }),
    ...billingAddressFields,
    ipAddressField,
  ]),
  ...inGroup(GROUPS.shipping.key, [billShipSameField, ...shippingAddressFields]),
  ...inGroup(GROUPS.tracking.key, trackingFields),
];

export default defineCreate({
  key: 'create_sale',
  noun: 'Sale',
  display: {
    label: 'Create New Sale',
    description:
      'Creates a completed order and charges the customer, or converts a lead into a sale. Retries never charge twice.',
  },
  operation: {
    inputFields,
    inputFieldGroups: [GROUPS.payment, GROUPS.billing, GROUPS.shipping, GROUPS.tracking],
    perform: actionPerform({ action: 'create_sale', fields: inputFields }),
    outputFields: orderRecordOutputFields,
    sample: orderRecordSample,
  },
});
