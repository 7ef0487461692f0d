import { defineTrigger } from 'zapier-platform-core';
import { orderOutputFields, orderSample } from '../fields/event-output.js';
import { hookOperation, typeChoices } from './hook.js';

/** Order event types (FIXED, design.md §7) and their labels. */
export const ORDER_TYPES = {
  NEW_SALE: 'New Sale',
  CANCELLED: 'Cancelled Order',
  NEW_LEAD: 'New Lead',
} as const;

export default defineTrigger({
  key: 'order',
  noun: 'Order',
  display: {
    label: 'Order',
    description:
      'Triggers instantly when a Konnektive order becomes a new sale, is cancelled, or is created as a new lead.',
  },
  operation: {
    ...hookOperation({ trigger: 'order', typeField: 'orderType', types: ORDER_TYPES }),
    inputFields: [
      {
        key: 'orderType',
        label: 'Order Type',
        required: true,
        choices: typeChoices(ORDER_TYPES),
        helpText:
          '**New Sale**: an order completes (including a lead converted to a sale). **Cancelled Order**: an order ' +
          'is cancelled. **New Lead**: a partial order (lead) is created.',
      },
    ],
    outputFields: orderOutputFields,
    sample: orderSample,
  },
});
