import type { PlainInputField } from 'zapier-platform-core';

/**
 * Customer, billing-address and shipping-address inputs. Keys are Konnektive's parameter names, which our API
 * passes through unchanged (order/import, leads/import, customer/update).
 */

/** Name and contact fields; `required` marks first and last name as required (leads need them). */
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
  { key: 'phoneNumber', label: 'Phone Number', type: 'string', required: false },
];

/** Billing address. */
export const billingAddressFields: PlainInputField[] = [
  { key: 'companyName', label: 'Company Name', type: 'string', required: false },
  { key: 'address1', label: 'Address Line 1', type: 'string', required: false },
  { key: 'address2', label: 'Address Line 2', type: 'string', required: false },
  { key: 'city', label: 'City', type: 'string', required: false },
  {
    key: 'state',
    label: 'State',
    type: 'string',
    required: false,
    helpText: 'State or province code, e.g. `NY`.',
  },
  { key: 'postalCode', label: 'Postal Code', type: 'string', required: false },
  {
    key: 'country',
    label: 'Country',
    type: 'string',
    required: false,
    helpText: 'Two-letter ISO country code, e.g. `US`.',
  },
];

/** Shipping address fields (`ship*`). */
export const shippingAddressFields: PlainInputField[] = [
  { key: 'shipFirstName', label: 'Shipping First Name', type: 'string', required: false },
  { key: 'shipLastName', label: 'Shipping Last Name', type: 'string', required: false },
  { key: 'shipCompanyName', label: 'Shipping Company Name', type: 'string', required: false },
  { key: 'shipAddress1', label: 'Shipping Address Line 1', type: 'string', required: false },
  { key: 'shipAddress2', label: 'Shipping Address Line 2', type: 'string', required: false },
  { key: 'shipCity', label: 'Shipping City', type: 'string', required: false },
  { key: 'shipState', label: 'Shipping State', type: 'string', required: false },
  { key: 'shipPostalCode', label: 'Shipping Postal Code', type: 'string', required: false },
  {
    key: 'shipCountry',
    label: 'Shipping Country',
    type: 'string',
    required: false,
    helpText: 'Two-letter ISO country code, e.g. `US`.',
  },
];

/** `billShipSame` followed by the shipping address it governs (orders and leads). */
export const billShipSameField: PlainInputField = {
  key: 'billShipSame',
  label: 'Ship to Billing Address',
  type: 'boolean',
  required: false,
  default: 'true',
  helpText: 'Yes: ship to the billing address. No: fill in the shipping address fields below.',
};

/** The customer's IP address, which Konnektive uses for fraud checks. */
export const ipAddressField: PlainInputField = {
  key: 'ipAddress',
  label: 'Customer IP Address',
  type: 'string',
  required: false,
  helpText: 'The IP address the customer ordered from, if known (used by Konnektive fraud checks).',
};

/** Konnektive's custom fields 1–5 (up to 50 characters each). */
export const customFields: PlainInputField[] = [1, 2, 3, 4, 5].map((n) => ({
  key: `custom${n}`,
  label: `Custom Field ${n}`,
  type: 'string',
  required: false,
}));

/**
 * Attribution and custom fields of orders and leads. Custom Field 1 carries the hint on retry protection: a
 * unique source id mapped into any of these makes two otherwise identical orders distinct.
 */
export const trackingFields: PlainInputField[] = [
  { key: 'affId', label: 'Affiliate ID', type: 'string', required: false },
  ...customFields.map((field, index) =>
    index === 0
      ? {
          ...field,
          helpText:
            'Map a unique source id here (e.g. your store’s order number) to make two otherwise identical orders ' +
            'distinct: identical input within 24 hours is treated as a retry and returns the first result.',
        }
      : field,
  ),
];
