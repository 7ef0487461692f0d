/**
 * The contract probe with the real Konnektive client against the simulator over HTTP, under each contract variant:
 * it must name the variant that holds, with evidence, and write nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KonnektiveClient } from '../../functions/adapters/konnektive/konnektive-client.js';
import type { ContractFindings } from '../../functions/core/contract/findings.js';
import { probeContract } from '../../functions/core/contract/probe.js';
import {
  type ContractInput,
  DEMO_USER,
  PERMISSIONS,
  type RunningSimulator,
  startSimulator,
} from '../../local/simulator/index.js';

const ZONE = 'America/New_York';
const DAY_MS = 86_400_000;
let running: RunningSimulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const probe = async (contract: ContractInput, permissions?: string[]) => {
  const now = Date.now();
  running = await startSimulator({
    port: 0,
    seed: 3,
    logger: () => undefined,
    contract,
    seedOrders: { count: 400, from: new Date(now - 10 * DAY_MS), to: new Date(now - 60_000) },
  });
  if (permissions) running.sim.updateUser(DEMO_USER.loginId, { permissions: permissions as never });
  running.sim.clearRequestLog();
  const client = new KonnektiveClient({ baseUrl: running.url });
  const findings = await probeContract(
    { konnektive: client, clock: { now: () => new Date() } },
    { credentials: { loginId: DEMO_USER.loginId, password: DEMO_USER.password }, timeZone: ZONE },
  );
  const log = running.sim.requestLog();
  return { findings, log };
};

const variants = (f: ContractFindings) => ({
  timeFilters: f.timeFilters.variant,
  sorting: f.sorting.variant,
  dateUpdated: f.dateUpdated.variant,
  emptyTexts: f.emptyTexts.variant,
  permissions: f.permissions.variant,
  refunds: f.refunds.variant,
  campaignDates: f.campaignDates.variant,
});

describe('contract probe against the simulator', () => {
  it.each([
    [
      'default',
      {
        timeFilters: 'honoured',
        sorting: 'honoured',
        dateUpdated: 'both',
        emptyTexts: 'known',
        permissions: 'granted',
        refunds: 'REFUND',
        campaignDates: 'optional',
      },
    ],
    ['day-granular-sorted', { timeFilters: 'ignored', sorting: 'honoured' }],
    ['day-granular-unsorted', { timeFilters: 'ignored', sorting: 'ignored' }],
    ['stale-date-updated', { dateUpdated: 'neither' }],
    ['void-refunds', { refunds: 'VOID' }],
    ['campaign-dates-required', { campaignDates: 'required' }],
    [
      'worst',
      {
        timeFilters: 'ignored',
        sorting: 'ignored',
        dateUpdated: 'neither',
        emptyTexts: 'known',
        refunds: 'VOID',
        campaignDates: 'required',
      },
    ],
  ] as const)('names the variants of preset %s, with evidence, reading only', async (preset, expected) => {
    const { findings, log } = await probe(preset);
    expect(variants(findings)).toMatchObject(expected);
    for (const unknown of ['timeFilters', 'sorting', 'dateUpdated', 'refunds'] as const) {
      expect(findings[unknown].evidence.length).toBeGreaterThan(10);
    }
    expect(log.length).toBeLessThanOrEqual(20);
    expect(log.every((r) => r.endpoint === null || r.endpoint.endsWith('/query'))).toBe(true);
  });

  it('quotes the empty-result texts as Konnektive wrote them', async () => {
    const { findings } = await probe('alt-texts');
    expect(findings.emptyTexts.texts).toEqual({
      'order/query': 'Orders not found',
      'transactions/query': 'Transactions not found',
    });
  });

  it('names missing permissions and still answers the rest', async () => {
    const { findings } = await probe(
      'default',
      PERMISSIONS.filter((p) => p !== 'Query Transactions'),
    );
    expect(findings.permissions).toMatchObject({ variant: 'missing', missing: ['Query Transactions'] });
    expect(findings.timeFilters.variant).toBe('honoured');
    expect(findings.refunds.variant).toBe('inconclusive');
  });

  it('measures page latency', async () => {
    const { findings } = await probe({ preset: 'slow-pages', pageLatency: { minMs: 60, maxMs: 80 } });
    expect(findings.pageLatency.msByEndpoint['order/query']).toBeGreaterThanOrEqual(55);
    expect(findings.pageLatency.variant).toBe('fast');
  });
});
