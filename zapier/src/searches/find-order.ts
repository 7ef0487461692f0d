import { defineSearch, type PlainInputField } from 'zapier-platform-core';
import { ORDER_ID_FORMAT } from '../fields/order.js';
import { orderRecordOutputFields, orderRecordSample } from '../fields/records.js';
import { contactSearchFields, searchPerform } from './search.js';

const AT_LEAST_ONE =
  'Fill in at least one of Order ID, Email Address and Phone Number; a match must have all of them.';

const inputFields: PlainInputField[] = [
  {
    key: 'orderId',
    label: 'Order ID',
    type: 'string',
    required: false,
    helpText: `${ORDER_ID_FORMAT.charAt(0).toUpperCase()}${ORDER_ID_FORMAT.slice(1)}. ${AT_LEAST_ONE}`,
  },
  ...contactSearchFields(AT_LEAST_ONE),
];

export default defineSearch({
  key: 'find_order',
  noun: 'Order',
  display: {
    label: 'Find Order',
    description: 'Finds an order by order ID, email address or phone number (the newest match first).',
  },
  operation: {
    inputFields,
    perform: searchPerform({ path: '/orders', fields: inputFields, plural: 'orders' }),
    outputFields: orderRecordOutputFields,
    sample: orderRecordSample,
  },
});
