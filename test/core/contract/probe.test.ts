import { describe, expect, it } from 'vitest';
import { probeContract } from '../../../functions/core/contract/probe.js';
import {
  KonnektiveAuthError,
  KonnektivePermissionError,
  KonnektiveTransientError,
} from '../../../functions/core/konnektive.js';
import { ContractKonnektive, order } from '../../support/contract-konnektive.js';

const NOW = new Date('2026-11-25T20:00:00Z');
const input = { credentials: { loginId: 'merchant', password: 'secret' }, timeZone: 'UTC' };
const clock = { now: () => NOW };

describe('probeContract', () => {
  it('answers inconclusive, making no call, for every step past the deadline', async () => {
    const konnektive = new ContractKonnektive();
    const findings = await probeContract({ konnektive, clock }, { ...input, deadline: Date.now() - 1 });
    expect(konnektive.calls).toHaveLength(0);
    expect(findings.timeFilters).toMatchObject({ variant: 'inconclusive' });
    expect(findings.dateUpdated.evidence).toContain('not reached within the time limit');
  });

  it('stops at once on bad credentials (repeating a rejected login can lock the user)', async () => {
    const konnektive = new ContractKonnektive();
    konnektive.failures.push(new KonnektiveAuthError('Could not authenticate credentials', 'order/query'));
    await expect(probeContract({ konnektive, clock }, input)).rejects.toBeInstanceOf(KonnektiveAuthError);
    expect(konnektive.calls).toHaveLength(1);
  });

  it('turns a refusal or a timeout into a reason for that step, and goes on', async () => {
    const konnektive = new ContractKonnektive();
    for (let h = 1; h < 20; h++) {
      konnektive.orders.push(order({ dateCreated: `2026-11-24 ${String(h).padStart(2, '0')}:10:00` }));
    }
    const orders = konnektive.queryOrders.bind(konnektive);
    let call = 0;
    konnektive.queryOrders = (credentials, query, options) => {
      call += 1;
      if (query.orderStatus === 'CANCELLED')
        throw new KonnektiveTransientError('timed out after 240000 ms', 'order/query');
      return orders(credentials, query, options);
    };
    konnektive.queryTransactions = () => {
      throw new KonnektivePermissionError('Access denied', 'transactions/query', 'Query Transactions');
    };
    const findings = await probeContract({ konnektive, clock }, input);
    expect(call).toBeGreaterThan(3);
    expect(findings.permissions).toMatchObject({ variant: 'missing', missing: ['Query Transactions'] });
    expect(findings.timeFilters.variant).toBe('honoured');
    expect(findings.timeFilters.evidence).toContain('lacks "Query Transactions"');
    expect(findings.dateUpdated.evidence).toContain('timed out');
    expect(findings.refunds.variant).toBe('inconclusive');
  });
});
