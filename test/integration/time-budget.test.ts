/**
 * Time budgets over HTTP: `npm start`'s runtime in-process against the simulator, API invocations given a short
 * time (as a Lambda would have), and the client's own limits left at the deployed 30 s per attempt. The simulator
 * hangs on one endpoint at a time; every API route that reads or writes through it answers 503
 * KONNEKTIVE_UNAVAILABLE with Retry-After before the invocation's time is up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TIME_LIMITS } from '../../functions/handlers/catalog.js';
import { DEMO_USER } from '../../local/simulator/index.js';
import { type Harness, startHarness } from './runtime-harness.js';

/** The invocation's time: 1.5 s for Konnektive after the answer margin. */
const API_TIMEOUT_MS = API_TIME_LIMITS.answerMarginMs + 1_500;

let h: Harness;
let token: string;

beforeAll(async () => {
  h = await startHarness({
    apiTimeoutMs: API_TIMEOUT_MS,
    handlerEnv: { KONNEKTIVE_QUERY_TIMEOUT_MS: '30000', KONNEKTIVE_WRITE_TIMEOUT_MS: '30000' },
  });
  token = await h.connect();
});
afterAll(async () => {
  await h?.stop();
});

const raw = async (method: string, path: string, body?: unknown, bearer: string | undefined = token) => {
  const started = Date.now();
  const response = await fetch(`${h.runtime.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    elapsedMs: Date.now() - started,
  };
};

describe('a Konnektive that hangs on one endpoint', () => {
  it.each([
    ['POST /sessions', 'order/query', () => raw('POST', '/sessions', { ...DEMO_USER }, undefined)],
    ['GET /triggers/order/samples', 'order/query', () => raw('GET', '/triggers/order/samples?type=NEW_SALE')],
    ['GET /orders', 'order/query', () => raw('GET', '/orders?emailAddress=nobody%40example.com')],
    ['GET /customers', 'customer/query', () => raw('GET', '/customers?emailAddress=nobody%40example.com')],
    ['GET /campaigns', 'campaign/query', () => raw('GET', '/campaigns')],
    ['GET /campaigns/1/products', 'campaign/query', () => raw('GET', '/campaigns/1/products')],
    ['POST /contract-probe', 'order/query', () => raw('POST', '/contract-probe')],
    [
      'POST /actions/update_customer',
      'customer/update',
      () => raw('POST', '/actions/update_customer', { customerId: 1, firstName: 'Jane' }),
    ],
  ])(
    '%s (%s hangs): 503 KONNEKTIVE_UNAVAILABLE with Retry-After, in time',
    async (_route, endpoint, call) => {
      h.sim.setFaults({ hangRate: 1, hangMs: 120_000, endpoints: [endpoint] });
      try {
        const answer = await call();
        expect(answer.status, JSON.stringify(answer.body)).toBe(503);
        expect(answer.body.code).toBe('KONNEKTIVE_UNAVAILABLE');
        expect(Number(answer.retryAfter)).toBeGreaterThan(0);
        expect(answer.elapsedMs).toBeLessThan(API_TIMEOUT_MS);
      } finally {
        h.sim.setFaults({ hangRate: 0, endpoints: null });
      }
    },
  );

  it('once Konnektive answers again, the same routes work', async () => {
    expect((await raw('GET', '/campaigns')).status).toBe(200);
    expect((await raw('GET', '/orders?emailAddress=nobody%40example.com')).status).toBe(200);
  });
});
