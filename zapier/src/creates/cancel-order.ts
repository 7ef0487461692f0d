import { defineCreate, type PlainInputField } from 'zapier-platform-core';
import { actionPerform } from './action.js';

const inputFields: PlainInputField[] = [
  {
    key: 'orderId',
    label: 'Order ID',
    type: 'string',
    required: true,
    helpText: 'The Konnektive order to cancel.',
  },
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
    helpText: 'Also refund the whole order.',
  },
  {
    key: 'afterNextBill',
    label: 'Cancel After Next Bill',
    type: 'boolean',
    required: false,
    default: 'false',
    helpText: 'Let the next scheduled rebill happen, then cancel the continuity.',
  },
];

export default defineCreate({
  key: 'cancel_order',
  noun: 'Order',
  display: {
    label: 'Cancel Order',
    description: 'Cancels a Konnektive order, optionally with a full refund.',
  },
  operation: {
    inputFields,
    perform: actionPerform('cancel_order', inputFields),
    outputFields: [
      { key: 'orderId', label: 'Order ID', type: 'string' },
      { key: 'status', label: 'Result', type: 'string' },
      { key: 'message', label: 'Konnektive Message', type: 'string' },
    ],
    sample: { orderId: '0000000000', status: 'ok', message: 'Sample message' },
  },
});
