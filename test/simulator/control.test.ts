import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningSimulator, Simulator } from '../../local/simulator/index.js';
import {
  api,
  BUYER,
  DEMO,
  errorMessage,
  saleParams,
  send,
  startTestSim,
  successObject,
  TEST_CARD,
} from './helpers.js';

const control = async (
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(response.headers.get('content-type')).toBe('application/json');
  return { status: response.status, body: z.record(z.string(), z.unknown()).parse(await response.json()) };
};

describe('simulator determinism and seeding', () => {
  const FROZEN = '2026-10-01T12:00:00Z';
  const seedRange = { count: 300, from: '2026-09-01T00:00:00Z', to: '2026-09-30T23:59:59Z' };

  it('gives the same records for the same seed and calls, and different ids for another seed', () => {
    const a = new Simulator({ seed: 42, clock: { now: FROZEN } });
    const b = new Simulator({ seed: 42, clock: { now: FROZEN } });
    const c = new Simulator({ seed: 43, clock: { now: FROZEN } });
    for (const sim of [a, b, c]) {
      sim.seed(seedRange);
      sim.createLead({ ...BUYER });
      sim.importOrder(saleParams({ ...BUYER, emailAddress: 'second@example.com' }));
    }
    expect(a.listOrders()).toEqual(b.listOrders());
    expect(a.listTransactions()).toEqual(b.listTransactions());
    const idsA = a.listOrders().map((o) => o.orderId);
    const idsC = c.listOrders().map((o) => o.orderId);
    expect(idsA).toHaveLength(302);
    expect(idsA).not.toEqual(idsC);
    // reset restarts the id stream: the same calls give the same ids again.
    const first = a.listOrders().map((o) => o.orderId);
    a.reset();
    a.seed(seedRange);
    expect(a.listOrders().map((o) => o.orderId)).toEqual(first.slice(0, 300));
  });

  it('gives the same ids over HTTP for the same seed and the same calls', async () => {
    const make = async () => {
      const running = await startTestSim({ seed: 7 });
      try {
        const out: unknown[] = [];
        const lead = successObject(await api(running.url, '/leads/import/', { campaignId: 2, ...BUYER }));
        out.push(lead.orderId, lead.customerId);
        const sale = successObject(
          await api(
            running.url,
            '/order/import/',
            saleParams({ orderId: String(lead.orderId), campaignId: 2, product1_id: 201 }),
          ),
        );
        out.push(sale.transactionId, sale.merchantTxnId);
        return out;
      } finally {
        await running.close();
      }
    };
    expect(await make()).toEqual(await make());
  });

  it('seeds a realistic mix within the range', () => {
    const sim = new Simulator({ seed: 9, clock: { now: FROZEN } });
    const summary = sim.seed(seedRange);
    expect(summary.orders).toBe(300);
    const orders = sim.listOrders();
    const statuses = new Set(orders.map((o) => o.orderStatus));
    for (const status of ['PARTIAL', 'COMPLETE', 'DECLINED', 'CANCELLED', 'REFUNDED'])
      expect(statuses).toContain(status);
    const txns = sim.listTransactions();
    const kinds = new Set(txns.map((t) => `${t.txnType}/${t.responseType}`));
    for (const kind of ['SALE/SUCCESS', 'SALE/HARD_DECLINE', 'SALE/SOFT_DECLINE', 'REFUND/SUCCESS'])
      expect(kinds).toContain(kind);
    expect(txns).toHaveLength(summary.transactions);
    // Converted leads keep dateCreated and move dateUpdated; every stamp stays in the range (account zone).
    expect(orders.some((o) => o.orderStatus === 'COMPLETE' && o.dateUpdated > o.dateCreated)).toBe(true);
    for (const o of orders) {
      expect(o.dateCreated >= '2026-08-31 20:00:00' && String(o.dateUpdated) <= '2026-09-30 19:59:59').toBe(
        true,
      );
    }
    expect(
      orders.some((o) => (o.fulfillments as Array<{ status: string }>).some((f) => f.status === 'SHIPPED')),
    ).toBe(true);
    expect(() => sim.seed({ count: -1, from: seedRange.from, to: seedRange.to })).toThrow(/count/);
    expect(() => sim.seed({ count: 1, from: seedRange.to, to: seedRange.from })).toThrow(/from/);
  });

  it('rejects bad options with a clear error', () => {
    expect(() => new Simulator({ timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone "Mars\/Olympus"/);
    expect(() => new Simulator({ faults: { errorRate: 2 } })).toThrow(/errorRate/);
    expect(() => new Simulator({ clock: { now: 'not a date' } })).toThrow(/clock/);
  });

  it('formats record times in the configured zone', () => {
    const sim = new Simulator({ timeZone: 'America/Los_Angeles', clock: { now: '2026-01-15T20:00:00Z' } });
    const lead = successObject(sim.createLead({ ...BUYER }));
    expect(lead.dateCreated).toEqual({
      date: '2026-01-15 12:00:00.000000',
      timezone_type: 3,
      timezone: 'America/Los_Angeles',
    });
  });
});

describe('simulator clock', () => {
  it('follows real time by default, freezes on set, moves on advance, and returns to real time', async () => {
    const sim = new Simulator();
    const before = Date.now();
    expect(sim.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(sim.clock.frozen).toBe(false);
    sim.setClock('2026-03-01T00:00:00Z');
    const frozen = sim.now().getTime();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sim.now().getTime()).toBe(frozen);
    sim.advanceClock(90_000);
    expect(sim.now().toISOString()).toBe('2026-03-01T00:01:30.000Z');
    expect(sim.localNow()).toBe('2026-02-28 19:01:30');
    const lead = successObject(sim.createLead({ ...BUYER }));
    expect(lead.dateUpdated).toBe('2026-02-28 19:01:30');
    sim.setClock('2030-01-01T00:00:00Z', true);
    expect(sim.clock.frozen).toBe(false);
    expect(sim.now().getUTCFullYear()).toBe(2030);
    sim.useRealClock();
    expect(Math.abs(sim.now().getTime() - Date.now())).toBeLessThan(60_000);
    sim.advanceClock(3_600_000);
    expect(sim.now().getTime() - Date.now()).toBeGreaterThan(3_500_000);
  });
});

describe('simulator control routes (/_sim/)', () => {
  let running: RunningSimulator;

  beforeAll(async () => {
    running = await startTestSim({ seed: 13 });
  });
  beforeEach(async () => {
    expect((await control(running.url, 'POST', '/_sim/reset')).status).toBe(200);
    await control(running.url, 'POST', '/_sim/clock', { now: '2026-04-20T14:00:00Z' });
  });
  afterAll(() => running.close());

  it('sets, reads and advances the clock, and returns to real time', async () => {
    expect((await control(running.url, 'GET', '/_sim/clock')).body).toEqual({
      now: '2026-04-20T14:00:00.000Z',
      local: '2026-04-20 10:00:00',
      timeZone: 'America/New_York',
      frozen: true,
    });
    expect((await control(running.url, 'POST', '/_sim/clock', { advanceMs: 60_000 })).body.local).toBe(
      '2026-04-20 10:01:00',
    );
    const real = await control(running.url, 'POST', '/_sim/clock', { real: true });
    expect(real.body.frozen).toBe(false);
    expect(Math.abs(Date.parse(String(real.body.now)) - Date.now())).toBeLessThan(60_000);
    for (const bad of [
      {},
      { now: 'soon' },
      { advanceMs: 'x' },
      { real: false },
      { now: '2026-01-01', extra: 1 },
    ]) {
      const answer = await control(running.url, 'POST', '/_sim/clock', bad);
      expect(answer.status).toBe(400);
      expect(typeof answer.body.error).toBe('string');
    }
  });

  it('creates traffic without credentials: leads, sales, cancel, refund, fulfillment', async () => {
    const lead = await control(running.url, 'POST', '/_sim/leads', { campaignId: 3 });
    expect(lead.status).toBe(200);
    const leadMessage = z
      .object({ orderId: z.string(), orderStatus: z.literal('PARTIAL') })
      .parse(lead.body.message);
    const sale = await control(running.url, 'POST', '/_sim/sales', {
      orderId: leadMessage.orderId,
      product1_id: 301,
    });
    expect(sale.body.result).toBe('SUCCESS');
    const direct = await control(running.url, 'POST', '/_sim/sales', {});
    const directId = z.object({ orderId: z.string() }).parse(direct.body.message).orderId;
    const refund = await control(running.url, 'POST', `/_sim/orders/${leadMessage.orderId}/refund`, {
      amount: 5,
    });
    expect(refund.body).toMatchObject({ result: 'SUCCESS', message: { refundAmount: '5.00' } });
    const ship = await control(running.url, 'POST', `/_sim/orders/${directId}/fulfillment`, {
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: 'TRK1',
      dateShipped: '04/20/2026',
    });
    expect(ship.body.result).toBe('SUCCESS');
    const cancel = await control(running.url, 'POST', `/_sim/orders/${directId}/cancel`, {
      reason: 'demo',
      fullRefund: true,
    });
    expect(cancel.body).toMatchObject({ result: 'SUCCESS', message: { orderStatus: 'CANCELLED' } });
    const orders = z
      .object({ orders: z.array(z.object({ orderId: z.string(), orderStatus: z.string() })) })
      .parse((await control(running.url, 'GET', '/_sim/orders')).body);
    expect(orders.orders.map((o) => o.orderStatus)).toEqual(['COMPLETE', 'CANCELLED']);
    const one = await control(running.url, 'GET', `/_sim/orders/${directId}`);
    expect(one.body.orderId).toBe(directId);
    const txns = z
      .object({ transactions: z.array(z.object({ txnType: z.string() })) })
      .parse((await control(running.url, 'GET', '/_sim/transactions')).body);
    expect(txns.transactions.map((t) => t.txnType)).toEqual(['SALE', 'SALE', 'REFUND', 'REFUND']);
    expect((await control(running.url, 'POST', '/_sim/orders/NOPE000000/cancel', {})).status).toBe(404);
    expect(
      (await control(running.url, 'POST', `/_sim/orders/${directId}/refund`, { amount: -1 })).status,
    ).toBe(400);
    expect((await control(running.url, 'POST', '/_sim/leads', { nested: { no: 1 } })).status).toBe(400);
    expect((await control(running.url, 'POST', '/_sim/leads', [1])).status).toBe(400);
    expect((await control(running.url, 'GET', '/_sim/nothing')).status).toBe(404);
  });

  it('seeds over HTTP', async () => {
    const answer = await control(running.url, 'POST', '/_sim/seed', {
      count: 40,
      from: '2026-04-01T00:00:00Z',
      to: '2026-04-10T00:00:00Z',
      seed: 5,
    });
    expect(answer.body).toMatchObject({ orders: 40 });
    expect((await control(running.url, 'GET', '/_sim/status')).body.counts).toMatchObject({ orders: 40 });
    expect((await control(running.url, 'POST', '/_sim/seed', { count: 'many' })).status).toBe(400);
    expect(
      (await control(running.url, 'POST', '/_sim/seed', { count: 1, from: '2026-05-01', to: '2026-04-01' }))
        .status,
    ).toBe(400);
  });

  it('adds and updates users', async () => {
    const added = await control(running.url, 'POST', '/_sim/users', {
      loginId: 'zap-user',
      password: 'zap-pass-1',
      permissions: ['Query Orders'],
    });
    expect(added.status).toBe(200);
    expect(JSON.stringify(added.body)).not.toContain('zap-pass-1');
    const creds = { loginId: 'zap-user', password: 'zap-pass-1' };
    expect(errorMessage(await api(running.url, '/campaign/query/', creds))).toMatch(/Query Campaigns/);
    await control(running.url, 'POST', '/_sim/users', { loginId: 'zap-user', permissions: '*' });
    expect((await api(running.url, '/campaign/query/', creds)).result).toBe('SUCCESS');
    expect((await control(running.url, 'POST', '/_sim/users', { loginId: 'new-one' })).status).toBe(400);
    expect(
      (
        await control(running.url, 'POST', '/_sim/users', {
          loginId: 'x',
          password: 'y',
          permissions: ['Everything'],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await control(running.url, 'POST', '/_sim/users', {
          loginId: 'x',
          password: 'y',
          allowedIps: ['nope'],
        })
      ).status,
    ).toBe(400);
  });

  it('logs requests without passwords or full card numbers, and clears the log', async () => {
    await api(running.url, '/order/import/', saleParams({ ...BUYER }));
    await api(running.url, '/order/query/', { orderId: 'ABC' }, 'get');
    await send(running.url, '/order/query', { ...DEMO }, 'get');
    const log = z
      .object({
        requests: z.array(
          z.object({
            at: z.string(),
            method: z.string(),
            path: z.string(),
            endpoint: z.string().nullable(),
            params: z.record(z.string(), z.string()),
            ip: z.string(),
            result: z.string(),
            status: z.number(),
          }),
        ),
      })
      .parse((await control(running.url, 'GET', '/_sim/requests')).body);
    expect(log.requests.map((r) => [r.method, r.endpoint, r.result, r.status])).toEqual([
      ['POST', 'order/import', 'SUCCESS', 200],
      ['GET', 'order/query', 'ERROR', 200],
      ['GET', null, 'NOT_FOUND', 404],
    ]);
    const sale = log.requests[0];
    expect(sale?.params.loginId).toBe(DEMO.loginId);
    expect(sale?.params).not.toHaveProperty('password');
    expect(sale?.params).not.toHaveProperty('cardSecurityCode');
    expect(sale?.params.cardNumber).toBe('************0000');
    expect(sale?.ip).toBe('127.0.0.1');
    expect(sale?.at).toBe('2026-04-20T14:00:00.000Z');
    const text = JSON.stringify(log);
    expect(text).not.toContain(DEMO.password);
    expect(text).not.toContain(TEST_CARD.cardNumber);
    expect(running.sim.requestLog()).toHaveLength(3);
    await control(running.url, 'DELETE', '/_sim/requests');
    expect(running.sim.requestLog()).toEqual([]);
  });
});
