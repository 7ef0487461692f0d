import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../local/simulator/index.js';
import { DEMO, startTestSim } from './helpers.js';

const ENDPOINT_PATHS = [
  '/order/query/',
  '/transactions/query/',
  '/campaign/query/',
  '/customer/query/',
  '/product/query/',
  '/order/import/',
  '/leads/import/',
  '/fulfillment/update/',
  '/order/cancel/',
  '/customer/update/',
  '/order/refund/',
];

/** Parameter names the endpoints read, so random values reach validation and business logic. */
const KNOWN_KEYS = [
  'campaignId',
  'orderId',
  'customerId',
  'fulfillmentId',
  'purchaseId',
  'startDate',
  'endDate',
  'startTime',
  'endTime',
  'dateRangeType',
  'orderStatus',
  'orderType',
  'txnType',
  'responseType',
  'resultsPerPage',
  'page',
  'sortDir',
  'sortBy',
  'firstName',
  'lastName',
  'emailAddress',
  'phoneNumber',
  'address1',
  'city',
  'state',
  'postalCode',
  'country',
  'billShipSame',
  'shipAddress1',
  'shipCountry',
  'paySource',
  'cardNumber',
  'cardMonth',
  'cardYear',
  'cardSecurityCode',
  'product1_id',
  'product1_qty',
  'product1_price',
  'product2_id',
  'product999_id',
  'couponCode',
  'fulfillmentStatus',
  'trackingNumber',
  'dateShipped',
  'dateReturned',
  'cancelReason',
  'fullRefund',
  'afterNextBill',
  'refundAmount',
  'achRoutingNumber',
  'achAccountNumber',
  'custom1',
  'disableCustomerDedup',
  'productId',
  'campaignType',
  '__proto__',
  'constructor',
  'toString',
];

const VALUE = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '1',
    '-1',
    '200',
    '201',
    '99999999999999999999',
    '1e3',
    'NaN',
    '12.345',
    '101',
    '1',
    '02/30/2026',
    '1/1/26',
    '2026-13-01',
    '25:61',
    'COMPLETE',
    'SHIPPED',
    'REFUND',
    'CREDITCARD',
    '0000000000000000',
    '4000000000000002',
    '4000000000003220',
    '%00',
    '\u0000',
    '<script>',
    '{"a":1}',
    '[]',
    'null',
    'A'.repeat(300),
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

const PARAMS = fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 })), VALUE, {
  maxKeys: 12,
});

const MODE = fc.constantFrom(
  'get',
  'form',
  'multipart',
  'json',
  'json-typed',
  'raw-json',
  'raw-form',
  'raw-multipart',
);

type Case = { path: string; params: Record<string, string>; mode: string; auth: boolean; raw: string };

const CASE: fc.Arbitrary<Case> = fc.record({
  path: fc.constantFrom(...ENDPOINT_PATHS),
  params: PARAMS,
  mode: MODE,
  // Mostly authenticated, so the random values reach validation and business logic.
  auth: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
  raw: fc.string({ unit: 'binary', maxLength: 200 }),
});

const requestFor = (base: string, c: Case): [string, RequestInit] => {
  const params = c.auth ? { ...c.params, ...DEMO } : c.params;
  const qs = new URLSearchParams(params).toString();
  switch (c.mode) {
    case 'get':
      return [`${base}${c.path}?${qs}`, { method: 'GET' }];
    case 'form':
      return [
        `${base}${c.path}`,
        { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: qs },
      ];
    case 'multipart': {
      const form = new FormData();
      for (const [k, v] of Object.entries(params)) form.append(k, v);
      return [`${base}${c.path}`, { method: 'POST', body: form }];
    }
    case 'json':
      return [
        `${base}${c.path}`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params) },
      ];
    case 'json-typed': {
      // Numbers, booleans, nulls and nested values where strings are expected.
      const typed: Record<string, unknown> = {};
      let i = 0;
      for (const [k, v] of Object.entries(params)) {
        const pick = i++ % 5;
        typed[k] =
          pick === 0 ? Number(v) : pick === 1 ? v.length > 3 : pick === 2 ? null : pick === 3 ? { v } : v;
      }
      return [
        `${base}${c.path}?${new URLSearchParams(c.auth ? DEMO : {})}`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(typed) },
      ];
    }
    case 'raw-json':
      return [
        `${base}${c.path}?${qs}`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: c.raw },
      ];
    case 'raw-form':
      return [
        `${base}${c.path}?${qs}`,
        { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: c.raw },
      ];
    default:
      return [
        `${base}${c.path}?${qs}`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
          body: `--xyz\r\n${c.raw}`,
        },
      ];
  }
};

describe('simulator fuzz: malformed input never breaks the contract', () => {
  let running: RunningSimulator;
  const internalErrors: string[] = [];

  beforeAll(async () => {
    running = await startTestSim({
      seed: 17,
      logger: (line) => {
        if (line.startsWith('internal error')) internalErrors.push(line);
      },
    });
    running.sim.seed({ count: 60, from: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z' });
  });
  afterAll(() => running.close());

  /** Sends `numRuns` random requests; answers how many of each kind (SUCCESS, ERROR, AUTH …) came back. */
  const fuzz = async (numRuns: number, seed: number): Promise<Map<string, number>> => {
    const results = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(CASE, async (c) => {
        const [url, init] = requestFor(running.url, c);
        const response = await fetch(url, init);
        const text = await response.text();
        expect(response.status, text).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/json');
        const body = JSON.parse(text) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(['message', 'result']);
        expect(['SUCCESS', 'ERROR', 'MERC_REDIRECT']).toContain(body.result);
        const kind =
          body.result === 'ERROR' && body.message === 'Could not authenticate credentials'
            ? 'AUTH'
            : String(body.result);
        results.set(kind, (results.get(kind) ?? 0) + 1);
        if (body.result === 'ERROR') {
          const message = body.message;
          const ok =
            typeof message === 'string' ||
            (typeof message === 'object' &&
              message !== null &&
              Object.values(message).every((v) => typeof v === 'string'));
          expect(ok, text).toBe(true);
          expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|TypeError|RangeError/);
        }
      }),
      { numRuns, seed },
    );
    return results;
  };

  it('answers every random body to every endpoint with an HTTP 200 JSON envelope', async () => {
    const results = await fuzz(400, 20260521);
    expect(internalErrors).toEqual([]);
    // The run exercised more than the credential check.
    expect(results.get('SUCCESS') ?? 0).toBeGreaterThan(0);
    expect(results.get('ERROR') ?? 0).toBeGreaterThan(100);
  }, 180_000);

  it('keeps the envelope under the most pessimistic contract too', async () => {
    running.sim.setContract({
      preset: 'worst',
      refundTxnType: 'VOID_SAME_DAY',
      dateUpdatedMovesOn: 'cancel',
    });
    try {
      const results = await fuzz(200, 20261105);
      expect(internalErrors).toEqual([]);
      expect(results.get('SUCCESS') ?? 0).toBeGreaterThan(0);
    } finally {
      running.sim.setContract('default');
    }
  }, 180_000);

  it('answers random paths with 404 and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .stringMatching(/^[a-zA-Z0-9/._~%-]{0,40}$/)
          .filter((p) => !ENDPOINT_PATHS.includes(`/${p}`) && !p.startsWith('_sim')),
        async (path) => {
          const response = await fetch(`${running.url}/${path}`);
          await response.text();
          expect([400, 404]).toContain(response.status);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
    const alive = await fetch(`${running.url}/campaign/query/?${new URLSearchParams(DEMO)}`);
    expect(((await alive.json()) as { result: string }).result).toBe('SUCCESS');
  }, 120_000);
});
