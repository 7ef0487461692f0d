import type { PlainInputField } from 'zapier-platform-core';
import { inGroup } from './customer.js';
import { GROUPS } from './groups.js';

/** How the sale is paid, with the card and bank-account fields each method needs (the Payment section). */
export const paymentFields: PlainInputField[] = inGroup(GROUPS.payment.key, [
  {
    key: 'paySource',
    label: 'Payment Method',
    required: true,
    default: 'CREDITCARD',
    choices: [
      { value: 'CREDITCARD', label: 'Credit Card', sample: 'CREDITCARD' },
      { value: 'CHECK', label: 'Check (ACH)', sample: 'CHECK' },
      { value: 'ACCTONFILE', label: 'Account on File', sample: 'ACCTONFILE' },
      { value: 'COD', label: 'Cash on Delivery', sample: 'COD' },
    ],
    helpText:
      '**Credit Card** needs the card fields below; **Check (ACH)** the bank fields; **Account on File** charges ' +
      'the payment method Konnektive stores for the Customer ID.',
  },
  {
    key: 'cardNumber',
    label: 'Card Number',
    type: 'password',
    required: false,
    helpText: 'Digits only (12 to 19 of them). Required for Credit Card.',
  },
  {
    key: 'cardMonth',
    label: 'Card Expiry Month',
    type: 'string',
    required: false,
    placeholder: 'MM',
    helpText: 'Two digits, e.g. `04`. Required for Credit Card.',
  },
  {
    key: 'cardYear',
    label: 'Card Expiry Year',
    type: 'string',
    required: false,
    placeholder: 'YYYY',
    helpText: 'Four digits, e.g. `2029`. Required for Credit Card.',
  },
  {
    key: 'cardSecurityCode',
    label: 'Card Security Code (CVV)',
    type: 'password',
    required: false,
    helpText: 'The 3 or 4 digits on the card. Required for Credit Card.',
  },
  {
    key: 'achAccountType',
    label: 'Bank Account Type',
    required: false,
    choices: [
      { value: 'CHECKING', label: 'Checking', sample: 'CHECKING' },
      { value: 'SAVINGS', label: 'Savings', sample: 'SAVINGS' },
    ],
    helpText: 'Required for Check (ACH).',
  },
  {
    key: 'achRoutingNumber',
    label: 'Bank Routing Number',
    type: 'string',
    required: false,
    helpText: 'The 9-digit ABA routing number. Required for Check (ACH).',
  },
  {
    key: 'achAccountNumber',
    label: 'Bank Account Number',
    type: 'password',
    required: false,
    helpText: 'Required for Check (ACH).',
  },
]);
