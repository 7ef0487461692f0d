import { defineTrigger } from 'zapier-platform-core';

/**
 * Hidden triggers behind the Order ID and Customer ID inputs of the actions. Zapier shows the "Add a Search Step"
 * button on an input only when it has both a `search` link and a dynamic dropdown. Konnektive offers no short list
 * of orders or customers worth picking from (an account has thousands, and none is "the" recent one), so these
 * dropdowns are empty on purpose: the user maps an ID from an earlier step, or adds a Find Order / Find Customer
 * step, which is what the button is for. This is Zapier's documented pattern for such fields.
 */
const emptyList = (): { id: string; name: string }[] => [];

export const orderList = defineTrigger({
  key: 'order_list',
  noun: 'Order',
  display: {
    label: 'Order Picker',
    description: 'Hidden: lets the Order ID inputs offer a Find Order search step.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform: emptyList,
    outputFields: [
      { key: 'id', label: 'Order ID', type: 'string' },
      { key: 'name', label: 'Order', type: 'string' },
    ],
  },
});

export const customerList = defineTrigger({
  key: 'customer_list',
  noun: 'Customer',
  display: {
    label: 'Customer Picker',
    description: 'Hidden: lets the Customer ID inputs offer a Find Customer search step.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform: emptyList,
    outputFields: [
      { key: 'id', label: 'Customer ID', type: 'string' },
      { key: 'name', label: 'Customer', type: 'string' },
    ],
  },
});

/** Input-field links for an order id: a search step, and the (empty) dropdown Zapier requires next to it. */
export const orderIdLinks = { search: 'find_order.id', dynamic: 'order_list.id.name' } as const;
/** Input-field links for a customer id. */
export const customerIdLinks = { search: 'find_customer.id', dynamic: 'customer_list.id.name' } as const;
