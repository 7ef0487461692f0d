/** Contract findings for tests: every unknown answered, each overridable. */
import type { ContractFindings } from '../../functions/core/contract/findings.js';

export const findings = (
  overrides: Partial<Omit<ContractFindings, 'checkedAt'>> = {},
  checkedAt = '2026-11-25T12:00:00.000Z',
): ContractFindings => ({
  checkedAt,
  timeFilters: { variant: 'honoured', evidence: 'a one-hour window returned 3 of the day’s 40 orders' },
  sorting: { variant: 'honoured', evidence: 'page 1 came newest first' },
  dateUpdated: {
    variant: 'both',
    evidence: 'converted and cancelled orders have dateUpdated after dateCreated',
  },
  emptyTexts: { variant: 'known', evidence: 'both endpoints answered the known text', texts: {} },
  permissions: { variant: 'granted', evidence: 'every endpoint answered', missing: [] },
  refunds: { variant: 'REFUND', evidence: '4 REFUND, 0 VOID in 30 days' },
  pageLatency: { variant: 'fast', evidence: 'order/query 120 ms', msByEndpoint: { 'order/query': 120 } },
  campaignDates: { variant: 'optional', evidence: 'campaign/query answered without dates' },
  ...overrides,
});
