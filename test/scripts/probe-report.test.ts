import { describe, expect, it } from 'vitest';
import { formatProbeReport } from '../../scripts/probe-report.js';
import { findings } from '../support/contract-findings.js';

describe('formatProbeReport', () => {
  it('names every unknown with its variant, what it means for the poller, and the evidence', () => {
    const report = formatProbeReport(
      findings({
        timeFilters: {
          variant: 'ignored',
          evidence: 'order/query 2026-11-24: totalResults 46 for the day, 46 for 20:00–20:59',
        },
        dateUpdated: { variant: 'inconclusive', evidence: 'no conversions in the last 7 days' },
        permissions: {
          variant: 'missing',
          evidence: 'refused: Query Transactions',
          missing: ['Query Transactions'],
        },
      }),
      { apiUrl: 'http://127.0.0.1:3000', loginId: 'merchant-api', poller: { orders: 'newest-first' } },
    );
    expect(report).toContain('API user merchant-api');
    expect(report).toMatch(/Time filters \(startTime\/endTime\)\s+IGNORED/);
    expect(report).toContain('reads whole days');
    expect(report).toContain('totalResults 46 for the day');
    expect(report).toContain('missing: Query Transactions');
    expect(report).toContain('orders: newest-first');
    expect(report).toMatch(/Inconclusive: dateUpdated on conversion \/ cancel/);
    for (const title of [
      'Sorting',
      'Empty-result texts',
      'Refund bookings',
      'Page latency',
      'campaign/query',
    ]) {
      expect(report).toContain(title);
    }
  });

  it('says when every unknown was answered', () => {
    expect(formatProbeReport(findings())).toContain('Every unknown was answered.');
  });
});
