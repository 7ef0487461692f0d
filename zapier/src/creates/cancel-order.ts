import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { ORDER_ID_FORMAT, orderIdField } from '../fields/order.js';
import { orderRecordOutputFields, orderRecordSample } from '../fields/records.js';
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  orderIdField({ label: 'Order ID', required: true, helpText: `The order to cancel: ${ORDER_ID_FORMAT}.` }),
  {
    key: 'cancelReason',
    label: 'Cancel Reason',
    type: 'string',
    required: true,
    helpText: 'Why the order is cancelled (up to 100 characters; kept on the order).',
  },
  {
    key: 'fullRefund',
    label: 'Refund in Full',
    type: 'boolean',
    required: false,
    default: 'false',
    helpText: 'Yes: also refund everything paid on the order.',
  },
  {
    key: 'afterNextBill',
    label: 'Cancel After Next Bill',
    type: 'boolean',
    required: false,
    default: 'false',
    helpText: 'Yes: let the next scheduled rebill happen, then cancel the continuity.',
  },
];

export default defineCreate({
  key: 'cancel_order',
  noun: 'Order',
  display: {
    label: 'Cancel Order',
    description: 'Cancels an order, optionally with a full refund.',
  },
  operation: {
    inputFields,
    perform: actionPerform({ action: 'cancel_order', fields: inputFields }),
    outputFields: orderRecordOutputFields,
    sample: { ...orderRecordSample, orderStatus: 'CANCELLED' },
  },
});
