import { beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { bodyHash, canonicalJson, parseIdempotencyKey } from '../../../functions/core/actions/idempotency.js';
import type { MetricSink } from '../../../functions/core/actions/observability.js';
import {
  type RunActionDeps,
  requestNeverSent,
  runAction,
  type StoredResponse,
  scrubText,
} from '../../../functions/core/actions/run-action.js';
import {
  CredentialsRejectedError,
  DeclinedError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  MissingPermissionsError,
  NotFoundError,
  NotWhitelistedError,
  OutcomeUnknownError,
  RateLimitedError,
  UpstreamUnavailableError,
  ValidationError,
} from '../../../functions/core/errors.js';
import {
  KonnektiveAuthError,
  KonnektiveDeclinedError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveTransientError,
  KonnektiveValidationError,
} from '../../../functions/core/konnektive.js';
import type { Connection } from '../../../functions/core/model.js';
import { customerSchema, orderSchema } from '../../../functions/core/records/schemas.js';
import { createFakes, type Fakes } from '../../support/fakes.js';

const PASSWORD = 'fake-pass-for-tests';

const saleBody = (overrides: Record<string, unknown> = {}) => ({
  campaignId: 1,
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
  products: [{ id: 101, qty: 1 }],
  ...overrides,
});

/** Stand-in for the HTTP mapping: a status per error name, enough to see what gets stored. */
const describeError = (error: unknown, requestId: string | undefined): StoredResponse => {
  const status =
    error instanceof DeclinedError
      ? 422
      : error instanceof OutcomeUnknownError
        ? 502
        : error instanceof UpstreamUnavailableError
          ? 503
          : 500;
  return {
    statusCode: status,
    body: { message: (error as Error).message, code: (error as Error).name, requestId },
  };
};

let fakes: Fakes;
let connection: Connection;
let counted: Array<[string, Record<string, string>]>;
let deps: RunActionDeps;

const setUp = async (loginId = 'tenant-a'): Promise<Connection> => {
  const connectionId = `c_${loginId}`;
  return fakes.connections.upsert(
    {
      connectionId,
      loginId,
      encryptedPassword: await fakes.cipher.encrypt(PASSWORD, { connectionId }),
      timeZone: 'America/New_York',
      label: loginId,
      status: 'active',
    },
    fakes.clock.now(),
  );
};

beforeEach(async () => {
  fakes = createFakes();
  connection = await setUp();
  counted = [];
  const metrics: MetricSink = { count: (name, dimensions) => counted.push([name, dimensions]) };
  deps = { ...fakes, egressIps: ['203.0.113.10'], metrics, describeError };
});

const run = (overrides: Partial<Parameters<typeof runAction>[1]> = {}) =>
  runAction(deps, {
    connection,
    action: 'create_sale',
    body: saleBody(),
    idempotencyKey: 'key-1',
    ...overrides,
  });

describe('runAction', () => {
  it('sends the mapped parameters with the connection’s decrypted credentials and answers the flat result', async () => {
    const response = await run();
    expect(response.statusCode).toBe(200);
    expect(response.replayed).toBe(false);
    expect(response.body).toMatchObject({
      orderStatus: 'COMPLETE',
      orderType: 'NEW_SALE',
      cardLast4: '0000',
    });
    const [call] = fakes.konnektive.callsTo('importOrder');
    expect(call?.credentials).toEqual({ loginId: 'tenant-a', password: PASSWORD });
    expect(call?.args).toMatchObject({ product1_id: 101, product1_qty: 1, paySource: 'CREDITCARD' });
    expect(counted).toEqual([['ActionCalls', { action: 'create_sale' }]]);
  });

  it('validation failures throw before any Konnektive call and are not stored under the key', async () => {
    await expect(run({ body: saleBody({ products: [] }) })).rejects.toBeInstanceOf(ZodError);
    expect(fakes.konnektive.calls).toHaveLength(0);
    expect(fakes.idempotency.items.size).toBe(0);
    // The corrected request can use the same key.
    await expect(run()).resolves.toMatchObject({ statusCode: 200 });
    expect(counted.filter(([name]) => name === 'ActionErrors')).toEqual([
      ['ActionErrors', { action: 'create_sale' }],
    ]);
  });

  it('an unknown action is NotFound', async () => {
    await expect(run({ action: 'refund' })).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('idempotency', () => {
    it('same key + same body → the first result, replayed, without a second Konnektive call', async () => {
      const first = await run();
      fakes.clock.advance(23 * 3600_000);
      const second = await run({ body: saleBody({ campaignId: '1', products: [{ id: '101' }] }) });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
      expect(second).toEqual({ ...first, replayed: true, headers: { 'Idempotency-Replayed': 'true' } });
    });

    it('after 24 h the key is free again', async () => {
      await run();
      fakes.clock.advance(24 * 3600_000 + 2000);
      await run();
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(2);
    });

    it('same key + different body → IdempotencyKeyReusedError, no call', async () => {
      await run();
      await expect(run({ body: saleBody({ products: [{ id: 102 }] }) })).rejects.toBeInstanceOf(
        IdempotencyKeyReusedError,
      );
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
    });

    it('a request still in flight under the key → IdempotencyInProgressError', async () => {
      const hold = fakes.konnektive.hold('importOrder');
      const first = run();
      await hold.reached;
      await expect(run()).rejects.toBeInstanceOf(IdempotencyInProgressError);
      hold.release();
      await expect(first).resolves.toMatchObject({ statusCode: 200 });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
    });

    it('keys are scoped per connection and per action', async () => {
      const other = await setUp('tenant-b');
      await run();
      await run({ connection: other });
      await runAction(deps, {
        connection,
        action: 'create_lead',
        body: { campaignId: 1, firstName: 'A', lastName: 'B', emailAddress: 'a@example.com' },
        idempotencyKey: 'key-1',
      });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(2);
      expect(fakes.konnektive.callsTo('importLead')).toHaveLength(1);
      expect([...fakes.idempotency.items.keys()].sort()).toEqual([
        'c_tenant-a:create_lead:key-1',
        'c_tenant-a:create_sale:key-1',
        'c_tenant-b:create_sale:key-1',
      ]);
    });

    it('without a key nothing is stored and each request calls Konnektive', async () => {
      await run({ idempotencyKey: undefined });
      await run({ idempotencyKey: undefined });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(2);
      expect(fakes.idempotency.items.size).toBe(0);
    });

    it('a decline is not stored: the same key reaches Konnektive again (the card may have been fixed)', async () => {
      fakes.konnektive.failNext(
        'importOrder',
        new KonnektiveDeclinedError('Transaction Declined: Card Declined', 'order/import', 'Card Declined'),
      );
      await expect(run({ requestId: 'req-1' })).rejects.toBeInstanceOf(DeclinedError);
      expect(fakes.idempotency.items.size).toBe(0);
      const retry = await run({ requestId: 'req-2' });
      expect(retry).toMatchObject({ statusCode: 200, replayed: false });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(2);
    });

    it("Konnektive's refusal of the input is not stored either, nor is a not-found", async () => {
      fakes.konnektive.failNext(
        'importLead',
        new KonnektiveValidationError('First and last name are required fields.', 'leads/import'),
      );
      const lead = { campaignId: 1, firstName: 'A', lastName: 'B', emailAddress: 'a@example.com' };
      await expect(run({ action: 'create_lead', body: lead })).rejects.toBeInstanceOf(ValidationError);
      expect(fakes.idempotency.items.size).toBe(0);
      await expect(run({ action: 'create_lead', body: lead })).resolves.toMatchObject({ statusCode: 200 });
      expect(fakes.konnektive.callsTo('importLead')).toHaveLength(2);
    });

    it('the updates ignore an Idempotency-Key: nothing stored, nothing replayed, a malformed one not even read', async () => {
      const body = { customerId: 1001, city: 'Ogdenville' };
      for (const idempotencyKey of ['key-1', 'key-1', 'not a valid key']) {
        await expect(run({ action: 'update_customer', body, idempotencyKey })).resolves.toMatchObject({
          statusCode: 200,
          replayed: false,
        });
      }
      expect(fakes.konnektive.callsTo('updateCustomer')).toHaveLength(3);
      expect(fakes.idempotency.items.size).toBe(0);
    });

    it('a malformed key on a create is a 422 naming the header, before any Konnektive call', async () => {
      await expect(run({ idempotencyKey: 'has space' })).rejects.toThrow(/Idempotency-Key/);
      expect(fakes.konnektive.calls).toHaveLength(0);
    });
  });

  describe('Konnektive failures', () => {
    it('rejected stored credentials: CredentialsRejectedError (403), connection marked invalid, key released', async () => {
      fakes.konnektive.failNext(
        'importOrder',
        new KonnektiveAuthError('Could not authenticate credentials', 'order/import'),
      );
      await expect(run()).rejects.toBeInstanceOf(CredentialsRejectedError);
      expect((await fakes.connections.get(connection.connectionId))?.status).toBe('invalid');
      expect(fakes.idempotency.items.size).toBe(0);
    });

    it('an invalid connection is refused without calling Konnektive (no lockout from repeated bad logins)', async () => {
      await expect(run({ connection: { ...connection, status: 'invalid' } })).rejects.toBeInstanceOf(
        CredentialsRejectedError,
      );
      expect(fakes.konnektive.calls).toHaveLength(0);
    });

    it.each([
      [
        'not whitelisted',
        new KonnektiveNotWhitelistedError(
          'IP must be whitelisted - 198.51.100.7',
          'order/import',
          '198.51.100.7',
        ),
        NotWhitelistedError,
      ],
      [
        'permission',
        new KonnektivePermissionError('Permission denied', 'order/import', 'Import Orders'),
        MissingPermissionsError,
      ],
    ])(
      '%s: the domain error propagates and the key is released for a retry after the fix',
      async (_name, error, domainError) => {
        fakes.konnektive.failNext('importOrder', error);
        const thrown = await run().catch((e: unknown) => e);
        expect(thrown).toBeInstanceOf(domainError);
        expect((thrown as Error).cause).toBe(error);
        expect(fakes.idempotency.items.size).toBe(0);
        await expect(run()).resolves.toMatchObject({ statusCode: 200 });
      },
    );

    it('transient before sending (connection refused): 503, key released, the retry calls Konnektive', async () => {
      const refused = new KonnektiveTransientError(
        'Konnektive order/import could not be reached',
        'order/import',
        {
          cause: new TypeError('fetch failed', {
            cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
          }),
        },
      );
      fakes.konnektive.failNext('importOrder', refused);
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect((error as UpstreamUnavailableError).retryAfterSeconds).toBe(30);
      expect(fakes.idempotency.items.size).toBe(0);
      await expect(run()).resolves.toMatchObject({ statusCode: 200, replayed: false });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(2);
    });

    it('HTTP 429 from Konnektive: RateLimitedError, key released (nothing was processed)', async () => {
      fakes.konnektive.failNext(
        'importOrder',
        new KonnektiveTransientError('Konnektive order/import answered HTTP 429', 'order/import', {
          status: 429,
        }),
      );
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).retryAfterSeconds).toBe(30);
      expect(fakes.idempotency.items.size).toBe(0);
      await expect(run()).resolves.toMatchObject({ statusCode: 200, replayed: false });
    });

    it('timeout after sending a sale: OUTCOME_UNKNOWN (never a 503), stored, a retry never charges again', async () => {
      fakes.konnektive.failNext(
        'importOrder',
        new KonnektiveTransientError('Konnektive order/import timed out after 25000 ms', 'order/import'),
      );
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(error).not.toBeInstanceOf(UpstreamUnavailableError);
      expect((error as Error).message).toMatch(
        /the sale \(and its charge\) may or may not have gone through.*will not send it again for 24 hours/,
      );
      const replay = await run();
      expect(replay).toMatchObject({
        statusCode: 502,
        replayed: true,
        headers: { 'Idempotency-Replayed': 'true' },
        body: { code: 'OutcomeUnknownError', message: (error as Error).message },
      });
      expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
    });

    it('an unreadable answer to a lead is an unknown outcome too; without a key the message says how to be safe', async () => {
      fakes.konnektive.failNext(
        'importLead',
        new KonnektiveTransientError('answered a non-JSON body', 'leads/import', { status: 200 }),
      );
      const lead = { campaignId: 1, firstName: 'A', lastName: 'B', emailAddress: 'a@example.com' };
      const error = await run({ action: 'create_lead', body: lead, idempotencyKey: undefined }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as Error).message).toMatch(/the lead may or may not.*send an Idempotency-Key/);
      expect((error as Error).message.length).toBeLessThanOrEqual(250);
      expect(fakes.idempotency.items.size).toBe(0);
    });

    it('timeout after sending a retry-safe action (cancel): OUTCOME_UNKNOWN saying a re-run is safe; the re-run sends again', async () => {
      const body = { orderId: 'ABC123', cancelReason: 'asked' };
      fakes.konnektive.failNext(
        'cancelOrder',
        new KonnektiveTransientError('answered HTTP 502', 'order/cancel', { status: 502 }),
      );
      const error = await run({ action: 'cancel_order', body }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as Error).message).toMatch(/running the step again is safe$/);
      expect(fakes.idempotency.items.size).toBe(0);
      await expect(run({ action: 'cancel_order', body })).resolves.toMatchObject({ statusCode: 200 });
      expect(fakes.konnektive.callsTo('cancelOrder')).toHaveLength(2);
    });

    it('a failure to store the result still answers the result (the sale happened)', async () => {
      const warnings: string[] = [];
      fakes.idempotency.failNext('complete');
      const response = await runAction(
        { ...deps, logger: { warn: (message) => warnings.push(message) } },
        { connection, action: 'create_sale', body: saleBody(), idempotencyKey: 'k' },
      );
      expect(response.statusCode).toBe(200);
      expect(warnings).toEqual(['could not store the idempotent response']);
    });
  });
});

describe("the answer: the resource's new state", () => {
  it('create_sale answers the order read back from Konnektive, serialized like GET /orders', async () => {
    const response = await run();
    const body = response.body as Record<string, unknown>;
    expect(fakes.konnektive.calls.map((call) => call.method)).toEqual(['importOrder', 'queryOrders']);
    expect(fakes.konnektive.callsTo('queryOrders')[0]?.args).toEqual({
      orderId: body.orderId,
      timeZone: 'America/New_York',
    });
    expect(orderSchema.parse(body)).toMatchObject({
      id: body.orderId,
      connection: 'tenant-a',
      orderStatus: 'COMPLETE',
      customerId: expect.any(Number),
      items: [],
    });
    expect(String(body.dateCreated)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    // The replay is that same record.
    expect((await run()).body).toEqual(body);
  });

  it('a failed read-back never fails the write: what is known, every other field null, and a warning', async () => {
    const warnings: string[] = [];
    fakes.konnektive.failAlways('queryOrders', new KonnektiveTransientError('timed out', 'order/query'));
    const response = await runAction(
      { ...deps, logger: { warn: (message) => warnings.push(message) } },
      { connection, action: 'create_sale', body: saleBody(), idempotencyKey: 'k' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      orderStatus: 'COMPLETE',
      firstName: 'Testy',
      campaignId: 1,
      couponCode: null,
      fulfillments: [],
      items: [],
    });
    expect(JSON.stringify(response.body)).not.toContain('0000000000000000');
    expect(warnings).toEqual(['could not read the record back after the write']);
  });

  it('while the record is read back, the key already holds what is known: a retry then replays it, never charges again', async () => {
    const hold = fakes.konnektive.hold('queryOrders');
    const first = run();
    await hold.reached;
    const replay = await run();
    expect(replay).toMatchObject({
      statusCode: 200,
      replayed: true,
      body: { orderStatus: 'COMPLETE', couponCode: null },
    });
    expect(fakes.konnektive.callsTo('importOrder')).toHaveLength(1);
    hold.release();
    const answered = await first;
    expect(answered.replayed).toBe(false);
    // Once read back, the full record replaces it under the key.
    expect((await run()).body).toEqual(answered.body);
  });

  it('a read-back slower than its limit is given up: the answer goes out with what is known', async () => {
    const warnings: string[] = [];
    const hold = fakes.konnektive.hold('queryOrders');
    const response = await runAction(
      { ...deps, readBackTimeoutMs: 20, logger: { warn: (message) => warnings.push(message) } },
      { connection, action: 'create_sale', body: saleBody(), idempotencyKey: 'slow' },
    );
    expect(response).toMatchObject({ statusCode: 200, body: { orderStatus: 'COMPLETE', fulfillments: [] } });
    expect(warnings).toEqual(['could not read the record back after the write']);
    hold.release();
  });

  it('cancel_order answers the cancelled order; update_customer the customer with its new fields', async () => {
    const sale = (await run({ idempotencyKey: undefined })).body as { orderId: string; customerId: number };
    const cancelled = await run({
      action: 'cancel_order',
      body: { orderId: sale.orderId, cancelReason: 'asked' },
    });
    expect(cancelled.body).toMatchObject({ id: sale.orderId, orderStatus: 'CANCELLED' });
    const updated = await run({
      action: 'update_customer',
      body: { customerId: String(sale.customerId), city: 'Shelbyville' },
    });
    expect(customerSchema.parse(updated.body)).toMatchObject({
      id: String(sale.customerId),
      customerId: sale.customerId,
      city: 'Shelbyville',
      firstName: 'Testy',
      shipCity: null,
    });
    expect(fakes.konnektive.callsTo('queryCustomers')[0]?.args).toEqual({
      customerId: sale.customerId,
      timeZone: 'America/New_York',
    });
  });
});

describe('idempotency helpers', () => {
  it('canonical JSON ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"c":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(bodyHash({ a: 1, b: 2 })).toBe(bodyHash({ b: 2, a: 1 }));
    expect(bodyHash({ a: 1 })).not.toBe(bodyHash({ a: 2 }));
  });

  it('parses the Idempotency-Key header: absent/blank → none, malformed → 422 naming the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('  ')).toBeUndefined();
    expect(parseIdempotencyKey(' abc-123 ')).toBe('abc-123');
    expect(() => parseIdempotencyKey('has space')).toThrow(ValidationError);
    expect(() => parseIdempotencyKey('x'.repeat(256))).toThrow(/Idempotency-Key/);
  });

  it('requestNeverSent reads connection failures anywhere in the cause chain', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(requestNeverSent(new KonnektiveTransientError('x', 'order/import', { cause: refused }))).toBe(
      true,
    );
    const aggregate = Object.assign(
      new AggregateError([Object.assign(new Error('a'), { code: 'ENOTFOUND' })]),
      {},
    );
    expect(requestNeverSent(new Error('y', { cause: aggregate }))).toBe(true);
    expect(requestNeverSent(new KonnektiveTransientError('timed out', 'order/import'))).toBe(false);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(requestNeverSent(new Error('z', { cause: reset }))).toBe(false);
  });
});

describe('Konnektive texts shown to the user', () => {
  it('never echo the card or account number we sent', async () => {
    fakes.konnektive.failNext(
      'importOrder',
      new KonnektiveValidationError('cardNumber 0000000000000000 is invalid', 'order/import', {
        cardNumber: 'value 0000-0000-0000-0000 rejected',
      }),
    );
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(
      JSON.stringify({
        message: (error as Error).message,
        fields: (error as ValidationError).fields,
      }),
    ).not.toMatch(/0000.?0000.?0000.?0000/);
    expect((error as Error).message).toBe('Konnektive rejected the input: cardNumber [redacted] is invalid');
    // A refusal is never stored, so no copy of the text is kept either.
    expect(fakes.idempotency.items.size).toBe(0);
  });

  it('scrubText masks exact secret values and card-like digit runs, nothing else', () => {
    expect(scrubText('acct 12345678 declined, amount 100', { achAccountNumber: '12345678' })).toBe(
      'acct [redacted] declined, amount 100',
    );
    expect(scrubText('card 4111 1111 1111 1111 declined', {})).toBe('card [redacted] declined');
    expect(scrubText('Transaction Declined: Card Declined', { cardNumber: '4000000000000002' })).toBe(
      'Transaction Declined: Card Declined',
    );
  });
});
