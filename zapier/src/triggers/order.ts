import { defineTrigger } from 'zapier-platform-core';
import { orderOutputFields, orderSample } from '../fields/event-output.js';
import { hookOperation, typeChoices } from './hook.js';

/** Order event types (a fixed interface: Zaps store these values) and their labels. */
export const ORDER_TYPES = {
  NEW_SALE: 'New Sale',
  CANCELLED: 'Cancelled Order',
  NEW_LEAD: 'New Lead',
} as const;

export default defineTrigger({
  key: 'order',
  noun: 'Order',
  display: {
    label: 'New Order Event',
    description: 'Triggers when an order becomes a new sale, is cancelled, or is created as a lead.',
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
