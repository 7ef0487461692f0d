import { describe, expect, it } from 'vitest';
import { KonnektiveClient } from '../../../functions/adapters/konnektive/konnektive-client.js';
import { normalizeItems } from '../../../functions/adapters/konnektive/records.js';
import { KonnektiveError } from '../../../functions/core/konnektive.js';
import {
  CREDS,
  collect,
  failure,
  fakeFetch,
  listPage,
  order,
  type RecordedRequest,
  type Reply,
  success,
  transaction,
} from './fake-konnektive.js';

const BASE = 'https://konnektive.example.test';
/** 2026-06-10 11:00–12:00 EDT. */
const RANGE = { start: new Date('2026-06-10T15:00:00Z'), end: new Date('2026-06-10T16:00:00Z') };

function setup(script: Reply[], fallback?: Reply) {
  const fake = fakeFetch(script, fallback);
  const client = new KonnektiveClient({ baseUrl: BASE, fetch: fake.fetch, sleep: async () => undefined });
  return { client, requests: fake.requests };
}

const orders = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => order({ orderId: `A${String(from + i).padStart(9, '0')}` }));

const pageParams = (requests: RecordedRequest[]) => requests.map((r) => r.form.get('page'));

describe('pagination', () => {
  it('walks pages and stops at an exact multiple of totalResults without an extra call', async () => {
    const { client, requests } = setup([
      listPage(orders(2, 0), { totalResults: 4, page: 1, resultsPerPage: 2 }),
      listPage(orders(2, 2), { totalResults: 4, page: 2, resultsPerPage: 2 }),
    ]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE, resultsPerPage: 2 }));
    expect(pages.map((p) => [p.page, p.records.length, p.totalResults])).toEqual([
      [1, 2, 4],
      [2, 2, 4],
    ]);
    expect(pageParams(requests)).toEqual(['1', '2']);
    expect(requests.every((r) => r.form.get('resultsPerPage') === '2')).toBe(true);
  });

  it('stops after a short last page', async () => {
    const { client, requests } = setup([
      listPage(orders(2, 0), { totalResults: 5, resultsPerPage: 2 }),
      listPage(orders(2, 2), { totalResults: 5, page: 2, resultsPerPage: 2 }),
      listPage(orders(1, 4), { totalResults: 5, page: 3, resultsPerPage: 2 }),
    ]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE, resultsPerPage: 2 }));
    expect(pages.flatMap((p) => p.records.map((r) => r.orderId))).toEqual(orders(5).map((o) => o.orderId));
    expect(pageParams(requests)).toEqual(['1', '2', '3']);
  });

  it('uses pages of 200 by default', async () => {
    const { client, requests } = setup([
      listPage(orders(200), { totalResults: 201 }),
      listPage(orders(1, 200), { totalResults: 201, page: 2 }),
    ]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE }));
    expect(pages.map((p) => p.records.length)).toEqual([200, 1]);
    expect(requests.map((r) => r.form.get('resultsPerPage'))).toEqual(['200', '200']);
  });

  it('keeps walking when the server silently serves smaller pages than asked', async () => {
    const { client, requests } = setup([
      listPage(orders(100), { totalResults: 250, resultsPerPage: 100 }),
      listPage(orders(100, 100), { totalResults: 250, page: 2, resultsPerPage: 100 }),
      listPage(orders(50, 200), { totalResults: 250, page: 3, resultsPerPage: 100 }),
    ]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE }));
    expect(pages.reduce((n, p) => n + p.records.length, 0)).toBe(250);
    expect(requests).toHaveLength(3);
  });

  it('without totalResults, stops on a short page', async () => {
    const noTotal = (data: unknown[]) => success({ page: 1, resultsPerPage: 2, data });
    const { client, requests } = setup([noTotal(orders(2)), noTotal(orders(1, 2))]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE, resultsPerPage: 2 }));
    expect(pages.map((p) => p.records.length)).toEqual([2, 1]);
    expect(requests).toHaveLength(2);
  });

  it('fetches lazily: the next page only when the consumer asks (memory bounded by one page)', async () => {
    const { client, requests } = setup([
      listPage(orders(2), { totalResults: 4, resultsPerPage: 2 }),
      listPage(orders(2, 2), { totalResults: 4, page: 2, resultsPerPage: 2 }),
    ]);
    const iterator = client.queryOrders(CREDS, { range: RANGE, resultsPerPage: 2 })[Symbol.asyncIterator]();
    expect(requests).toHaveLength(0);
    await iterator.next();
    expect(requests).toHaveLength(1);
    await iterator.next();
    expect(requests).toHaveLength(2);
    expect((await iterator.next()).done).toBe(true);
  });

  it('yields one empty page for the "No … matching" answer', async () => {
    const { client, requests } = setup([failure('No orders matching those parameters could be found')]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE }));
    expect(pages).toEqual([
      {
        page: 1,
        resultsPerPage: 200,
        totalResults: 0,
        records: [],
        rejected: [],
        scan: { received: 0, outside: 0, dates: [] },
        emptyText: expect.stringMatching(/^No orders matching/),
      },
    ]);
    expect(requests).toHaveLength(1);
  });

  it('ends quietly when a later page answers "No … matching" (rows vanished between pages)', async () => {
    const { client } = setup([
      listPage(orders(2), { totalResults: 6, resultsPerPage: 2 }),
      failure('No orders matching those parameters could be found'),
    ]);
    const pages = await collect(client.queryOrders(CREDS, { range: RANGE, resultsPerPage: 2 }));
    expect(pages.map((p) => p.page)).toEqual([1]);
  });

  it('throws an api error for a SUCCESS list without a usable shape', async () => {
    const { client } = setup([success({ totalResults: 'many', data: 5 })]);
    await expect(collect(client.queryOrders(CREDS, { range: RANGE }))).rejects.toBeInstanceOf(
      KonnektiveError,
    );
  });
});

describe('schema drift', () => {
  it('puts a failing record in rejected and returns the rest of the page', async () => {
    const good1 = order({ orderId: 'AAAAAAAAA1' });
    const bad = order({ orderId: 'BBBBBBBBB2', orderStatus: null });
    const good2 = order({ orderId: 'CCCCCCCCC3' });
    const { client } = setup([listPage([good1, bad, good2, 'garbage'])]);
    const [page] = await collect(client.queryOrders(CREDS, { range: RANGE }));
    expect(page?.records.map((r) => r.orderId)).toEqual(['AAAAAAAAA1', 'CCCCCCCCC3']);
    expect(page?.rejected).toHaveLength(2);
    expect(page?.rejected[0]?.id).toBe('BBBBBBBBB2');
    expect(page?.rejected[0]?.issue).toContain('orderStatus');
    expect(page?.rejected[1]?.id).toBeUndefined();
  });

  it('keeps each record unchanged (items object or [], money strings, extra fields)', async () => {
    const withItems = order({ orderId: 'AAAAAAAAA1', totalAmount: '100.10' });
    const noItems = order({ orderId: 'AAAAAAAAA2', items: [], customFields: { a: 1 } });
    const { client } = setup([listPage([withItems, noItems])]);
    const [page] = await collect(client.queryOrders(CREDS, { range: RANGE }));
    expect(page?.records).toEqual([withItems, noItems]);
    expect(page?.records.map((r) => normalizeItems(r.items).length)).toEqual([1, 0]);
    expect(page?.records[0]?.totalAmount).toBe('100.10');
  });
});

describe('date windows', () => {
  it('splits a range over local midnight into one call sequence per day, in order', async () => {
    // 2026-06-10 22:30 EDT → 2026-06-11 01:15 EDT.
    const range = { start: new Date('2026-06-11T02:30:00Z'), end: new Date('2026-06-11T05:15:00Z') };
    const { client, requests } = setup([
      listPage([order({ orderId: 'DAY1000001', dateCreated: '2026-06-10 23:00:00' })]),
      listPage([order({ orderId: 'DAY2000001', dateCreated: '2026-06-11 00:30:00' })]),
    ]);
    const pages = await collect(client.queryOrders(CREDS, { range }));
    expect(
      requests.map((r) => [r.form.get('startDate'), r.form.get('startTime'), r.form.get('endTime')]),
    ).toEqual([
      ['06/10/2026', '22:30:00', '23:59:59'],
      ['06/11/2026', '00:00:00', '01:15:00'],
    ]);
    expect(requests.every((r) => r.form.get('startDate') === r.form.get('endDate'))).toBe(true);
    expect(pages.flatMap((p) => p.records.map((r) => r.orderId))).toEqual(['DAY1000001', 'DAY2000001']);
  });

  it('walks the days newest first when sortDir is 0', async () => {
    const range = { start: new Date('2026-06-11T02:30:00Z'), end: new Date('2026-06-11T05:15:00Z') };
    const empty = failure('No orders matching those parameters could be found');
    const { client, requests } = setup([empty, empty]);
    await collect(client.queryOrders(CREDS, { range, sortDir: 0 }));
    expect(requests.map((r) => r.form.get('startDate'))).toEqual(['06/11/2026', '06/10/2026']);
    expect(requests.every((r) => r.form.get('sortDir') === '0')).toBe(true);
  });

  it("uses the account's time zone for dates, times and record timestamps", async () => {
    const { client, requests } = setup([
      listPage([
        order({ orderId: 'INSIDE0001', dateCreated: '2026-06-10 16:30:00' }),
        order({ orderId: 'OUTSIDE001', dateCreated: '2026-06-10 11:30:00' }),
      ]),
    ]);
    const [page] = await collect(client.queryOrders(CREDS, { range: RANGE, timeZone: 'Europe/London' }));
    // 15:00–16:00 UTC is 16:00–17:00 BST.
    expect(requests[0]?.form.get('startTime')).toBe('16:00:00');
    expect(requests[0]?.form.get('endTime')).toBe('17:00:00');
    expect(page?.records.map((r) => r.orderId)).toEqual(['INSIDE0001']);
  });

  it('filters records to the exact range on dateRangeType, keeping ones without a usable date', async () => {
    const { client, requests } = setup([
      listPage([
        order({ orderId: 'BEFORE0001', dateUpdated: '2026-06-10 10:59:59' }),
        order({ orderId: 'FIRST00001', dateUpdated: '2026-06-10 11:00:00' }),
        order({ orderId: 'LAST000001', dateUpdated: '2026-06-10 12:00:00' }),
        order({ orderId: 'AFTER00001', dateUpdated: '2026-06-10 12:00:01' }),
        order({ orderId: 'NODATE0001', dateUpdated: null }),
        order({ orderId: 'ZERODATE01', dateUpdated: '0000-00-00 00:00:00' }),
      ]),
    ]);
    const [page] = await collect(client.queryOrders(CREDS, { range: RANGE, dateRangeType: 'dateUpdated' }));
    expect(requests[0]?.form.get('dateRangeType')).toBe('dateUpdated');
    expect(page?.records.map((r) => r.orderId)).toEqual([
      'FIRST00001',
      'LAST000001',
      'NODATE0001',
      'ZERODATE01',
    ]);
  });

  it('counts a record in the second that the range starts in (Konnektive stores whole seconds)', async () => {
    const range = { start: new Date('2026-06-10T15:00:00.600Z'), end: new Date('2026-06-10T15:00:10Z') };
    const { client } = setup([listPage([order({ dateCreated: '2026-06-10 11:00:00' })])]);
    const [page] = await collect(client.queryOrders(CREDS, { range }));
    expect(page?.records).toHaveLength(1);
  });

  it('keeps an ambiguous fall-back timestamp when either occurrence is in range', async () => {
    // 2026-11-01 01:00–01:45 EST (second occurrence) = 06:00–06:45 UTC.
    const range = { start: new Date('2026-11-01T06:00:00Z'), end: new Date('2026-11-01T06:45:00Z') };
    const { client, requests } = setup([
      listPage([transaction({ transactionId: 1, dateCreated: '2026-11-01 01:30:00' })]),
    ]);
    const [page] = await collect(client.queryTransactions(CREDS, { range, txnType: 'REFUND' }));
    expect(page?.records.map((r) => r.transactionId)).toEqual([1]);
    expect(requests[0]?.url).toBe(`${BASE}/transactions/query/`);
    expect(requests[0]?.form.get('txnType')).toBe('REFUND');
    expect(requests[0]?.form.get('startTime')).toBe('01:00:00');
    expect(requests[0]?.form.get('endTime')).toBe('01:45:00');
  });

  it('widens a window whose wall-clock bounds would invert across fall-back', async () => {
    // 01:30 EDT (05:30Z) → 01:10 EST (06:10Z): both 01:xx hours.
    const range = { start: new Date('2026-11-01T05:30:00Z'), end: new Date('2026-11-01T06:10:00Z') };
    const { client, requests } = setup([failure('No transactions found')]);
    await collect(client.queryTransactions(CREDS, { range }));
    expect([requests[0]?.form.get('startTime'), requests[0]?.form.get('endTime')]).toEqual([
      '01:00:00',
      '01:59:59',
    ]);
  });

  it('sends no dates when querying one order by id', async () => {
    const { client, requests } = setup([listPage([order({ orderId: '7B83FF8095' })])]);
    const [page] = await collect(client.queryOrders(CREDS, { orderId: '7B83FF8095' }));
    expect(page?.records[0]?.orderId).toBe('7B83FF8095');
    const form = requests[0]?.form;
    expect(form?.get('orderId')).toBe('7B83FF8095');
    expect(form?.has('startDate')).toBe(false);
    expect(form?.has('startTime')).toBe(false);
  });
});

describe('transactions', () => {
  it('accepts numeric and digit-string ids and filters by responseType', async () => {
    const { client, requests } = setup([
      listPage([transaction({ transactionId: 7 }), transaction({ transactionId: '8', totalAmount: '0.50' })]),
    ]);
    const [page] = await collect(
      client.queryTransactions(CREDS, { range: RANGE, responseType: 'HARD_DECLINE', orderId: '0BE8BA58E2' }),
    );
    expect(page?.records.map((r) => r.transactionId)).toEqual([7, '8']);
    expect(page?.records[1]?.totalAmount).toBe('0.50');
    expect(requests[0]?.form.get('responseType')).toBe('HARD_DECLINE');
    expect(requests[0]?.form.get('orderId')).toBe('0BE8BA58E2');
  });
});

describe('campaigns', () => {
  it('reads data keyed by campaign id and normalizes products', async () => {
    const { client, requests } = setup([
      listPage({
        '1': {
          campaignId: 1,
          campaignName: 'One',
          products: [{ campaignProductId: 11, productName: 'P', price: '9.99' }],
        },
        '2': { campaignId: 2, campaignName: 'Two' },
      }),
    ]);
    const [page] = await collect(client.queryCampaigns(CREDS));
    expect(requests[0]?.url).toBe(`${BASE}/campaign/query/`);
    expect(
      page?.records.map((c) => [c.campaignId, c.campaignName, c.products.map((p) => [p.name, p.price])]),
    ).toEqual([
      [1, 'One', [['P', '9.99']]],
      [2, 'Two', []],
    ]);
  });

  it('accepts data as an array, passes campaignId and pages of the requested size', async () => {
    const { client, requests } = setup([
      listPage([{ campaignId: 5, campaignName: 'Five', products: [] }], { resultsPerPage: 1 }),
    ]);
    const [page] = await collect(client.queryCampaigns(CREDS, { campaignId: 5, resultsPerPage: 1 }));
    expect(page?.records[0]?.campaignId).toBe(5);
    expect(requests[0]?.form.get('campaignId')).toBe('5');
    expect(requests[0]?.form.get('resultsPerPage')).toBe('1');
  });

  it('yields an empty page when there are no campaigns', async () => {
    const { client } = setup([failure('No campaigns matching those parameters could be found')]);
    const pages = await collect(client.queryCampaigns(CREDS, {}));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records).toEqual([]);
  });
});
