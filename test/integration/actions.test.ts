/**
 * Sessions, actions, searches and dropdowns end to end: the real handlers (middy chain, API Gateway v2 events) on DynamoDB
 * Local, the local AES-GCM cipher and the Konnektive client talking HTTP to the Konnektive simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Logs on (vitest's config silences them; the logger reads its level once, when created): every line is captured
// below and checked for secrets.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalCredentialCipher } from '../../functions/adapters/crypto/index.js';
import { createDynamoDbStores, type DynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { KonnektiveClient } from '../../functions/adapters/konnektive/konnektive-client.js';
import { CampaignCache } from '../../functions/core/dropdowns/campaign-cache.js';
import type { CachedCampaign } from '../../functions/core/dropdowns/list-campaigns.js';
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import { customerSchema, orderSchema } from '../../functions/core/records/schemas.js';
import { createCreateSessionHandler } from '../../functions/handlers/create-session.js';
import { createFindCustomersHandler } from '../../functions/handlers/find-customers.js';
import { createFindOrdersHandler } from '../../functions/handlers/find-orders.js';
import { createGetMeHandler } from '../../functions/handlers/get-me.js';
import { createListCampaignProductsHandler } from '../../functions/handlers/list-campaign-products.js';
import { createListCampaignsHandler } from '../../functions/handlers/list-campaigns.js';
import { createRevokeSessionHandler } from '../../functions/handlers/revoke-session.js';
import { createRunActionHandler } from '../../functions/handlers/run-action.js';
import { systemClock } from '../../functions/platform/dependencies.js';
import { createAuthenticator, MAX_BODY_BYTES } from '../../functions/platform/http.js';
import { logger } from '../../functions/platform/observability.js';
import { freePort } from '../../local/dynamodb/dynamodb-local.js';
import { PERMISSIONS, type RunningSimulator, startSimulator } from '../../local/simulator/index.js';
import { createTestTables, type TestTables } from '../adapters/dynamodb/support.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';

const DEMO = { loginId: 'demo-api-user', password: 'demo-password-123' };
const TENANT_B = { loginId: 'tenant-b-api-user', password: 'fake-password-tenant-b' };
const EGRESS = ['203.0.113.10', '203.0.113.11'];
const TEST_CARD = {
  cardNumber: '0000000000000000',
  cardSecurityCode: '100',
  cardMonth: '12',
  cardYear: '2031',
};
const DECLINE_CARD = '4000000000000002';
const BUYER = {
  firstName: 'Testy',
  lastName: 'McTestface',
  emailAddress: 'testy.mctestface@example.com',
  address1: '1 Test Way',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  country: 'US',
};
const saleBody = (overrides: Record<string, unknown> = {}) => ({
  campaignId: 1,
  ...BUYER,
  ...TEST_CARD,
  products: [{ id: 101, qty: 1 }],
  ...overrides,
});

let sim: RunningSimulator;
let tables: TestTables;
let stores: DynamoDbStores;
let keyDir: string;
let cipher: LocalCredentialCipher;
let konnektive: KonnektiveGateway;
/** The caller IP the simulator is told it sees (X-Sim-Client-Ip); loopback is whitelisted. */
let callerIp: string;
let lines: string[];
/** `ActionCalls:create_sale`, … as counted by the action handler. */
let counted: string[];

const newClient = (baseUrl: string) =>
  new KonnektiveClient({
    baseUrl,
    queryTimeoutMs: 10_000,
    writeTimeoutMs: 1_500,
    retry: { maxAttempts: 1 },
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), 'X-Sim-Client-Ip': callerIp },
      }),
  });

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11, timeZone: 'America/New_York' });
  tables = await createTestTables('actions-int');
  stores = createDynamoDbStores({ client: tables.doc, tableNames: tables.names });
  keyDir = mkdtempSync(join(tmpdir(), 'actions-int-'));
  cipher = LocalCredentialCipher.fromKeyFile(join(keyDir, 'credential.key'));
  konnektive = newClient(sim.url);
});

afterAll(async () => {
  await sim?.close();
  await tables?.dispose();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

beforeEach(() => {
  callerIp = '127.0.0.1';
  sim.sim.updateUser(DEMO.loginId, {
    password: DEMO.password,
    allowedIps: ['127.0.0.0/8', '::1'],
    permissions: '*',
  });
  sim.sim.addUser({ ...TENANT_B, allowedIps: ['127.0.0.0/8'], permissions: '*' });
  sim.sim.setFaults({ errorRate: 0, hangRate: 0, garbageRate: 0, endpoints: null, afterProcessing: false });
  sim.sim.clearRequestLog();
  counted = [];
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
});

afterEach(() => {
  vi.restoreAllMocks();
  // Whatever a test did, no log line may carry a password, a card number or a bearer token.
  const output = lines.join('\n');
  for (const secret of [
    DEMO.password,
    TENANT_B.password,
    TEST_CARD.cardNumber,
    DECLINE_CARD,
    ...issuedTokens,
  ]) {
    expect(output).not.toContain(secret);
  }
});

const issuedTokens: string[] = [];
const authenticate = () => createAuthenticator({ tokens: stores.tokens, connections: stores.connections });

const createSession = async (body: Record<string, unknown>) => {
  const result = await createCreateSessionHandler({
    konnektive,
    connections: stores.connections,
    tokens: stores.tokens,
    cipher,
    clock: systemClock,
    egressIps: EGRESS,
  })(apiEvent({ method: 'POST', path: '/sessions', body }), lambdaContext());
  const token = bodyOf(result).token;
  if (typeof token === 'string') issuedTokens.push(token);
  return result;
};

const connect = async (login: { loginId: string; password: string } = DEMO): Promise<string> => {
  const result = await createSession(login);
  expect(result.statusCode).toBe(201);
  return bodyOf(result).token as string;
};

const act = (
  token: string,
  action: string,
  body: unknown,
  options: { key?: string; rawBody?: string; gateway?: KonnektiveGateway } = {},
) =>
  createRunActionHandler({
    authenticate: authenticate(),
    konnektive: options.gateway ?? konnektive,
    connections: stores.connections,
    idempotency: stores.idempotency,
    cipher,
    clock: systemClock,
    egressIps: EGRESS,
    metrics: { count: (name, dimensions) => counted.push(`${name}:${dimensions.action}`) },
  })(
    apiEvent({
      method: 'POST',
      path: `/actions/${action}`,
      routeKey: 'POST /actions/{action}',
      pathParameters: { action },
      body,
      token,
      ...(options.rawBody === undefined ? {} : { rawBody: options.rawBody }),
      headers: options.key === undefined ? {} : { 'Idempotency-Key': options.key },
    }),
    lambdaContext(),
  );

const me = (token: string) =>
  createGetMeHandler({ authenticate: authenticate() })(
    apiEvent({ method: 'GET', path: '/me', token }),
    lambdaContext(),
  );

const importsLogged = () => sim.sim.requestLog().filter((entry) => entry.endpoint === 'order/import');

const expectError = (result: { statusCode?: number; body?: string }, statusCode: number, code: string) => {
  expect(result.statusCode).toBe(statusCode);
  const body = bodyOf(result);
  expect(body.code).toBe(code);
  expect((body.message as string).length).toBeLessThanOrEqual(250);
  expect(result.body).not.toMatch(/\n\s+at /);
  return body;
};

describe('sessions', () => {
  it('connects the demo user; the stored items hold no password, only AES-GCM ciphertext', async () => {
    const token = await connect();
    const meResult = await me(token);
    expect(meResult.statusCode).toBe(200);
    expect(bodyOf(meResult)).toMatchObject({
      loginId: DEMO.loginId,
      label: DEMO.loginId,
      timeZone: 'America/New_York',
    });
    expect(sim.sim.requestLog().map((entry) => entry.endpoint)).toEqual([
      'order/query',
      'transactions/query',
      'campaign/query',
    ]);

    for (const name of Object.values(tables.names)) {
      const scan = await tables.raw.send(new ScanCommand({ TableName: name }));
      const text = JSON.stringify(scan.Items ?? []);
      expect(text).not.toContain(DEMO.password);
      expect(text).not.toContain(token);
    }
    const connections = await tables.raw.send(new ScanCommand({ TableName: tables.names.connections }));
    const item = connections.Items?.find((entry) => entry.loginId?.S === DEMO.loginId);
    expect(item?.encryptedPassword?.S).toMatch(/^v1:/);
    // The log check after each test has something to look at.
    expect(lines.join('\n')).toContain('session created');
  });

  it('wrong password → 403 INVALID_CREDENTIALS', async () => {
    const body = expectError(
      await createSession({ ...DEMO, password: 'not-the-password' }),
      403,
      'INVALID_CREDENTIALS',
    );
    expect(body.message).toMatch(/rejected the login ID or password/);
  });

  it('not whitelisted → 403 IP_NOT_WHITELISTED listing the egress IPs to add', async () => {
    callerIp = '198.51.100.7';
    const body = expectError(await createSession(DEMO), 403, 'IP_NOT_WHITELISTED');
    expect(body.message).toContain('203.0.113.10, 203.0.113.11');
    expect(body.egressIps).toEqual(EGRESS);
  });

  it('missing permission → 403 PERMISSION_DENIED naming it', async () => {
    sim.sim.updateUser(DEMO.loginId, { permissions: PERMISSIONS.filter((p) => p !== 'Query Transactions') });
    const body = expectError(await createSession(DEMO), 403, 'PERMISSION_DENIED');
    expect(body.missingPermissions).toEqual(['Query Transactions']);
  });

  it('wrong and revoked tokens are 401 UNAUTHORIZED', async () => {
    const token = await connect();
    expectError(await act('forged-token-value', 'create_sale', saleBody()), 401, 'UNAUTHORIZED');
    const revoked = await createRevokeSessionHandler({ authenticate: authenticate(), tokens: stores.tokens })(
      apiEvent({ method: 'DELETE', path: '/sessions/current', token }),
      lambdaContext(),
    );
    expect(revoked.statusCode).toBe(204);
    expectError(await act(token, 'create_sale', saleBody()), 401, 'UNAUTHORIZED');
    expectError(await me(token), 401, 'UNAUTHORIZED');
    expect(importsLogged()).toHaveLength(0);
  });
});

describe('actions', () => {
  it('create_sale charges once; a retry with the same key replays it (one order/import in the log)', async () => {
    const token = await connect();
    sim.sim.clearRequestLog();
    const first = await act(token, 'create_sale', saleBody(), { key: 'zap-run-1' });
    expect(first.statusCode).toBe(200);
    const sale = bodyOf(first);
    expect(sale).toMatchObject({
      orderStatus: 'COMPLETE',
      orderType: 'NEW_SALE',
      campaignId: 1,
      cardLast4: '0000',
    });
    expect(sim.sim.getOrder(sale.orderId as string)?.orderStatus).toBe('COMPLETE');

    const retry = await act(token, 'create_sale', saleBody({ campaignId: '1' }), { key: 'zap-run-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.body).toBe(first.body);
    expect(retry.headers?.['Idempotency-Replayed']).toBe('true');
    expect(importsLogged()).toHaveLength(1);

    expectError(
      await act(token, 'create_sale', saleBody({ campaignId: 2 }), { key: 'zap-run-1' }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(importsLogged()).toHaveLength(1);
    expect(counted).toEqual([
      'ActionCalls:create_sale',
      'ActionCalls:create_sale',
      'ActionCalls:create_sale',
      'ActionErrors:create_sale',
    ]);
  });

  it('a declined card → 422 DECLINED with Konnektive’s text', async () => {
    const token = await connect();
    const body = expectError(
      await act(token, 'create_sale', saleBody({ cardNumber: DECLINE_CARD }), { key: 'decline-1' }),
      422,
      'DECLINED',
    );
    expect(body.message).toBe('Transaction Declined: Card Declined');
    // Not stored: the same key with the card fixed reaches Konnektive and charges.
    sim.sim.clearRequestLog();
    const fixed = await act(token, 'create_sale', saleBody(), { key: 'decline-1' });
    expect(fixed.statusCode).toBe(200);
    expect(importsLogged().map((entry) => entry.result)).toEqual(['SUCCESS']);
  });

  it('each bad-input class is answered without calling Konnektive', async () => {
    const token = await connect();
    sim.sim.clearRequestLog();
    expectError(
      await act(token, 'create_sale', undefined, { rawBody: '{"campaignId":' }),
      400,
      'MALFORMED_JSON',
    );
    expectError(
      await act(token, 'create_sale', undefined, {
        rawBody: JSON.stringify(saleBody({ note: 'x'.repeat(MAX_BODY_BYTES) })),
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const invalid = expectError(
      await act(token, 'create_sale', saleBody({ cardNumber: '1234', country: 'USA', products: [] }), {
        key: 'bad-1',
      }),
      422,
      'VALIDATION_FAILED',
    );
    expect(Object.keys(invalid.fields as object)).toEqual(
      expect.arrayContaining(['cardNumber', 'country', 'products']),
    );
    expectError(
      await act(token, 'update_fulfillment', { orderId: 'X', fulfillmentStatus: 'SHIPPED' }),
      422,
      'VALIDATION_FAILED',
    );
    expectError(await act(token, 'cancel_order', { orderId: 'X' }), 422, 'VALIDATION_FAILED');
    expectError(await act(token, 'update_customer', { customerId: 1 }), 422, 'VALIDATION_FAILED');
    expectError(await act(token, 'create_lead', { campaignId: 1, firstName: 'A' }), 422, 'VALIDATION_FAILED');
    expectError(await act(token, 'refund_everything', {}), 404, 'NOT_FOUND');
    expect(sim.sim.requestLog()).toHaveLength(0);
  });

  it("lead → sale conversion, fulfillment, customer update and cancel against the simulator, each answering the resource's new state", async () => {
    const token = await connect();
    const lead = await act(token, 'create_lead', { campaignId: 1, ...BUYER }, { key: 'lead-1' });
    expect(lead.statusCode).toBe(200);
    const { orderId, customerId, dateCreated } = orderSchema.parse(bodyOf(lead));
    expect(bodyOf(lead)).toMatchObject({ orderStatus: 'PARTIAL', id: orderId, connection: DEMO.loginId });
    // leads/import answers dateCreated as a PHP DateTime; the answer is the order read back, dates with the offset.
    expect(dateCreated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);

    const sale = await act(token, 'create_sale', {
      campaignId: 1,
      orderId,
      ...TEST_CARD,
      products: [{ id: 102 }],
    });
    const converted = orderSchema.parse(bodyOf(sale));
    expect(converted).toMatchObject({ orderId, orderStatus: 'COMPLETE', cardLast4: '0000' });
    expect(converted.items).toEqual([expect.objectContaining({ productId: expect.any(String) })]);

    const shipped = await act(token, 'update_fulfillment', {
      orderId,
      fulfillmentStatus: 'shipped',
      trackingNumber: '1Z999AA10123456784',
      dateShipped: '2026-11-20',
    });
    expect(shipped.statusCode).toBe(200);
    expect(orderSchema.parse(bodyOf(shipped)).fulfillments).toEqual([
      expect.objectContaining({ trackingNumber: '1Z999AA10123456784', dateShipped: '2026-11-20' }),
    ]);
    const fulfillmentCall = sim.sim.requestLog().find((entry) => entry.endpoint === 'fulfillment/update');
    expect(fulfillmentCall?.params.dateShipped).toBe('11/20/2026');

    const updated = await act(token, 'update_customer', { customerId, city: 'Peoria', phoneNumber: '' });
    expect(customerSchema.parse(bodyOf(updated))).toMatchObject({
      id: String(customerId),
      customerId,
      city: 'Peoria',
      emailAddress: BUYER.emailAddress,
    });

    const cancelled = await act(token, 'cancel_order', {
      orderId,
      cancelReason: 'Customer asked',
      fullRefund: 'yes',
    });
    expect(orderSchema.parse(bodyOf(cancelled)).orderStatus).toMatch(/CANCELLED|REFUNDED/);
    expect(sim.sim.getOrder(orderId)?.orderStatus).toMatch(/CANCELLED|REFUNDED/);

    expectError(
      await act(token, 'cancel_order', { orderId: 'FFFFFFFFFF', cancelReason: 'x' }),
      404,
      'NOT_FOUND',
    );
  });

  it('tenant isolation: each token acts with its own connection, and keys do not cross tenants', async () => {
    const tokenA = await connect();
    const tokenB = await connect(TENANT_B);
    sim.sim.clearRequestLog();
    const a = await act(tokenA, 'create_sale', saleBody(), { key: 'same-key' });
    const b = await act(tokenB, 'create_sale', saleBody(), { key: 'same-key' });
    expect(b.headers?.['Idempotency-Replayed']).toBeUndefined();
    expect(bodyOf(a).orderId).not.toBe(bodyOf(b).orderId);
    expect(importsLogged().map((entry) => entry.params.loginId)).toEqual([DEMO.loginId, TENANT_B.loginId]);
    expect(bodyOf(await me(tokenB))).toMatchObject({ loginId: TENANT_B.loginId });
  });

  it('not whitelisted on an action → 403 listing the egress IPs; nothing stored under the key', async () => {
    const token = await connect();
    callerIp = '198.51.100.7';
    const body = expectError(
      await act(token, 'create_sale', saleBody(), { key: 'ip-1' }),
      403,
      'IP_NOT_WHITELISTED',
    );
    expect(body.message).toContain('203.0.113.10, 203.0.113.11');
    callerIp = '127.0.0.1';
    expect((await act(token, 'create_sale', saleBody(), { key: 'ip-1' })).statusCode).toBe(200);
  });

  it('a changed password → 403 CREDENTIALS_REJECTED until the user reconnects; the stale password is never tried again', async () => {
    const token = await connect();
    sim.sim.updateUser(DEMO.loginId, { password: 'rotated-fake-password' });
    expectError(await act(token, 'create_sale', saleBody()), 403, 'CREDENTIALS_REJECTED');
    sim.sim.clearRequestLog();
    expectError(await act(token, 'create_sale', saleBody()), 403, 'CREDENTIALS_REJECTED');
    expectError(await me(token), 403, 'CREDENTIALS_REJECTED');
    // Zapier's session refresh with the stale password is answered from memory.
    expectError(await createSession(DEMO), 403, 'INVALID_CREDENTIALS');
    expect(sim.sim.requestLog()).toEqual([]); // no repeated bad logins

    const fresh = await connect({ loginId: DEMO.loginId, password: 'rotated-fake-password' });
    expect((await act(fresh, 'create_sale', saleBody())).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(200);
  });

  it('Konnektive unreachable before sending → 503 and the key is free: the retry goes through', async () => {
    const token = await connect();
    const closed = newClient(`http://127.0.0.1:${await freePort()}`);
    const down = await act(token, 'create_sale', saleBody(), { key: 'refused-1', gateway: closed });
    expectError(down, 503, 'KONNEKTIVE_UNAVAILABLE');
    expect(down.headers?.['Retry-After']).toBe('30');
    const retry = await act(token, 'create_sale', saleBody(), { key: 'refused-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers?.['Idempotency-Replayed']).toBeUndefined();
  });

  it('a sale that went through but timed out is never charged again by a retry', async () => {
    const token = await connect();
    sim.sim.clearRequestLog();
    const ordersBefore = sim.sim.listOrders().length;
    sim.sim.setFaults({ hangRate: 1, hangMs: 15_000, endpoints: ['order/import'], afterProcessing: true });
    const first = await act(token, 'create_sale', saleBody(), { key: 'timeout-1' });
    const body = expectError(first, 502, 'OUTCOME_UNKNOWN');
    expect(body.message).toMatch(/may or may not have gone through/);
    expect(sim.sim.listOrders().length).toBe(ordersBefore + 1); // it did go through

    sim.sim.setFaults({ hangRate: 0 });
    const retry = await act(token, 'create_sale', saleBody(), { key: 'timeout-1' });
    expect(retry.statusCode).toBe(502);
    expect(retry.body).toBe(first.body);
    expect(retry.headers?.['Idempotency-Replayed']).toBe('true');
    expect(importsLogged()).toHaveLength(1);
    expect(sim.sim.listOrders().length).toBe(ordersBefore + 1);
  });
});

describe('searches', () => {
  const search = (token: string, path: '/orders' | '/customers', query: Record<string, string>) => {
    const deps = {
      authenticate: authenticate(),
      konnektive,
      connections: stores.connections,
      cipher,
      clock: systemClock,
      egressIps: EGRESS,
    };
    const handler = path === '/orders' ? createFindOrdersHandler(deps) : createFindCustomersHandler(deps);
    return handler(apiEvent({ method: 'GET', path, query, token }), lambdaContext());
  };

  it('finds the orders of a buyer by email and phone (newest first, one order/query call), an order by id, and the customer', async () => {
    const token = await connect();
    const buyer = { ...BUYER, emailAddress: 'searching.buyer@example.com', phoneNumber: '555-0142' };
    const first = orderSchema.parse(bodyOf(await act(token, 'create_sale', saleBody(buyer))));
    const second = orderSchema.parse(bodyOf(await act(token, 'create_sale', saleBody(buyer))));
    sim.sim.clearRequestLog();

    const byEmail = await search(token, '/orders', { emailAddress: buyer.emailAddress.toUpperCase() });
    expect(byEmail.statusCode).toBe(200);
    const orders = (bodyOf(byEmail).results as unknown[]).map((item) => orderSchema.parse(item));
    expect(orders.map((order) => order.orderId)).toEqual([second.orderId, first.orderId]);
    // Fewer than 10 found: the last 365 days in four whole-day slices, newest first, no per-day calls.
    const calls = sim.sim.requestLog();
    expect(calls.map((entry) => entry.endpoint)).toEqual([
      'order/query',
      'order/query',
      'order/query',
      'order/query',
    ]);
    expect(calls[0]?.params).not.toHaveProperty('startTime');
    const spans = calls.map((entry) => [entry.params.startDate, entry.params.endDate]);
    expect(new Set(spans.map(([, end]) => end)).size).toBe(4);

    const both = await search(token, '/orders', {
      emailAddress: buyer.emailAddress,
      phoneNumber: '555-0142',
    });
    expect((bodyOf(both).results as unknown[]).length).toBe(2);
    const mismatch = await search(token, '/orders', { orderId: first.orderId, phoneNumber: '555-0199' });
    expect(bodyOf(mismatch)).toEqual({ results: [] });
    const byId = await search(token, '/orders', { orderId: first.orderId.toLowerCase() });
    expect((bodyOf(byId).results as Array<{ id: string }>).map((order) => order.id)).toEqual([first.orderId]);

    const customers = await search(token, '/customers', { phoneNumber: '555-0142' });
    expect((bodyOf(customers).results as unknown[]).map((item) => customerSchema.parse(item))).toEqual([
      expect.objectContaining({ id: String(first.customerId), emailAddress: buyer.emailAddress }),
    ]);
    expectError(await search(token, '/customers', {}), 422, 'VALIDATION_FAILED');
  });
});

describe('dropdowns', () => {
  it('campaigns and a campaign’s products from campaign/query', async () => {
    const token = await connect();
    const deps = {
      authenticate: authenticate(),
      konnektive,
      connections: stores.connections,
      cipher,
      clock: systemClock,
      cache: new CampaignCache<CachedCampaign[]>({ clock: systemClock }),
      egressIps: EGRESS,
    };
    const campaigns = await createListCampaignsHandler(deps)(
      apiEvent({ method: 'GET', path: '/campaigns', token }),
      lambdaContext(),
    );
    expect(campaigns.statusCode).toBe(200);
    const list = bodyOf(campaigns) as {
      campaigns: Array<{ id: number; name: string }>;
      nextPage: number | null;
    };
    expect(list.campaigns).toContainEqual(expect.objectContaining({ id: 1, name: 'NAD+ Longevity - Web' }));
    expect(list.nextPage).toBeNull();

    const products = await createListCampaignProductsHandler(deps)(
      apiEvent({
        method: 'GET',
        path: '/campaigns/1/products',
        routeKey: 'GET /campaigns/{campaignId}/products',
        pathParameters: { campaignId: '1' },
        token,
      }),
      lambdaContext(),
    );
    expect(bodyOf(products).products).toContainEqual({
      id: 101,
      name: '(14015) NAD+ (500MG)',
      price: '59.95',
    });
  });
});
