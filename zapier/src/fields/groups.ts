/**
 * Form sections of the long action forms (Zapier's `inputFieldGroups`). A field joins a section with
 * `group: <key>`; fields without a group stay at the top, where the required ones are.
 */
export const GROUPS = {
  payment: { key: 'payment', label: 'Payment' },
  billing: { key: 'billing', label: 'Customer and Billing Address' },
  shipping: { key: 'shipping', label: 'Shipping Address' },
  tracking: { key: 'tracking', label: 'Attribution and Custom Fields' },
  custom: { key: 'custom', label: 'Custom Fields' },
  shipment: { key: 'shipment', label: 'Shipment Tracking' },
  returns: { key: 'returns', label: 'Returns' },
} as const;
