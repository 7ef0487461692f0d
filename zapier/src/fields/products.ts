import type { PlainInputField } from 'zapier-platform-core';

/**
 * Products as line items (at least one). Each row becomes `product{N}_id/_qty/_price/_shipPrice` in Konnektive (our
 * API numbers them); `id` is the campaign product id from the chosen campaign.
 *
 * The Product dropdown depends on the Campaign input of the same step: Zapier fills a dynamic dropdown by running
 * its trigger (`campaign_product_list`) with the step's current input values as `bundle.inputData`, so the trigger
 * reads `campaignId` there. `dependsOn` tells the editor to keep Product disabled until a campaign is chosen and to
 * clear it when the campaign changes. (`altersDynamicFields` does not apply: no field definition changes.)
 */
export const productsField: PlainInputField = {
  key: 'products',
  label: 'Products',
  required: true,
  children: [
    {
      key: 'id',
      label: 'Product',
      type: 'integer',
      required: true,
      dynamic: 'campaign_product_list.id.name',
      dependsOn: ['campaignId'],
      helpText:
        "A product of the chosen campaign (its campaign product ID, shown on Konnektive's campaign page). One " +
        'line per product; at least one is required.',
    },
    {
      key: 'qty',
      label: 'Quantity',
      type: 'integer',
      required: false,
      helpText: 'A whole number; defaults to 1.',
    },
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
      helpText: "Overrides the campaign's shipping price for this product, e.g. `4.95`.",
    },
  ],
};
