import type { PlainInputField } from 'zapier-platform-core';

/**
 * Products as line items. Each row becomes `product{N}_id/_qty/_price/_shipPrice` in Konnektive (our API numbers
 * them); `id` is the campaign product id from the chosen campaign.
 */
export const productsField: PlainInputField = {
  key: 'products',
  label: 'Products',
  children: [
    {
      key: 'id',
      label: 'Product',
      type: 'integer',
      required: true,
      dynamic: 'campaign_product_list.id.name',
      helpText:
        "A product of the chosen campaign (its campaign product ID, shown on Konnektive's campaign page).",
    },
    { key: 'qty', label: 'Quantity', type: 'integer', required: false, helpText: 'Defaults to 1.' },
    {
      key: 'price',
      label: 'Price',
      type: 'number',
      required: false,
      helpText: "Overrides the campaign's price for this product, e.g. `19.99`.",
    },
    {
      key: 'shipPrice',
      label: 'Shipping Price',
      type: 'number',
      required: false,
      helpText: "Overrides the campaign's shipping price for this product.",
    },
  ],
};
