import type { PlainInputField } from 'zapier-platform-core';
import { orderIdLinks } from '../triggers/search-pickers.js';

/** What a Konnektive order id looks like, for help texts. */
export const ORDER_ID_FORMAT = 'the 10-character order ID, e.g. `7B83FF8095`';

/** An existing order, by id (e.g. from a trigger, an earlier action or a Find Order step). */
export const orderIdField = (options: {
  label: string;
  required: boolean;
  helpText: string;
}): PlainInputField => ({
  key: 'orderId',
  label: options.label,
  type: 'string',
  required: options.required,
  ...orderIdLinks,
  helpText: options.helpText,
});
