import type { PlainInputField } from 'zapier-platform-core';

/** The Konnektive campaign, chosen from a dropdown of the account's campaigns (or mapped as a number). */
export const campaignIdField: PlainInputField = {
  key: 'campaignId',
  label: 'Campaign',
  type: 'integer',
  required: true,
  dynamic: 'campaign_list.id.name',
  helpText:
    "Choose one of your account's campaigns, or map a campaign ID (a number). Products are chosen from this campaign.",
};
