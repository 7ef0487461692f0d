/**
 * The Konnektive client against the local Konnektive simulator over real HTTP (loopback only): the same
 * calls the system makes, answered by an independent implementation of the API notes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KonnektiveClient } from '../../../functions/adapters/konnektive/konnektive-client.js';
import {
  KonnektiveAuthError,
  type KonnektiveCredentials,
  KonnektiveDeclinedError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveTransientError,
  KonnektiveValidationError,
  type OrderRecord,
  type Page,
} from '../../../functions/core/konnektive.js';
import { parseKonnektiveDateTime } from '../../../functions/core/zoned-time.js';
import { PERMISSIONS, type RunningSimulator, startSimulator } from '../../../local/simulator/index.js';
import { collect } from './fake-konnektive.js';

const DEMO: KonnektiveCredentials = { loginId: 'demo-api-user', password: 'demo-password-123' };
const ZONE = 'America/New_York';
const TEST_CARD = {
  cardNumber: '0000000000000000',
  cardSecurityCode: '100',
  cardMonth: '12',
  cardYear: '2031',
};
const BUYER = {
  firstName: 'Testy',
  lastName: 'McTestface',
  emailAddress: 'testy.mctestface@example.com',
  phoneNumber: '555-0100-1234',
  address1: '1 Test Way',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  country: 'US',
};
/** Seeded span: crosses the 2026-03-08 spring-forward in New York. */
const SEED_FROM = new Date('2026-03-06T00:00:00Z');
const SEED_TO = new Date('2026-03-10T00:00:00Z');

let running: RunningSimulator;

function client(options: Partial<ConstructorParameters<typeof KonnektiveClient>[0]> = {}) {
  return new KonnektiveClient({ baseUrl: running.url, sleep: async () => undefined, ...options });
}

const inRange = (wall: string, start: Date, end: Date) =>
  parseKonnektiveDateTime(wall, ZONE).alternatives.some(
    (d) => d.getTime() >= Math.floor(start.getTime() / 1000) * 1000 && d.getTime() <= end.getTime(),
  );

beforeAll(async () => {
  running = await startSimulator({
    port: 0,
    seed: 7,
    clock: { now: '2026-03-10T12:00:00Z' },
    timeZone: ZONE,
  });
  running.sim.seed({ count: 450, from: SEED_FROM, to: SEED_TO });
});

afterAll(async () => {
  await running?.close();
});

beforeEach(() => {
  running.sim.updateUser(DEMO.loginId, { allowedIps: ['127.0.0.0/8', '::1'], permissions: '*' });
  running.sim.setFaults({
    errorRate: 0,
    hangRate: 0,
    garbageRate: 0,
    endpoints: null,
    afterProcessing: false,
  });
  running.sim.clearRequestLog();
});

describe('KonnektiveClient against the simulator', () => {
  it('pages through every order of a multi-day range across DST, nothing missing or duplicated', async () => {
    const pages = await collect(
      client().queryOrders(DEMO, { range: { start: SEED_FROM, end: SEED_TO }, timeZone: ZONE }),
    );
    const ids = pages.flatMap((p) => p.records.map((r) => r.orderId));
    const expected = running.sim
      .listOrders()
      .filter((o) => inRange(String(o.dateCreated), SEED_FROM, SEED_TO))
      .map((o) => String(o.orderId));
    expect(expected.length).toBeGreaterThan(200);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(pages.every((p) => p.rejected.length === 0)).toBe(true);
    expect(pages.every((p) => p.records.length <= 200)).toBe(true);
  });

  it('matches the exact range at sub-day precision around the spring-forward', async () => {
    // 2026-03-07 15:00 EST → 2026-03-08 06:00 EDT.
    const range = { start: new Date('2026-03-07T20:00:00Z'), end: new Date('2026-03-08T10:00:00Z') };
    const pages = await collect(client().queryOrders(DEMO, { range, resultsPerPage: 25 }));
    const ids = pages.flatMap((p) => p.records.map((r) => r.orderId));
    const expected = running.sim
      .listOrders()
      .filter((o) => inRange(String(o.dateCreated), range.start, range.end))
      .map((o) => String(o.orderId));
    expect(expected.length).toBeGreaterThan(0);
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it('reads transactions, filtering by responseType', async () => {
    const range = { start: SEED_FROM, end: new Date('2026-03-10T12:00:00Z') };
    const pages = await collect(
      client().queryTransactions(DEMO, { range, txnType: 'SALE', responseType: 'SUCCESS' }),
    );
    const records = pages.flatMap((p) => p.records);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((t) => t.txnType === 'SALE' && t.responseType === 'SUCCESS')).toBe(true);
    expect(records.every((t) => typeof t.totalAmount === 'string')).toBe(true);
  });

  it('yields one empty page for an empty window', async () => {
    const range = { start: new Date('2025-01-01T12:00:00Z'), end: new Date('2025-01-01T13:00:00Z') };
    const pages = await collect(client().queryOrders(DEMO, { range }));
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
  });

  it('lists campaigns with their products', async () => {
    const campaigns = (await collect(client().queryCampaigns(DEMO))).flatMap((p) => p.records);
    expect(campaigns.length).toBeGreaterThan(0);
    const first = campaigns[0];
    expect(first?.products.length).toBeGreaterThan(0);
    for (const product of first?.products ?? []) {
      expect(product.campaignProductId).toBeDefined();
      expect(product.name.length).toBeGreaterThan(0);
    }
  });

  it('runs the lead → sale → fulfillment → cancel flow', async () => {
    const c = client();
    const campaign = (await collect(c.queryCampaigns(DEMO))).flatMap((p) => p.records)[0];
    const productId = campaign?.products[0]?.campaignProductId;
    const lead = await c.importLead(DEMO, { campaignId: Number(campaign?.campaignId), ...BUYER });
    expect(typeof lead.orderId).toBe('string');
    expect(String(lead.dateCreated)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const sale = await c.importOrder(DEMO, {
      orderId: String(lead.orderId),
      campaignId: Number(campaign?.campaignId),
      product1_id: productId,
      paySource: 'CREDITCARD',
      ...TEST_CARD,
    });
    expect(sale.orderId).toBe(lead.orderId);
    expect(sale.orderStatus).toBe('COMPLETE');

    const [page] = await collect(c.queryOrders(DEMO, { orderId: String(lead.orderId) }));
    expect(page?.records[0]?.orderStatus).toBe('COMPLETE');

    await c.updateFulfillment(DEMO, {
      orderId: String(lead.orderId),
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: '1Z999TEST',
      dateShipped: '03/10/2026',
    });
    await c.updateCustomer(DEMO, { customerId: Number(lead.customerId), city: 'Shelbyville' });
    await c.cancelOrder(DEMO, { orderId: String(lead.orderId), cancelReason: 'Test cancel' });
    const [after] = await collect(c.queryOrders(DEMO, { orderId: String(lead.orderId) }));
    expect(after?.records[0]?.orderStatus).toBe('CANCELLED');
  });

  it('surfaces declines, redirects and field errors of order/import', async () => {
    const c = client();
    const base = {
      campaignId: 1,
      product1_id: 101,
      ...BUYER,
      paySource: 'CREDITCARD',
      cardSecurityCode: '123',
      cardMonth: '12',
      cardYear: '2031',
    };
    const declined = await c
      .importOrder(DEMO, { ...base, cardNumber: '4000000000000002' })
      .catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(KonnektiveDeclinedError);
    expect((declined as KonnektiveDeclinedError).reason).toBe('Card Declined');
    const redirect = await c
      .importOrder(DEMO, { ...base, cardNumber: '4000000000003220' })
      .catch((e: unknown) => e);
    expect(redirect).toBeInstanceOf(KonnektiveRedirectError);
    const invalid = await c.importLead(DEMO, { campaignId: 1 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(KonnektiveValidationError);
  });

  it('classifies auth, whitelist and permission refusals', async () => {
    const c = client();
    const range = { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-09T01:00:00Z') };
    const auth = await collect(
      c.queryOrders({ loginId: DEMO.loginId, password: 'wrong-password-0' }, { range }),
    ).catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(KonnektiveAuthError);

    running.sim.updateUser(DEMO.loginId, { allowedIps: ['203.0.113.9'] });
    const ip = await collect(c.queryOrders(DEMO, { range })).catch((e: unknown) => e);
    expect(ip).toBeInstanceOf(KonnektiveNotWhitelistedError);
    expect((ip as KonnektiveNotWhitelistedError).callerIp).toMatch(/^127\.|^::1$/);

    running.sim.updateUser(DEMO.loginId, {
      allowedIps: ['127.0.0.0/8', '::1'],
      permissions: PERMISSIONS.filter((p) => p !== 'Query Transactions'),
    });
    const permission = await collect(c.queryTransactions(DEMO, { range })).catch((e: unknown) => e);
    expect(permission).toBeInstanceOf(KonnektivePermissionError);
    expect((permission as KonnektivePermissionError).permission).toBe('Query Transactions');
  });

  it('retries a failing read and never retries a failing write', async () => {
    running.sim.setFaults({ errorRate: 1, endpoints: ['order/query', 'order/import'] });
    const c = client({ retry: { maxAttempts: 3 } });
    const range = { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-09T01:00:00Z') };
    const read = await collect(c.queryOrders(DEMO, { range })).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(KonnektiveTransientError);
    const write = await c
      .importOrder(DEMO, { campaignId: 1, ...BUYER, product1_id: 101, paySource: 'CREDITCARD', ...TEST_CARD })
      .catch((e: unknown) => e);
    expect(write).toBeInstanceOf(KonnektiveTransientError);
    const log = running.sim.requestLog();
    expect(log.filter((r) => r.endpoint === 'order/query')).toHaveLength(3);
    expect(log.filter((r) => r.endpoint === 'order/import')).toHaveLength(1);
  });

  it('times out a hung read and treats a garbage body as transient', async () => {
    running.sim.setFaults({ hangRate: 1, hangMs: 5_000, endpoints: ['order/query'] });
    const range = { start: new Date('2026-03-09T00:00:00Z'), end: new Date('2026-03-09T01:00:00Z') };
    const hung = await collect(
      client({ queryTimeoutMs: 200, retry: { maxAttempts: 1 } }).queryOrders(DEMO, { range }),
    ).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(KonnektiveTransientError);
    expect((hung as Error).message).toMatch(/timed out/);

    running.sim.setFaults({ hangRate: 0, garbageRate: 1, endpoints: ['campaign/query'] });
    const garbage = await collect(client({ retry: { maxAttempts: 2 } }).queryCampaigns(DEMO)).catch(
      (e: unknown) => e,
    );
    expect(garbage).toBeInstanceOf(KonnektiveTransientError);
    expect(running.sim.requestLog().filter((r) => r.endpoint === 'campaign/query')).toHaveLength(2);
  });
});

describe('KonnektiveClient against the simulator: contract variants', () => {
  /** One hour of 2026-03-09 (EDT), a day with seeded orders outside that hour. */
  const HOUR = { start: new Date('2026-03-09T14:00:00Z'), end: new Date('2026-03-09T15:00:00Z') };
  afterEach(() => running.sim.setContract('default'));

  it('reports in Page.scan what a narrowed window really returned, so a caller sees ignored time filters', async () => {
    const honoured = await collect(client().queryOrders(DEMO, { range: HOUR, timeZone: ZONE }));
    expect(honoured.every((p) => p.scan?.outside === 0)).toBe(true);
    running.sim.setContract({ timeFilters: 'ignored' });
    const ignored = await collect(client().queryOrders(DEMO, { range: HOUR, timeZone: ZONE }));
    expect(ignored.reduce((n, p) => n + (p.scan?.outside ?? 0), 0)).toBeGreaterThan(0);
    expect(ignored[0]?.totalResults).toBeGreaterThan(honoured[0]?.totalResults ?? 0);
    // The records are still filtered to the exact range: the same set either way.
    const ids = (pages: typeof honoured) => pages.flatMap((p) => p.records.map((r) => r.orderId)).sort();
    expect(ids(ignored)).toEqual(ids(honoured));
    for (const page of ignored) expect(page.scan?.received).toBe(page.scan?.dates.length);
  });

  it('sends sortBy/sortDir and shows the order as sent, honoured or not', async () => {
    const day = { start: new Date('2026-03-09T05:00:00Z'), end: new Date('2026-03-10T03:59:59Z') };
    const query = { range: day, timeZone: ZONE, sortDir: 0 as const, sortBy: 'dateCreated' as const };
    const [sorted] = await collect(client().queryOrders(DEMO, query));
    const dates = sorted?.scan?.dates ?? [];
    expect(dates.length).toBeGreaterThan(10);
    expect([...dates].sort().reverse()).toEqual(dates);
    const sent = running.sim.requestLog().at(-1)?.params;
    expect(sent).toMatchObject({ sortBy: 'dateCreated', sortDir: '0' });
    running.sim.setContract({ sorting: 'ignored' });
    const [unsorted] = await collect(client().queryOrders(DEMO, query));
    expect(unsorted?.scan?.dates).toEqual([...(unsorted?.scan?.dates ?? [])].sort());
    expect(unsorted?.scan?.dates).not.toEqual(dates);
  });

  it('resumes a walk at a given page and stops at the same total', async () => {
    const range = { start: SEED_FROM, end: new Date('2026-03-06T23:00:00Z') };
    const all = await collect(client().queryOrders(DEMO, { range, timeZone: ZONE, resultsPerPage: 10 }));
    expect(all.length).toBeGreaterThan(3);
    const resumed = await collect(
      client().queryOrders(DEMO, { range, timeZone: ZONE, resultsPerPage: 10, page: 3 }),
    );
    expect(resumed.map((p) => p.page)).toEqual(all.slice(2).map((p) => p.page));
    expect(resumed.flatMap((p) => p.records.map((r) => r.orderId))).toEqual(
      all.slice(2).flatMap((p) => p.records.map((r) => r.orderId)),
    );
  });

  it('keeps a slow page within the caller deadline and per-call timeout, without retrying past it', async () => {
    running.sim.setContract({ pageLatency: { minMs: 400, maxMs: 400 } });
    const slow = client({ queryTimeoutMs: 100 });
    // The per-call timeout overrides the client's default: the slow page is read.
    const pages = await collect(
      slow.queryOrders(DEMO, { range: HOUR, timeZone: ZONE }, { timeoutMs: 5_000 }),
    );
    expect(pages.length).toBeGreaterThan(0);
    running.sim.clearRequestLog();
    const late = await collect(
      client({ retry: { maxAttempts: 4 } }).queryOrders(
        DEMO,
        { range: HOUR, timeZone: ZONE },
        { deadline: Date.now() + 150, timeoutMs: 60_000 },
      ),
    ).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(KonnektiveTransientError);
    // No attempt starts once the deadline has passed.
    expect(running.sim.requestLog().filter((r) => r.endpoint === 'order/query').length).toBeLessThanOrEqual(
      2,
    );
    const expired = await collect(
      client().queryOrders(DEMO, { range: HOUR, timeZone: ZONE }, { deadline: Date.now() - 1 }),
    ).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(KonnektiveTransientError);
    expect((expired as Error).message).toMatch(/deadline/);
  });

  it('lists campaigns when the account wants dates on campaign/query (asks again with a wide range)', async () => {
    running.sim.setContract({ campaignDates: 'required' });
    const campaigns = (await collect(client().queryCampaigns(DEMO))).flatMap((p) => p.records);
    expect(campaigns.length).toBeGreaterThan(0);
    const calls = running.sim.requestLog().filter((r) => r.endpoint === 'campaign/query');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.params.startDate).toBeUndefined();
    expect(calls[1]?.params.startDate).toBe('01/01/2000');
  });

  it('counts over many days in one query with whole-days range calls (dates only, no times)', async () => {
    // 03/05 00:00 to 03/09 23:59:59 in New York.
    const range = { start: new Date('2026-03-05T05:00:00Z'), end: new Date('2026-03-10T03:59:59Z') };
    let page: Page<OrderRecord> | undefined;
    for await (const first of client().queryOrders(DEMO, {
      range,
      timeZone: ZONE,
      resultsPerPage: 200,
      rangeCalls: 'whole-days',
    })) {
      page = first;
      break;
    }
    const sent = running.sim.requestLog().filter((r) => r.endpoint === 'order/query');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toMatchObject({ startDate: '03/05/2026', endDate: '03/09/2026' });
    expect(sent[0]?.params.startTime).toBeUndefined();
    const perDay = await collect(client().queryOrders(DEMO, { range, timeZone: ZONE }));
    const firsts = perDay.filter((p) => p.page === 1);
    expect(firsts.length).toBeGreaterThan(1);
    expect(page?.totalResults).toBe(firsts.reduce((n, p) => n + p.totalResults, 0));
  });

  it('with dateFallback off, reports campaign/query wanting dates instead of asking again', async () => {
    running.sim.setContract({ campaignDates: 'required' });
    const refused = await collect(client().queryCampaigns(DEMO, { dateFallback: false })).catch(
      (e: unknown) => e,
    );
    expect((refused as Error).message).toMatch(/startDate is required/);
    expect(running.sim.requestLog().filter((r) => r.endpoint === 'campaign/query')).toHaveLength(1);
  });
});
