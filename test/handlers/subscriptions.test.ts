/**
 * Subscription and sample routes through the real middy chain with API Gateway v2 events: status codes and
 * messages a Zapier user or developer relies on.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import { KonnektiveTransientError } from '../../functions/core/konnektive.js';
import { tokenHashOf } from '../../functions/core/session/create-session.js';
import { konnektiveDateTimeToIso } from '../../functions/core/zoned-time.js';
import { createCreateSubscriptionHandler } from '../../functions/handlers/create-subscription.js';
import { createDeleteSubscriptionHandler } from '../../functions/handlers/delete-subscription.js';
import { createGetSamplesHandler } from '../../functions/handlers/get-samples.js';
import { createListSubscriptionsHandler } from '../../functions/handlers/list-subscriptions.js';
import { createAuthenticator } from '../../functions/platform/http.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { createFakes, FakeKonnektive, type Fakes, order } from '../support/fakes.js';

const HOOK = 'https://hooks.zapier.com/hooks/standard/1/abc/';
let fakes: Fakes;
let handlers: ReturnType<typeof build>;

const build = (konnektive = new FakeKonnektive(undefined, 'America/New_York')) => {
  const authenticate = createAuthenticator({ tokens: fakes.tokens, connections: fakes.connections });
  let n = 0;
  return {
    konnektive,
    create: createCreateSubscriptionHandler({
      authenticate,
      subscriptions: fakes.subscriptions,
      cursors: fakes.cursors,
      clock: fakes.clock,
      allowlist: ['https://hooks.zapier.com/'],
      newId: () => `sub_${++n}`,
    }),
    list: createListSubscriptionsHandler({ authenticate, subscriptions: fakes.subscriptions }),
    remove: createDeleteSubscriptionHandler({ authenticate, subscriptions: fakes.subscriptions }),
    samples: createGetSamplesHandler({
      authenticate,
      konnektive,
      connections: fakes.connections,
      cipher: fakes.cipher,
      clock: fakes.clock,
      egressIps: ['198.51.100.7'],
    }),
  };
};

const connect = async (loginId: string, token: string) => {
  const connectionId = `c_${loginId}`;
  await fakes.connections.upsert(
    {
      connectionId,
      loginId,
      encryptedPassword: await fakes.cipher.encrypt('pw', { connectionId }),
      timeZone: 'America/New_York',
      label: loginId,
      status: 'active',
    },
    fakes.clock.now(),
  );
  await fakes.tokens.put({
    tokenHash: tokenHashOf(token),
    connectionId,
    createdAt: fakes.clock.now().toISOString(),
  });
};

const subscribe = (body: unknown, token = 'token-a') =>
  handlers.create(apiEvent({ method: 'POST', path: '/subscriptions', body, token }), lambdaContext());

beforeEach(async () => {
  fakes = createFakes('2026-11-25T15:00:00Z');
  handlers = build();
  await connect('merchant-a', 'token-a');
  await connect('merchant-b', 'token-b');
});

describe('POST /subscriptions', () => {
  it('answers 201 with a top-level id', async () => {
    const result = await subscribe({ trigger: 'order', type: 'NEW_SALE', targetUrl: HOOK });
    expect(result.statusCode).toBe(201);
    expect(bodyOf(result)).toEqual({
      id: 'sub_1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: HOOK,
      createdAt: '2026-11-25T15:00:00.000Z',
    });
  });

  it.each([
    [{ trigger: 'invoice', type: 'NEW_SALE', targetUrl: HOOK }, 'trigger'],
    [{ trigger: 'order', type: 'REFUND', targetUrl: HOOK }, 'type'],
    [{ trigger: 'transaction', type: 'NEW_SALE', targetUrl: HOOK }, 'type'],
    [{ trigger: 'order', type: 'NEW_SALE' }, 'targetUrl'],
    [{ trigger: 'order', type: 'NEW_SALE', targetUrl: 'not a url' }, 'targetUrl'],
    [{ trigger: 'order', type: 'NEW_SALE', targetUrl: 'https://evil.test/hook' }, 'targetUrl'],
    [{ trigger: 'order', type: 'NEW_SALE', targetUrl: 'http://169.254.169.254/latest/' }, 'targetUrl'],
  ])('rejects %j with 422 naming %s', async (body, field) => {
    const result = await subscribe(body);
    expect(result.statusCode).toBe(422);
    const error = bodyOf(result);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(String(error.message)).toContain(field);
    expect(String(error.message).length).toBeLessThanOrEqual(250);
    expect(fakes.subscriptions.items.size).toBe(0);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, never 500', async () => {
    const malformed = await handlers.create(
      apiEvent({ method: 'POST', path: '/subscriptions', rawBody: '{"trigger":', token: 'token-a' }),
      lambdaContext(),
    );
    expect(malformed.statusCode).toBe(400);
    expect(bodyOf(malformed).code).toBe('MALFORMED_JSON');
    const huge = await subscribe({
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: HOOK,
      padding: 'x'.repeat(300_000),
    });
    expect(huge.statusCode).toBe(413);
  });

  it('answers 401 without a valid token', async () => {
    const none = await handlers.create(
      apiEvent({ method: 'POST', path: '/subscriptions', body: {} }),
      lambdaContext(),
    );
    const wrong = await subscribe({ trigger: 'order', type: 'NEW_SALE', targetUrl: HOOK }, 'nope');
    expect([none.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(bodyOf(wrong).code).toBe('UNAUTHORIZED');
  });
});

describe('GET /subscriptions and DELETE /subscriptions/{id}', () => {
  it('isolates tenants and unsubscribes idempotently', async () => {
    const created = bodyOf(await subscribe({ trigger: 'order', type: 'NEW_LEAD', targetUrl: HOOK }));
    const listB = await handlers.list(
      apiEvent({ method: 'GET', path: '/subscriptions', token: 'token-b' }),
      lambdaContext(),
    );
    expect(bodyOf(listB)).toEqual({ subscriptions: [] });
    const del = (token: string) =>
      handlers.remove(
        apiEvent({
          method: 'DELETE',
          path: `/subscriptions/${String(created.id)}`,
          routeKey: 'DELETE /subscriptions/{id}',
          pathParameters: { id: String(created.id) },
          token,
        }),
        lambdaContext(),
      );
    expect((await del('token-b')).statusCode).toBe(204);
    expect(fakes.subscriptions.items.size).toBe(1); // B could not delete A's subscription
    expect((await del('token-a')).statusCode).toBe(204);
    expect((await del('token-a')).statusCode).toBe(204); // already gone: still 2xx
    expect(fakes.subscriptions.items.size).toBe(0);
  });
});

describe('GET /triggers/{trigger}/samples', () => {
  const samples = (trigger: string, type?: string) =>
    handlers.samples(
      apiEvent({
        method: 'GET',
        path: `/triggers/${trigger}/samples`,
        routeKey: 'GET /triggers/{trigger}/samples',
        pathParameters: { trigger },
        ...(type ? { query: { type } } : {}),
        token: 'token-a',
      }),
      lambdaContext(),
    );

  it('returns the newest real records serialized exactly like hook payloads', async () => {
    const now = fakes.clock.now().getTime();
    for (const hoursAgo of [5, 4, 3, 2]) {
      handlers.konnektive.orders.push(
        order({
          dateCreated: handlers.konnektive.wall(new Date(now - hoursAgo * 3_600_000)),
          orderStatus: 'COMPLETE',
        }),
      );
    }
    const result = await samples('order', 'NEW_SALE');
    expect(result.statusCode).toBe(200);
    const body = bodyOf(result) as { source: string; samples: Array<Record<string, unknown>> };
    expect(body.source).toBe('live');
    expect(body.samples).toHaveLength(3);
    const newest = handlers.konnektive.orders[3];
    if (!newest) throw new Error('no orders');
    expect(body.samples[0]).toMatchObject({
      ...newest,
      dateCreated: konnektiveDateTimeToIso(newest.dateCreated, 'America/New_York'),
      dateUpdated: konnektiveDateTimeToIso(String(newest.dateUpdated), 'America/New_York'),
      id: `NEW_SALE-${String(newest?.orderId)}`,
      event: 'order.NEW_SALE',
      connection: 'merchant-a',
    });
  });

  it('falls back to a static sample marked as such', async () => {
    const body = bodyOf(await samples('transaction', 'REFUND')) as {
      source: string;
      samples: Array<Record<string, unknown>>;
    };
    expect(body.source).toBe('static');
    expect(body.samples[0]).toMatchObject({
      id: 'sample-REFUND',
      event: 'transaction.REFUND',
      txnType: 'REFUND',
    });
  });

  it('rejects unknown triggers (404) and types (422), and maps Konnektive outages to 503 with Retry-After', async () => {
    expect((await samples('invoice', 'NEW_SALE')).statusCode).toBe(404);
    expect((await samples('order', 'REFUND')).statusCode).toBe(422);
    expect((await samples('order')).statusCode).toBe(422);
    handlers.konnektive.failNext('queryOrders', new KonnektiveTransientError('timeout', 'order/query'));
    const outage = await samples('order', 'NEW_SALE');
    expect(outage.statusCode).toBe(503);
    expect(outage.headers?.['Retry-After']).toBeDefined();
  });
});
