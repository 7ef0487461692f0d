import type { PlainInputField } from 'zapier-platform-core';
import { customerIdLinks } from '../triggers/search-pickers.js';

/**
 * Customer, billing-address and shipping-address inputs. Keys are Konnektive's parameter names, which our API
 * passes through unchanged (order/import, leads/import, customer/update). Each list puts its fields in a form group
 * (see groups.ts), so the long forms read as sections.
 */

/** Puts every field of a list into the form group `group`. */
export const inGroup = (group: string, fields: readonly PlainInputField[]): PlainInputField[] =>
  fields.map((field) => ({ ...field, group }));

const STATE_HELP = 'State or province code, e.g. `NY`.';
const POSTAL_CODE_HELP = 'ZIP or postal code, e.g. `10001`.';
const COUNTRY_HELP = 'Two-letter ISO country code, e.g. `US`.';

/** Name and contact fields; `requireName` marks first and last name as required (leads need them). */
export const contactFields = (options: { requireName: boolean; helpText?: string }): PlainInputField[] => [
  {
    key: 'firstName',
    label: 'First Name',
    type: 'string',
    required: options.requireName,
    ...(options.helpText ? { helpText: options.helpText } : {}),
  },
  { key: 'lastName', label: 'Last Name', type: 'string', required: options.requireName },
  { key: 'emailAddress', label: 'Email Address', type: 'string', required: false },
  {
    key: 'phoneNumber',
    label: 'Phone Number',
    type: 'string',
    required: false,
    helpText: 'Up to 20 characters, e.g. `5555550100`.',
  },
];

/** Billing address. */
export const billingAddressFields: PlainInputField[] = [
  { key: 'companyName', label: 'Company Name', type: 'string', required: false },
  { key: 'address1', label: 'Address Line 1', type: 'string', required: false },
  { key: 'address2', label: 'Address Line 2', type: 'string', required: false },
  { key: 'city', label: 'City', type: 'string', required: false },
  { key: 'state', label: 'State', type: 'string', required: false, helpText: STATE_HELP },
  { key: 'postalCode', label: 'Postal Code', type: 'string', required: false, helpText: POSTAL_CODE_HELP },
  { key: 'country', label: 'Country', type: 'string', required: false, helpText: COUNTRY_HELP },
];

/** Shipping address fields (`ship*`). */
export const shippingAddressFields: PlainInputField[] = [
  { key: 'shipFirstName', label: 'Shipping First Name', type: 'string', required: false },
  { key: 'shipLastName', label: 'Shipping Last Name', type: 'string', required: false },
  { key: 'shipCompanyName', label: 'Shipping Company Name', type: 'string', required: false },
  { key: 'shipAddress1', label: 'Shipping Address Line 1', type: 'string', required: false },
  { key: 'shipAddress2', label: 'Shipping Address Line 2', type: 'string', required: false },
  { key: 'shipCity', label: 'Shipping City', type: 'string', required: false },
  { key: 'shipState', label: 'Shipping State', type: 'string', required: false, helpText: STATE_HELP },
  {
    key: 'shipPostalCode',
    label: 'Shipping Postal Code',
    type: 'string',
    required: false,
    helpText: POSTAL_CODE_HELP,
  },
  { key: 'shipCountry', label: 'Shipping Country', type: 'string', required: false, helpText: COUNTRY_HELP },
];

/** `billShipSame`, which decides whether the shipping address fields are needed (orders and leads). */
export const billShipSameField: PlainInputField = {
  key: 'billShipSame',
  label: 'Ship to Billing Address',
  type: 'boolean',
  required: false,
  default: 'true',
  helpText: 'Yes: ship to the billing address. No: fill in the shipping address fields of this section.',
};

/** The customer's IP address, which Konnektive uses for fraud checks. */
export const ipAddressField: PlainInputField = {
  key: 'ipAddress',
  label: 'Customer IP Address',
  type: 'string',
  required: false,
  helpText: 'The IPv4 or IPv6 address the customer ordered from, e.g. `192.0.2.1` (used by fraud checks).',
};

/** Konnektive's custom fields 1–5 (up to 50 characters each). */
export const customFields: PlainInputField[] = [1, 2, 3, 4, 5].map((n) => ({
  key: `custom${n}`,
  label: `Custom Field ${n}`,
  type: 'string',
  required: false,
  helpText: `Konnektive's \`custom${n}\` field on the customer and order, up to 50 characters.`,
}));

/** Attribution and custom fields of orders and leads. */
export const trackingFields: PlainInputField[] = [
  {
    key: 'affId',
    label: 'Affiliate ID',
    type: 'string',
    required: false,
    helpText: 'The affiliate code Konnektive reports the order under, as set up in your affiliate tracking.',
  },
  ...customFields,
];

/** An existing customer, by id (e.g. from a trigger or a Find Customer step). */
export const customerIdField = (options: { required: boolean; helpText: string }): PlainInputField => ({
  key: 'customerId',
  label: 'Customer ID',
  type: 'integer',
  required: options.required,
  ...customerIdLinks,
  helpText: options.helpText,
});
