import type { PlainInputField } from 'zapier-platform-core';

/** The Konnektive campaign, chosen from a dropdown of the account's campaigns (or mapped as a number). */
export const campaignIdField: PlainInputField = {
  key: 'campaignId',
  label: 'Campaign',
  type: 'integer',
  required: true,
  dynamic: 'campaign_list.id.name',
  helpText: 'The Konnektive campaign. Choose one, or map a campaign ID (a number).',
};
