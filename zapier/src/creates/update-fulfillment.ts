import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { inGroup } from '../fields/customer.js';
import { GROUPS } from '../fields/groups.js';
import { ORDER_ID_FORMAT, orderIdField } from '../fields/order.js';
import { orderRecordOutputFields, orderRecordSample } from '../fields/records.js';
import { actionPerform } from './action.js';

const DATE_HELP =
  'A date (`2026-03-09`, `03/09/2026`) or a date and time, which becomes the date in your account time zone.';

const inputFields: PlainInputField[] = [
  orderIdField({ label: 'Order ID', required: true, helpText: `The order to update: ${ORDER_ID_FORMAT}.` }),
  {
    key: 'fulfillmentStatus',
    label: 'Fulfillment Status',
    required: true,
    choices: [
      { value: 'SHIPPED', label: 'Shipped', sample: 'SHIPPED' },
      { value: 'RMA_PENDING', label: 'RMA Pending', sample: 'RMA_PENDING' },
      { value: 'RETURNED', label: 'Returned', sample: 'RETURNED' },
      { value: 'CANCELLED', label: 'Cancelled', sample: 'CANCELLED' },
    ],
    helpText:
      '**Shipped** needs the tracking number and ship date; **RMA Pending** an RMA number; **Returned** the ' +
      'return date.',
  },
  ...inGroup(GROUPS.shipment.key, [
    {
      key: 'trackingNumber',
      label: 'Tracking Number',
      type: 'string',
      required: false,
      helpText: "The carrier's tracking number. Required when the status is Shipped.",
    },
    {
      key: 'dateShipped',
      label: 'Date Shipped',
      type: 'datetime',
      required: false,
      helpText: `${DATE_HELP} Required when the status is Shipped.`,
    },
    {
      key: 'shipCarrier',
      label: 'Ship Carrier',
      type: 'string',
      required: false,
      helpText: 'The carrier name as Konnektive knows it, e.g. `USPS`, `UPS`.',
    },
    {
      key: 'shipMethod',
      label: 'Ship Method',
      type: 'string',
      required: false,
      helpText: 'The service level, e.g. `Priority Mail`.',
    },
  ]),
  ...inGroup(GROUPS.returns.key, [
    {
      key: 'rmaNumber',
      label: 'RMA Number',
      type: 'string',
      required: false,
      helpText: 'The return merchandise authorization number. For RMA Pending.',
    },
    {
      key: 'dateReturned',
      label: 'Date Returned',
      type: 'datetime',
      required: false,
      helpText: `${DATE_HELP} For Returned.`,
    },
  ]),
];

export default defineCreate({
  key: 'update_fulfillment',
  noun: 'Fulfillment',
  display: {
    label: 'Update Fulfillment',
    description: "Updates an order's fulfillment: shipped with tracking, RMA pending, returned or cancelled.",
  },
  operation: {
    inputFields,
    inputFieldGroups: [GROUPS.shipment, GROUPS.returns],
    perform: actionPerform({ action: 'update_fulfillment', fields: inputFields }),
    outputFields: orderRecordOutputFields,
    sample: { ...orderRecordSample, shipCarrier: 'USPS', shipMethod: 'Priority Mail' },
  },
});
