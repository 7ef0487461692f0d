import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { apiUrl } from '../config.js';
import { isRecord } from '../json.js';
import { type DropdownItem, dropdownItems } from './dropdown.js';

/**
 * The products of the campaign chosen in the same step, for the line items' Product dropdown. Their `id` is the
 * campaign product id, which is what Konnektive's `product{N}_id` expects (not the global product id).
 */
export const listCampaignProducts = async (z: ZObject, bundle: Bundle): Promise<DropdownItem[]> => {
  const campaignId = bundle.inputData?.campaignId;
  if (
    (typeof campaignId !== 'string' && typeof campaignId !== 'number') ||
    String(campaignId).trim() === ''
  ) {
    throw new z.errors.Error(
      'Choose a Campaign first: the product list depends on it.',
      'CAMPAIGN_REQUIRED',
      400,
    );
  }
  const response = await z.request({
    url: apiUrl(`/campaigns/${encodeURIComponent(String(campaignId).trim())}/products`),
  });
  const products = isRecord(response.data) ? response.data.products : undefined;
  if (!Array.isArray(products)) {
    throw new z.errors.Error('The Konnektive service did not return campaign products.', 'BAD_RESPONSE', 502);
  }
  return dropdownItems(products);
};

export default defineTrigger({
  key: 'campaign_product_list',
  noun: 'Product',
  display: {
    label: 'List Campaign Products',
    description: 'Hidden: fills the Product dropdown with the chosen campaign’s products.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform: listCampaignProducts,
    // The dropdown trigger declares the field it reads, so the editor asks for the campaign first.
    inputFields: [{ key: 'campaignId', label: 'Campaign', required: true, dynamic: 'campaign_list.id.name' }],
    outputFields: [
      { key: 'id', label: 'Campaign Product ID', type: 'string' },
      { key: 'name', label: 'Product Name', type: 'string' },
      { key: 'price', label: 'Price', type: 'string' },
    ],
  },
});
