import { defineSearch, type PlainInputField } from 'zapier-platform-core';
import { customerRecordOutputFields, customerRecordSample } from '../fields/records.js';
import { contactSearchFields, searchPerform } from './search.js';

const AT_LEAST_ONE = 'Fill in at least one of Email Address and Phone Number; a match must have both.';

const inputFields: PlainInputField[] = contactSearchFields(AT_LEAST_ONE);

export default defineSearch({
  key: 'find_customer',
  noun: 'Customer',
  display: {
    label: 'Find Customer',
    description: 'Finds a customer by email address or phone number (the newest match first).',
  },
  operation: {
    inputFields,
    perform: searchPerform({ path: '/customers', fields: inputFields, plural: 'customers' }),
    outputFields: customerRecordOutputFields,
    sample: customerRecordSample,
  },
});
