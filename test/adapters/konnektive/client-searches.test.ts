/**
 * The Konnektive client's lookups (what `GET /orders`, `GET /customers` and the read-back after an action use):
 * the wire parameters they send (scripted fetch), and the same calls against the simulator over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KonnektiveClient } from '../../../functions/adapters/konnektive/konnektive-client.js';
import { type KonnektiveCredentials, KonnektiveValidationError } from '../../../functions/core/konnektive.js';
import { type RunningSimulator, startSimulator } from '../../../local/simulator/index.js';
import { CREDS, collect, failure, fakeFetch, listPage, type Reply } from './fake-konnektive.js';

const ZONE = 'America/New_York';

describe('wire parameters', () => {
  const scripted = (...replies: Reply[]) => {
    const fake = fakeFetch(replies);
    return { ...fake, client: new KonnektiveClient({ baseUrl: 'https://k.example', fetch: fake.fetch }) };
  };

  it('order/query with whole-days sends one startDate/endDate pair, no times, and the contact filters', async () => {
    const { client, requests } = scripted(listPage([]));
    await collect(
      client.queryOrders(CREDS, {
        range: { start: new Date('2026-01-01T12:00:00Z'), end: new Date('2026-03-31T15:00:00Z') },
        rangeCalls: 'whole-days',
        emailAddress: ' Jane@Example.com ',
        phoneNumber: '555-0100',
        timeZone: ZONE,
        sortDir: 0,
      }),
    );
    expect(requests).toHaveLength(1);
    const form = Object.fromEntries(requests[0]?.form ?? []);
    expect(form).toMatchObject({
      startDate: '01/01/2026',
      endDate: '03/31/2026',
      emailAddress: 'Jane@Example.com',
      phoneNumber: '555-0100',
      dateRangeType: 'dateCreated',
      sortDir: '0',
    });
    expect(form).not.toHaveProperty('startTime');
    expect(form).not.toHaveProperty('endTime');
  });

  it('customer/query by customerId alone needs no dates', async () => {
    const { client, requests } = scripted(
      listPage([{ customerId: 1266, firstName: 'Jane', dateCreated: '2026-01-15 10:30:00' }]),
    );
    const pages = await collect(client.queryCustomers(CREDS, { customerId: 1266 }));
    expect(pages[0]?.records).toEqual([
      { customerId: 1266, firstName: 'Jane', dateCreated: '2026-01-15 10:30:00' },
    ]);
    expect(requests[0]?.url).toBe('https://k.example/customer/query/');
    const form = Object.fromEntries(requests[0]?.form ?? []);
    expect(form).toMatchObject({ customerId: '1266' });
    expect(form).not.toHaveProperty('startDate');
  });

  it('customer/query: an email without a range is refused before any call; digit-string ids become numbers; bad records are set aside', async () => {
    const { client, requests } = scripted(
      listPage([{ customerId: '77', dateUpdated: '2026-02-01 00:00:00' }, { firstName: 'no id' }]),
      failure('No customers matching those parameters could be found'),
    );
    await expect(
      collect(client.queryCustomers(CREDS, { emailAddress: 'a@example.com' })),
    ).rejects.toBeInstanceOf(KonnektiveValidationError);
    expect(requests).toHaveLength(0);
    const range = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') };
    const [page] = await collect(
      client.queryCustomers(CREDS, {
        emailAddress: 'a@example.com',
        range,
        rangeCalls: 'whole-days',
        dateRangeType: 'dateUpdated',
      }),
    );
    expect(page?.records).toEqual([{ customerId: 77, dateUpdated: '2026-02-01 00:00:00' }]);
    expect(page?.rejected).toHaveLength(1);
    expect(Object.fromEntries(requests[0]?.form ?? [])).toMatchObject({ dateRangeType: 'dateUpdated' });
    // An empty answer is an empty page.
    const empty = await collect(client.queryCustomers(CREDS, { customerId: 5 }));
    expect(empty.map((p) => p.records)).toEqual([[]]);
  });
});

describe('against the simulator', () => {
  const DEMO: KonnektiveCredentials = { loginId: 'demo-api-user', password: 'demo-password-123' };
  let running: RunningSimulator;
  let client: KonnektiveClient;

  beforeAll(async () => {
    running = await startSimulator({
      port: 0,
      seed: 11,
      clock: { now: '2026-03-10T12:00:00Z' },
      timeZone: ZONE,
    });
    client = new KonnektiveClient({ baseUrl: running.url, sleep: async () => undefined });
  });

  afterAll(async () => {
    await running?.close();
  });

  it("finds a buyer's orders by email over months in one call, and the buyer by email and by customerId", async () => {
    const buyer = {
      emailAddress: 'search.me@example.com',
      phoneNumber: '555-0177',
      firstName: 'Sea',
      lastName: 'Rch',
    };
    const first = running.sim.importOrder(buyer);
    running.sim.advanceClock(86_400_000);
    const second = running.sim.importOrder(buyer);
    running.sim.importOrder({ emailAddress: 'someone.else@example.com' });
    running.sim.clearRequestLog();

    const now = running.sim.now();
    const range = { start: new Date(now.getTime() - 90 * 86_400_000), end: now };
    const pages = await collect(
      client.queryOrders(DEMO, {
        range,
        rangeCalls: 'whole-days',
        emailAddress: 'SEARCH.ME@example.com',
        timeZone: ZONE,
        sortDir: 0,
      }),
    );
    const ids = pages.flatMap((page) => page.records.map((record) => record.orderId));
    const orderIdOf = (envelope: { message: unknown }) =>
      String((envelope.message as { orderId: string }).orderId);
    expect(ids.sort()).toEqual([orderIdOf(first), orderIdOf(second)].sort());
    expect(running.sim.requestLog().map((entry) => entry.endpoint)).toEqual(['order/query']);

    const byEmail = await collect(
      client.queryCustomers(DEMO, {
        range,
        rangeCalls: 'whole-days',
        dateRangeType: 'dateUpdated',
        emailAddress: buyer.emailAddress,
        timeZone: ZONE,
      }),
    );
    const customers = byEmail.flatMap((page) => page.records);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ emailAddress: buyer.emailAddress, phoneNumber: buyer.phoneNumber });
    const customerId = customers[0]?.customerId;
    expect(typeof customerId).toBe('number');

    const byId = await collect(client.queryCustomers(DEMO, { customerId, timeZone: ZONE }));
    expect(byId.flatMap((page) => page.records)).toEqual(customers);
  });
});
