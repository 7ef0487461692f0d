import { type Bundle, defineTrigger, type ZObject } from 'zapier-platform-core';
import { apiUrl } from '../config.js';
import { isRecord } from '../json.js';
import { type DropdownItem, dropdownItems } from './dropdown.js';

/**
 * One page of campaigns for the Campaign dropdown. Zapier's `bundle.meta.page` counts from 0 and grows when the user
 * clicks "load more"; our API's `page` counts from 0 too (functions/core/dropdowns), so it is passed through.
 */
export const listCampaigns = async (z: ZObject, bundle: Bundle): Promise<DropdownItem[]> => {
  const requested = bundle.meta?.page;
  const page = Number.isInteger(requested) && requested > 0 ? requested : 0;
  const response = await z.request({ url: apiUrl('/campaigns'), params: { page } });
  const campaigns = isRecord(response.data) ? response.data.campaigns : undefined;
  if (!Array.isArray(campaigns)) {
    throw new z.errors.Error('The Konnektive service did not return campaigns.', 'BAD_RESPONSE', 502);
  }
  return dropdownItems(campaigns);
};

export default defineTrigger({
  key: 'campaign_list',
  noun: 'Campaign',
  display: {
    label: 'List Campaigns',
    description: 'Hidden: fills the Campaign dropdown.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform: listCampaigns,
    canPaginate: true,
    outputFields: [
      { key: 'id', label: 'Campaign ID', type: 'string' },
      { key: 'name', label: 'Campaign Name', type: 'string' },
    ],
  },
});
