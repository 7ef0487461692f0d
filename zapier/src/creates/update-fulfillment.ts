import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  {
    key: 'orderId',
    label: 'Order ID',
    type: 'string',
    required: true,
    helpText: 'The Konnektive order to update.',
  },
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
  },
  {
    key: 'trackingNumber',
    label: 'Tracking Number',
    type: 'string',
    required: false,
    helpText: 'Required when the status is Shipped.',
  },
  {
    key: 'dateShipped',
    label: 'Date Shipped',
    type: 'datetime',
    required: false,
    helpText: 'Required when the status is Shipped.',
  },
  {
    key: 'shipCarrier',
    label: 'Ship Carrier',
    type: 'string',
    required: false,
    helpText: 'E.g. `USPS`, `UPS`.',
  },
  { key: 'shipMethod', label: 'Ship Method', type: 'string', required: false },
  {
    key: 'rmaNumber',
    label: 'RMA Number',
    type: 'string',
    required: false,
    helpText: 'For RMA Pending.',
  },
  {
    key: 'dateReturned',
    label: 'Date Returned',
    type: 'datetime',
    required: false,
    helpText: 'For Returned.',
  },
];

export default defineCreate({
  key: 'update_fulfillment',
  noun: 'Fulfillment',
  display: {
    label: 'Update Fulfillment',
    description:
      "Updates an order's fulfillment in Konnektive: shipped with tracking, RMA, returned or cancelled.",
  },
  operation: {
    inputFields,
    perform: actionPerform('update_fulfillment', inputFields),
    outputFields: [
      { key: 'orderId', label: 'Order ID', type: 'string' },
      { key: 'fulfillmentId', label: 'Fulfillment ID', type: 'integer' },
      { key: 'fulfillmentStatus', label: 'Fulfillment Status', type: 'string' },
      { key: 'status', label: 'Result', type: 'string' },
      { key: 'message', label: 'Konnektive Message', type: 'string' },
    ],
    sample: {
      orderId: '0000000000',
      fulfillmentId: 1,
      fulfillmentStatus: 'SHIPPED',
      status: 'ok',
      message: 'Sample message',
    },
  },
});
