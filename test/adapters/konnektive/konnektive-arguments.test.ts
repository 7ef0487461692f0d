import { describe, expect, it } from 'vitest';
import { KonnektiveClient } from '../../../functions/adapters/konnektive/konnektive-client.js';
import {
  type KonnektiveCredentials,
  type KonnektiveParams,
  KonnektiveValidationError,
  type OrderQuery,
  type TransactionQuery,
} from '../../../functions/core/konnektive.js';
import { CREDS, collect, fakeFetch, success } from './fake-konnektive.js';

const RANGE = { start: new Date('2026-06-10T15:00:00Z'), end: new Date('2026-06-10T16:00:00Z') };

function setup() {
  const fake = fakeFetch([], success({}));
  const client = new KonnektiveClient({ baseUrl: 'https://konnektive.example.test', fetch: fake.fetch });
  return { client, requests: fake.requests };
}

async function validationErrorOf(run: () => Promise<unknown>): Promise<KonnektiveValidationError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof KonnektiveValidationError) return error;
    throw error;
  }
  throw new Error('expected a KonnektiveValidationError');
}

// Casts let the tests send what a JavaScript caller (or a bug) could send despite the types.
const badOrderQueries: Array<[string, unknown, RegExp]> = [
  ['resultsPerPage 0', { range: RANGE, resultsPerPage: 0 }, /resultsPerPage must be an integer 1–200/],
  ['resultsPerPage 201', { range: RANGE, resultsPerPage: 201 }, /resultsPerPage must be an integer 1–200/],
  ['resultsPerPage 1.5', { range: RANGE, resultsPerPage: 1.5 }, /resultsPerPage/],
  ['unknown zone', { range: RANGE, timeZone: 'Mars/Base' }, /timeZone "Mars\/Base" is not an IANA time zone/],
  [
    'inverted range',
    { range: { start: RANGE.end, end: RANGE.start } },
    /range\.start must be before range\.end/,
  ],
  [
    'invalid Date',
    { range: { start: new Date('nope'), end: RANGE.end } },
    /range\.start must be a valid Date/,
  ],
  ['string instead of Date', { range: { start: '2026-06-10', end: RANGE.end } }, /range\.start/],
  ['neither range nor orderId', {}, /range is required unless orderId is given/],
  ['bad orderStatus', { range: RANGE, orderStatus: 'SHIPPED' }, /orderStatus must be/],
  ['bad sortDir', { range: RANGE, sortDir: 2 }, /sortDir must be 0 or 1/],
  ['bad dateRangeType', { range: RANGE, dateRangeType: 'dateShipped' }, /dateRangeType/],
  ['orderId with punctuation', { orderId: '7B83&FF' }, /orderId/],
  ['customerId not an integer', { range: RANGE, customerId: 'abc' }, /customerId must be a positive integer/],
];

describe('bad arguments are rejected before any network call', () => {
  it.each(badOrderQueries)('queryOrders: %s', async (_name, query, message) => {
    const { client, requests } = setup();
    const error = await validationErrorOf(() => collect(client.queryOrders(CREDS, query as OrderQuery)));
    expect(error.message).toMatch(message);
    expect(error.endpoint).toBe('order/query');
    expect(Object.keys(error.fields).length).toBeGreaterThan(0);
    expect(requests).toHaveLength(0);
  });

  it('queryTransactions checks its enums and range', async () => {
    const { client, requests } = setup();
    for (const [query, message] of [
      [{ range: RANGE, txnType: 'CHARGEBACK' }, /txnType must be/],
      [{ range: RANGE, responseType: 'json' }, /responseType must be/],
      [{ txnType: 'SALE' }, /range is required/],
    ] as const) {
      const error = await validationErrorOf(() =>
        collect(client.queryTransactions(CREDS, query as unknown as TransactionQuery)),
      );
      expect(error.message).toMatch(message);
      expect(error.endpoint).toBe('transactions/query');
    }
    expect(requests).toHaveLength(0);
  });

  it('queryCampaigns checks resultsPerPage and campaignId', async () => {
    const { client, requests } = setup();
    const rpp = await validationErrorOf(() => collect(client.queryCampaigns(CREDS, { resultsPerPage: 500 })));
    expect(rpp.message).toMatch(/resultsPerPage/);
    const id = await validationErrorOf(() => collect(client.queryCampaigns(CREDS, { campaignId: -1 })));
    expect(id.message).toMatch(/campaignId must be a positive integer/);
    expect(requests).toHaveLength(0);
  });

  const badCredentials: Array<[string, unknown, RegExp]> = [
    ['empty loginId', { loginId: '  ', password: 'pw-fake-1' }, /loginId must not be empty/],
    ['empty password', { loginId: 'user', password: '' }, /password must not be empty/],
    ['password with &', { loginId: 'user', password: 'a&b-fake' }, /password must not contain "&"/],
    ['missing password', { loginId: 'user' }, /password must be a string/],
    ['no credentials', undefined, /credentials must be an object/],
  ];

  it.each(badCredentials)('credentials: %s (read and write)', async (_name, credentials, message) => {
    const { client, requests } = setup();
    const creds = credentials as KonnektiveCredentials;
    const read = await validationErrorOf(() => collect(client.queryOrders(creds, { range: RANGE })));
    const write = await validationErrorOf(() => client.importOrder(creds, { orderId: 'ABC' }));
    expect(read.message).toMatch(message);
    expect(write.message).toMatch(message);
    expect(write.endpoint).toBe('order/import');
    // The message names the field, never the value.
    expect(read.message).not.toContain('a&b-fake');
    expect(requests).toHaveLength(0);
  });

  it('does not enforce the (only likely) 32-character credential limit', async () => {
    const { client, requests } = setup();
    await client.updateCustomer({ loginId: 'u'.repeat(40), password: 'p'.repeat(40) }, { customerId: 1 });
    expect(requests).toHaveLength(1);
  });

  const badParams: Array<[string, unknown, RegExp]> = [
    [
      'name with a space',
      { 'first name': 'A' },
      /parameter name "first name" must contain only letters, digits and _/,
    ],
    ['name with brackets', { 'items[0]': 'A' }, /items\[0\]/],
    [
      'object value',
      { customFields: { a: 1 } },
      /params\.customFields must be a string, a finite number or a boolean/,
    ],
    ['array value', { product1_id: [1, 2] }, /params\.product1_id/],
    ['NaN value', { product1_qty: Number.NaN }, /params\.product1_qty/],
    ['null value', { city: null }, /params\.city/],
    ['credential override', { password: 'x' }, /params\.password is not allowed/],
    ['credential override (case)', { LoginId: 'x' }, /params\.LoginId is not allowed/],
    ['not an object', 'orderId=ABC', /params must be an object/],
  ];

  it.each(badParams)('write params: %s', async (_name, params, message) => {
    const { client, requests } = setup();
    for (const call of [
      () => client.importOrder(CREDS, params as KonnektiveParams),
      () => client.importLead(CREDS, params as KonnektiveParams),
      () => client.updateFulfillment(CREDS, params as KonnektiveParams),
      () => client.cancelOrder(CREDS, params as KonnektiveParams),
      () => client.updateCustomer(CREDS, params as KonnektiveParams),
    ]) {
      const error = await validationErrorOf(call);
      expect(error.message).toMatch(message);
    }
    expect(requests).toHaveLength(0);
  });
});
