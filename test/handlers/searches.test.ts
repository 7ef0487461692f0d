/**
 * GET /orders and GET /customers through the real middy chain: the answers and every error status they can give.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  KonnektiveAuthError,
  KonnektiveNotWhitelistedError,
  KonnektiveTransientError,
} from '../../functions/core/konnektive.js';
import { customerSchema, orderSchema } from '../../functions/core/records/schemas.js';
import { createSession } from '../../functions/core/session/create-session.js';
import { createSessionRequestSchema } from '../../functions/core/session/schemas.js';
import { createFindCustomersHandler } from '../../functions/handlers/find-customers.js';
import { createFindOrdersHandler } from '../../functions/handlers/find-orders.js';
import { createAuthenticator } from '../../functions/platform/http.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { createFakes, type Fakes, order } from '../support/fakes.js';

const EGRESS = ['203.0.113.10'];
const EMAIL = 'jane.sample@example.com';

let fakes: Fakes;
let token: string;

beforeEach(async () => {
  fakes = createFakes('2026-07-01T12:00:00Z');
  token = (
    await createSession(
      { ...fakes, egressIps: EGRESS },
      createSessionRequestSchema.parse({ loginId: 'search-user', password: 'fake-pass-4' }),
    )
  ).token;
  fakes.konnektive.calls.length = 0;
  const wall = (daysAgo: number) =>
    fakes.konnektive.wall(new Date(fakes.clock.now().getTime() - daysAgo * 86_400_000));
  fakes.konnektive.orders.push(
    order({ orderId: 'AAAAAAAAA1', dateCreated: wall(5), emailAddress: EMAIL }),
    order({ orderId: 'AAAAAAAAA2', dateCreated: wall(1), emailAddress: EMAIL }),
  );
  fakes.konnektive.customers.push({
    customerId: 42,
    emailAddress: EMAIL,
    phoneNumber: '555-0100',
    dateCreated: wall(30),
    dateUpdated: wall(1),
  });
});

const deps = () => ({
  ...fakes,
  authenticate: createAuthenticator({ tokens: fakes.tokens, connections: fakes.connections }),
  egressIps: EGRESS,
});

const get = (
  path: '/orders' | '/customers',
  query: Record<string, string>,
  bearer: string | null = token,
) => {
  const event = apiEvent({ method: 'GET', path, query, ...(bearer === null ? {} : { token: bearer }) });
  const handler = path === '/orders' ? createFindOrdersHandler(deps()) : createFindCustomersHandler(deps());
  return handler(event, lambdaContext());
};

const expectError = (result: { statusCode?: number; body?: string }, statusCode: number, code: string) => {
  expect(result.statusCode).toBe(statusCode);
  const body = bodyOf(result);
  expect(body.code).toBe(code);
  expect(result.body).not.toMatch(/\n\s+at /);
  return body;
};

describe('GET /orders', () => {
  it('200 {results}: the matching orders, newest first, each as the record serializer writes it', async () => {
    const result = await get('/orders', { emailAddress: EMAIL });
    expect(result.statusCode).toBe(200);
    const { results } = bodyOf(result) as { results: unknown[] };
    expect(results.map((item) => orderSchema.parse(item).orderId)).toEqual(['AAAAAAAAA2', 'AAAAAAAAA1']);
    expect(results[0]).toMatchObject({ id: 'AAAAAAAAA2', connection: 'search-user', items: [] });
  });

  it('200 with [] when nothing matches', async () => {
    expect(bodyOf(await get('/orders', { orderId: 'FFFFFFFFFF' }))).toEqual({ results: [] });
  });

  it('422 VALIDATION_FAILED naming the fields when no filter is given, without asking Konnektive', async () => {
    const body = expectError(await get('/orders', {}), 422, 'VALIDATION_FAILED');
    expect(Object.keys(body.fields as object)).toEqual(['orderId', 'emailAddress', 'phoneNumber']);
    expect(body.message).toMatch(/orderId: at least one of these is required/);
    expectError(await get('/orders', { emailAddress: 'not-an-email' }), 422, 'VALIDATION_FAILED');
    expect(fakes.konnektive.calls).toEqual([]);
  });

  it('401 without a token; 403 CREDENTIALS_REJECTED (and the connection marked) when Konnektive refuses the password', async () => {
    expectError(await get('/orders', { emailAddress: EMAIL }, null), 401, 'UNAUTHORIZED');
    fakes.konnektive.failNext(
      'queryOrders',
      new KonnektiveAuthError('Could not authenticate credentials', 'order/query'),
    );
    expectError(await get('/orders', { emailAddress: EMAIL }), 403, 'CREDENTIALS_REJECTED');
    expectError(await get('/orders', { emailAddress: EMAIL }), 403, 'CREDENTIALS_REJECTED');
    expect(fakes.konnektive.callsTo('queryOrders')).toHaveLength(1);
  });

  it('503 KONNEKTIVE_UNAVAILABLE with Retry-After when Konnektive is down (a read: safe to retry)', async () => {
    fakes.konnektive.failNext('queryOrders', new KonnektiveTransientError('timed out', 'order/query'));
    const result = await get('/orders', { orderId: 'AAAAAAAAA1' });
    expectError(result, 503, 'KONNEKTIVE_UNAVAILABLE');
    expect(result.headers?.['Retry-After']).toBe('30');
  });
});

describe('GET /customers', () => {
  it('200 {results} by email or phone; every given filter must match', async () => {
    const { results } = bodyOf(await get('/customers', { emailAddress: EMAIL })) as { results: unknown[] };
    expect(results.map((item) => customerSchema.parse(item).id)).toEqual(['42']);
    expect(bodyOf(await get('/customers', { emailAddress: EMAIL, phoneNumber: '555-0199' }))).toEqual({
      results: [],
    });
  });

  it('422 without a filter; 403 PERMISSION_DENIED or IP_NOT_WHITELISTED from Konnektive', async () => {
    expectError(await get('/customers', { orderId: 'AAAAAAAAA1' }), 422, 'VALIDATION_FAILED');
    fakes.konnektive.deny('queryCustomers');
    const denied = expectError(
      await get('/customers', { phoneNumber: '555-0100' }),
      403,
      'PERMISSION_DENIED',
    );
    expect(denied.missingPermissions).toEqual(['Query Customers']);
    fakes.konnektive.failNext(
      'queryCustomers',
      new KonnektiveNotWhitelistedError(
        'IP must be whitelisted - 198.51.100.7',
        'customer/query',
        '198.51.100.7',
      ),
    );
    expect(
      expectError(await get('/customers', { phoneNumber: '555-0100' }), 403, 'IP_NOT_WHITELISTED').egressIps,
    ).toEqual(EGRESS);
  });
});
