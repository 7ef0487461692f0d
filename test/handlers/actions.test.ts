/**
 * POST /actions/{action} through the real middy chain: every status of docs/http-api.md this route can produce,
 * idempotent replays, and the logs never carrying credentials, card data or tokens.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Logs on (vitest's config silences them; the logger reads its level once, when created): every line is captured
// below and checked for secrets.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import type { MetricSink } from '../../functions/core/actions/observability.js';
import {
  KonnektiveAuthError,
  KonnektiveDeclinedError,
  KonnektiveNotFoundError,
  KonnektiveNotWhitelistedError,
  KonnektiveRedirectError,
  KonnektiveTransientError,
} from '../../functions/core/konnektive.js';
import { customerSchema, orderSchema } from '../../functions/core/records/schemas.js';
import { createSession } from '../../functions/core/session/create-session.js';
import { createSessionRequestSchema } from '../../functions/core/session/schemas.js';
import { createRunActionHandler } from '../../functions/handlers/run-action.js';
import { createAuthenticator, MAX_BODY_BYTES } from '../../functions/platform/http.js';
import { logger } from '../../functions/platform/observability.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { createFakes, type Fakes } from '../support/fakes.js';

const EGRESS = ['203.0.113.10', '203.0.113.11'];
const PASSWORD = 'fake-secret-pass-7';
const CARD = '4000000000000002';

const saleBody = (overrides: Record<string, unknown> = {}) => ({
  campaignId: '1',
  firstName: 'Testy',
  lastName: 'McTestface',
  address1: '1 Test Way',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  country: 'US',
  emailAddress: 'testy@example.com',
  cardNumber: '0000000000000000',
  cardMonth: '03',
  cardYear: '2029',
  cardSecurityCode: '100',
  products: [{ id: '101', qty: '1' }],
  ...overrides,
});

let fakes: Fakes;
let token: string;
let counted: Array<[string, Record<string, string>]>;

const connect = async (loginId: string) => {
  fakes.konnektive.validCredentials = undefined;
  const session = await createSession(
    { ...fakes, egressIps: EGRESS },
    createSessionRequestSchema.parse({ loginId, password: PASSWORD }),
  );
  fakes.konnektive.calls.length = 0;
  return session;
};

/** Every line the logger prints, captured at its Console (bound to the process streams at construction). */
let lines: string[];

beforeEach(async () => {
  lines = [];
  const sink = (
    logger as unknown as { console: Record<'log' | 'info' | 'warn' | 'error' | 'debug', unknown> }
  ).console;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(sink as Record<typeof method, (...args: unknown[]) => void>, method).mockImplementation(
      (...args) => {
        lines.push(args.map(String).join(' '));
      },
    );
  }
  fakes = createFakes();
  token = (await connect('tenant-a')).token;
  counted = [];
});

afterEach(() => {
  vi.restoreAllMocks();
});

const handler = () => {
  const metrics: MetricSink = { count: (name, dimensions) => counted.push([name, dimensions]) };
  return createRunActionHandler({
    ...fakes,
    authenticate: createAuthenticator({ tokens: fakes.tokens, connections: fakes.connections }),
    egressIps: EGRESS,
    metrics,
  });
};

const post = (
  action: string,
  body: unknown,
  options: { key?: string; token?: string | null; rawBody?: string } = {},
) =>
  handler()(
    apiEvent({
      method: 'POST',
      path: `/actions/${action}`,
      routeKey: 'POST /actions/{action}',
      pathParameters: { action },
      body,
      ...(options.rawBody === undefined ? {} : { rawBody: options.rawBody }),
      headers: options.key === undefined ? {} : { 'Idempotency-Key': options.key },
      ...(options.token === null ? {} : { token: options.token ?? token }),
    }),
    lambdaContext(),
  );

const expectError = (
  result: { statusCode?: number; body?: string },
  statusCode: number,
  code: string,
): Record<string, unknown> => {
  expect(result.statusCode).toBe(statusCode);
  const body = bodyOf(result);
  expect(body.code).toBe(code);
  expect((body.message as string).length).toBeLessThanOrEqual(250);
  expect(result.body).not.toMatch(/\n\s+at /);
  return body;
};

describe('POST /actions/{action}: success', () => {
  it("200 with the resource's new state for each action: the order, or the customer", async () => {
    const sale = await post('create_sale', saleBody(), { key: 'k1' });
    expect(sale.statusCode).toBe(200);
    const order = orderSchema.parse(bodyOf(sale));
    expect(order).toMatchObject({
      orderStatus: 'COMPLETE',
      campaignId: 1,
      cardLast4: '0000',
      connection: 'tenant-a',
    });
    const orderId = order.orderId;
    expect(order.id).toBe(orderId);

    const lead = await post('create_lead', {
      campaignId: 1,
      firstName: 'L',
      lastName: 'M',
      emailAddress: 'l@example.com',
    });
    expect(orderSchema.parse(bodyOf(lead))).toMatchObject({ orderStatus: 'PARTIAL', firstName: 'L' });
    const fulfilled = await post('update_fulfillment', {
      orderId,
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: '1Z999',
      dateShipped: '2026-11-25',
    });
    expect(orderSchema.parse(bodyOf(fulfilled))).toMatchObject({ id: orderId, orderId });
    expect(
      orderSchema.parse(bodyOf(await post('cancel_order', { orderId, cancelReason: 'asked' }))),
    ).toMatchObject({
      orderId,
      orderStatus: 'CANCELLED',
    });
    const customer = customerSchema.parse(
      bodyOf(await post('update_customer', { customerId: order.customerId, city: 'Peoria' })),
    );
    expect(customer).toMatchObject({
      id: String(order.customerId),
      customerId: order.customerId,
      city: 'Peoria',
    });
    expect(fakes.konnektive.callsTo('updateFulfillment')[0]?.args).toMatchObject({
      dateShipped: '11/25/2026',
    });
    expect(counted.filter(([name]) => name === 'ActionCalls').map(([, d]) => d.action)).toEqual([
      'create_sale',
      'create_lead',
      'update_fulfillment',
      'cancel_order',
      'update_customer',
    ]);
  });

  it('a replay with the same key and body answers the stored result with Idempotency-Replayed: true', async () => {
    const first = await post('create_sale', saleBody(), { key: 'replay-1' });
    const again = await post('create_sale', saleBody({ products: [{ id: 101, qty: 1 }] }), {
      key: 'replay-1',
    });
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(again.headers?.['Idempotency-Replayed']).toBe('true');
    expect(first.headers?.['Idempotency-Replayed']).toBeUndefined();
    expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
  });
});

describe('POST /actions/{action}: the error table', () => {
  it('400 MALFORMED_JSON and 413 PAYLOAD_TOO_LARGE, before any Konnektive call', async () => {
    expectError(
      await post('create_sale', undefined, { rawBody: '{"campaignId": 1,' }),
      400,
      'MALFORMED_JSON',
    );
    expectError(
      await post('create_sale', undefined, {
        rawBody: JSON.stringify(saleBody({ pad: 'x'.repeat(MAX_BODY_BYTES) })),
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(fakes.konnektive.calls).toHaveLength(0);
  });

  it('401 UNAUTHORIZED for a missing or unknown token', async () => {
    expectError(await post('create_sale', saleBody(), { token: null }), 401, 'UNAUTHORIZED');
    expectError(await post('create_sale', saleBody(), { token: 'forged-token' }), 401, 'UNAUTHORIZED');
  });

  it('403 CREDENTIALS_REJECTED (never 401) when Konnektive rejects the stored password; later calls stay 403 without Konnektive', async () => {
    fakes.konnektive.failNext(
      'importOrder',
      new KonnektiveAuthError('Could not authenticate credentials', 'order/import'),
    );
    const body = expectError(
      await post('create_sale', saleBody(), { key: 'a1' }),
      403,
      'CREDENTIALS_REJECTED',
    );
    expect(body.message).toMatch(/reconnect/);
    expectError(await post('create_sale', saleBody(), { key: 'a1' }), 403, 'CREDENTIALS_REJECTED');
    expectError(
      await post('cancel_order', { orderId: 'ABC', cancelReason: 'r' }),
      403,
      'CREDENTIALS_REJECTED',
    );
    expect(fakes.konnektive.calls.map((call) => call.method)).toEqual(['importOrder']);
  });

  it('403 IP_NOT_WHITELISTED whose message lists the egress IPs', async () => {
    fakes.konnektive.failNext(
      'importOrder',
      new KonnektiveNotWhitelistedError(
        'IP must be whitelisted - 198.51.100.7',
        'order/import',
        '198.51.100.7',
      ),
    );
    const body = expectError(await post('create_sale', saleBody()), 403, 'IP_NOT_WHITELISTED');
    expect(body.message).toContain('203.0.113.10, 203.0.113.11');
    expect(body.egressIps).toEqual(EGRESS);
  });

  it('403 PERMISSION_DENIED naming the permission', async () => {
    fakes.konnektive.deny('cancelOrder');
    const body = expectError(
      await post('cancel_order', { orderId: 'ABC', cancelReason: 'r' }),
      403,
      'PERMISSION_DENIED',
    );
    expect(body.message).toContain('Cancel Order');
    expect(body.missingPermissions).toEqual(['Cancel Order']);
  });

  it('404 NOT_FOUND for an unknown action and for an unknown order', async () => {
    expectError(await post('delete_everything', {}), 404, 'NOT_FOUND');
    fakes.konnektive.failNext('cancelOrder', new KonnektiveNotFoundError('Order not found', 'order/cancel'));
    const body = expectError(
      await post('cancel_order', { orderId: 'NOPE', cancelReason: 'r' }),
      404,
      'NOT_FOUND',
    );
    expect(body.message).toBe('Order not found');
  });

  it('409 IDEMPOTENCY_IN_PROGRESS with Retry-After while the first request runs', async () => {
    const hold = fakes.konnektive.hold('importOrder');
    const first = post('create_sale', saleBody(), { key: 'busy' });
    await hold.reached;
    const second = await post('create_sale', saleBody(), { key: 'busy' });
    expectError(second, 409, 'IDEMPOTENCY_IN_PROGRESS');
    expect(second.headers?.['Retry-After']).toBeDefined();
    hold.release();
    expect((await first).statusCode).toBe(200);
  });

  it('422 VALIDATION_FAILED names the fields; never a 500 for bad input', async () => {
    const body = expectError(
      await post('create_sale', saleBody({ cardNumber: '4111', country: 'USA', products: [] }), {
        key: 'v1',
      }),
      422,
      'VALIDATION_FAILED',
    );
    expect(Object.keys(body.fields as object)).toEqual(
      expect.arrayContaining(['cardNumber', 'country', 'products']),
    );
    expect(body.message).toContain('cardNumber: must be 12–19 digits');
    for (const raw of [
      'null',
      '[]',
      '"x"',
      '{"products": {"id": {"deep": [1,2]}}}',
      '{"campaignId": {"$gt": 1}}',
    ]) {
      expectError(await post('create_sale', undefined, { rawBody: raw }), 422, 'VALIDATION_FAILED');
    }
    expect(fakes.konnektive.calls).toHaveLength(0);
  });

  it('422 DECLINED with Konnektive’s text; not stored, so the same key is tried again once the card is fixed', async () => {
    fakes.konnektive.failNext(
      'importOrder',
      new KonnektiveDeclinedError('Transaction Declined: Card Declined', 'order/import', 'Card Declined'),
    );
    const first = await post('create_sale', saleBody({ cardNumber: CARD }), { key: 'd1' });
    expect(expectError(first, 422, 'DECLINED').message).toBe('Transaction Declined: Card Declined');
    const fixed = await post('create_sale', saleBody(), { key: 'd1' });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.headers?.['Idempotency-Replayed']).toBeUndefined();
    expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(2);
    expect(counted.filter(([name]) => name === 'ActionErrors')).toHaveLength(1);
  });

  it('422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    await post('create_sale', saleBody(), { key: 'same' });
    expectError(
      await post('create_sale', saleBody({ campaignId: 2 }), { key: 'same' }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expectError(
      await post('create_sale', saleBody(), { key: 'bad key with spaces' }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('422 REDIRECT_REQUIRED when Konnektive wants 3-D Secure', async () => {
    fakes.konnektive.failNext(
      'importOrder',
      new KonnektiveRedirectError('MERC_REDIRECT', 'order/import', { url: 'x' }),
    );
    expectError(await post('create_sale', saleBody()), 422, 'REDIRECT_REQUIRED');
  });

  it('502 OUTCOME_UNKNOWN (never 503) when a sale got no answer: shown to the user, kept under the key, replayed', async () => {
    fakes.konnektive.failNext('importOrder', new KonnektiveTransientError('timed out', 'order/import'));
    const first = await post('create_sale', saleBody(), { key: 't1' });
    const body = expectError(first, 502, 'OUTCOME_UNKNOWN');
    expect(body.message).toMatch(/may or may not have gone through\. Check Konnektive/);
    expect(first.headers?.['Retry-After']).toBeUndefined();
    const replay = await post('create_sale', saleBody(), { key: 't1' });
    expect(replay.statusCode).toBe(502);
    expect(replay.body).toBe(first.body);
    expect(replay.headers).toMatchObject({ 'Idempotency-Replayed': 'true' });
    expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
  });

  it('503 KONNEKTIVE_UNAVAILABLE with Retry-After only when the request never left; 429 with Retry-After when Konnektive throttles', async () => {
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    fakes.konnektive.failNext(
      'importOrder',
      new KonnektiveTransientError('could not be reached', 'order/import', { cause: refused }),
    );
    const down = await post('create_sale', saleBody(), { key: 'n1' });
    expectError(down, 503, 'KONNEKTIVE_UNAVAILABLE');
    expect(down.headers?.['Retry-After']).toBe('30');
    fakes.konnektive.failNext(
      'cancelOrder',
      new KonnektiveTransientError('answered HTTP 429', 'order/cancel', { status: 429 }),
    );
    const throttled = await post('cancel_order', { orderId: 'ABC', cancelReason: 'r' });
    expect(expectError(throttled, 429, 'RATE_LIMITED').message).toMatch(/retry later/);
    expect(throttled.headers?.['Retry-After']).toBe('30');
    // Neither was stored: the retry goes through.
    expect((await post('create_sale', saleBody(), { key: 'n1' })).statusCode).toBe(200);
  });

  it('tenant isolation: the idempotency key of tenant A does not answer tenant B', async () => {
    const tokenB = (await connect('tenant-b')).token;
    const a = await post('create_sale', saleBody(), { key: 'shared-key' });
    const b = await post('create_sale', saleBody(), { key: 'shared-key', token: tokenB });
    expect(b.headers?.['Idempotency-Replayed']).toBeUndefined();
    expect(bodyOf(a).orderId).not.toBe(bodyOf(b).orderId);
    expect(fakes.konnektive.callsTo('importOrder').map((call) => call.credentials.loginId)).toEqual([
      'tenant-a',
      'tenant-b',
    ]);
  });
});

describe('logs', () => {
  it('never carry the password, card number, CVV or bearer token, even when an error holds them', async () => {
    // A bug-shaped failure whose error carries everything sensitive: its message and enumerable attributes
    // are what the logger prints for a 500.
    const leaky = Object.assign(new Error(`boom for card ${CARD} with Bearer ${token}`), {
      params: { loginId: 'tenant-a', password: PASSWORD, cardNumber: CARD, cardSecurityCode: '987' },
      authorization: `Bearer ${token}`,
    });
    fakes.konnektive.failNext('importOrder', leaky);
    const result = await post('create_sale', saleBody({ cardNumber: CARD, cardSecurityCode: '987' }), {
      key: 'log-1',
    });
    expectError(result, 500, 'INTERNAL');
    expect(result.body).not.toContain('boom');
    // Rejections log too (validation with the card data in the body).
    await post('create_sale', saleBody({ cardNumber: CARD, cardSecurityCode: '987', country: 'USA' }));

    const output = lines.join('');
    expect(output).toContain('request failed'); // the error was logged: the assertions below are not vacuous
    expect(output).toContain('request rejected');
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(CARD);
    expect(output).not.toContain(token);
    expect(output).not.toMatch(/"cardSecurityCode":"987"/);
    expect(output).not.toContain('"987"');
  });
});
