import { defineTrigger } from 'zapier-platform-core';
import { transactionOutputFields, transactionSample } from '../fields/event-output.js';
import { hookOperation, typeChoices } from './hook.js';

/** Transaction event types (a fixed interface: Zaps store these values) and their labels. */
export const TRANSACTION_TYPES = {
  DECLINE: 'Decline',
  REFUND: 'Refund',
} as const;

export default defineTrigger({
  key: 'transaction',
  noun: 'Transaction',
  display: {
    label: 'New Transaction Event',
    description: 'Triggers when a payment is declined or a refund succeeds.',
  },
  operation: {
    ...hookOperation({ trigger: 'transaction', typeField: 'transactionType', types: TRANSACTION_TYPES }),
    inputFields: [
      {
        key: 'transactionType',
        label: 'Transaction Type',
        required: true,
        choices: typeChoices(TRANSACTION_TYPES),
        helpText:
          '**Decline**: a charge is declined (hard or soft decline). **Refund**: a full or partial refund succeeds.',
      },
    ],
    outputFields: transactionOutputFields,
    sample: transactionSample,
  },
});
