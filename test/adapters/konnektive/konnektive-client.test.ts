import { describe, expect, it } from 'vitest';
import {
  type KonnektiveCallInfo,
  KonnektiveClient,
} from '../../../functions/adapters/konnektive/konnektive-client.js';
import {
  KonnektiveAuthError,
  KonnektiveDeclinedError,
  KonnektiveError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveTransientError,
  KonnektiveValidationError,
} from '../../../functions/core/konnektive.js';
import {
  CREDS,
  collect,
  failure,
  fakeFetch,
  hang,
  json,
  listPage,
  order,
  type Reply,
  success,
  text,
} from './fake-konnektive.js';

const BASE = 'https://konnektive.example.test';
const RANGE = { start: new Date('2026-06-10T15:00:00Z'), end: new Date('2026-06-10T16:00:00Z') };

/** A client over a scripted fetch; sleeps are recorded instead of waited. */
function setup(
  script: Reply[],
  options: Partial<ConstructorParameters<typeof KonnektiveClient>[0]> = {},
  fallback?: Reply,
) {
  const fake = fakeFetch(script, fallback);
  const sleeps: number[] = [];
  const calls: KonnektiveCallInfo[] = [];
  const client = new KonnektiveClient({
    baseUrl: BASE,
    fetch: fake.fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onCall: (info) => calls.push(info),
    ...options,
  });
  return { client, requests: fake.requests, sleeps, calls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const firstPage = (client: KonnektiveClient) => collect(client.queryOrders(CREDS, { range: RANGE }));

describe('KonnektiveClient transport', () => {
  it('POSTs a form body with credentials and params to the slash-terminated path', async () => {
    const { client, requests } = setup([success('Order cancelled')], { baseUrl: `${BASE}/` });
    const result = await client.cancelOrder(CREDS, {
      orderId: '7B83FF8095',
      cancelReason: 'Customer asked & agreed',
      fullRefund: 1,
      afterNextBill: undefined,
    });
    expect(result).toBe('Order cancelled');
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe(`${BASE}/order/cancel/`);
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      loginId: CREDS.loginId,
      password: CREDS.password,
      orderId: '7B83FF8095',
      cancelReason: 'Customer asked & agreed',
      fullRefund: '1',
    });
    expect(request?.body).toContain('cancelReason=Customer+asked+%26+agreed');
  });

  it('sends JavaScript booleans as 1/0', async () => {
    const { client, requests } = setup([success({ orderId: 'A1' })]);
    // Booleans are outside the port's param type but common from JavaScript callers.
    const params = { campaignId: 3, billShipSame: true, disableCustomerDedup: false } as unknown as Record<
      string,
      string
    >;
    await client.importLead(CREDS, params);
    expect(requests[0]?.form.get('billShipSame')).toBe('1');
    expect(requests[0]?.form.get('disableCustomerDedup')).toBe('0');
    expect(requests[0]?.form.get('campaignId')).toBe('3');
  });

  it('sends query windows, paging and filters on order/query', async () => {
    const { client, requests } = setup([listPage([order({ dateCreated: '2026-06-10 11:30:00' })])]);
    await collect(
      client.queryOrders(CREDS, {
        range: RANGE,
        orderStatus: 'COMPLETE',
        orderType: 'NEW_SALE',
        customerId: 1266,
      }),
    );
    expect(requests[0]?.url).toBe(`${BASE}/order/query/`);
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({
      loginId: CREDS.loginId,
      password: CREDS.password,
      orderStatus: 'COMPLETE',
      orderType: 'NEW_SALE',
      customerId: '1266',
      sortDir: '1',
      dateRangeType: 'dateCreated',
      // 15:00–16:00 UTC is 11:00–12:00 EDT, the default account zone.
      startDate: '06/10/2026',
      endDate: '06/10/2026',
      startTime: '11:00:00',
      endTime: '12:00:00',
      resultsPerPage: '200',
      page: '1',
    });
  });

  it('does not follow redirects (credentials must not be re-sent elsewhere)', async () => {
    const fake = fakeFetch([success({})]);
    let seen: RequestInit | undefined;
    const client = new KonnektiveClient({
      baseUrl: BASE,
      fetch: (input, init) => {
        seen = init;
        return fake.fetch(input, init);
      },
    });
    await client.updateCustomer(CREDS, { customerId: 5, city: 'Springfield' });
    expect(seen?.redirect).toBe('manual');
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('KonnektiveClient failures', () => {
  it('maps "Could not authenticate credentials" to an auth error and never retries it', async () => {
    const { client, requests, sleeps } = setup([failure('Could not authenticate credentials')]);
    const error = await rejectionOf(firstPage(client));
    expect(error).toBeInstanceOf(KonnektiveAuthError);
    expect((error as KonnektiveAuthError).endpoint).toBe('order/query');
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('maps the IP whitelist text to NotWhitelisted with the caller IP', async () => {
    const { client } = setup([failure('IP must be whitelisted - 203.0.113.50')]);
    const error = await rejectionOf(firstPage(client));
    expect(error).toBeInstanceOf(KonnektiveNotWhitelistedError);
    expect((error as KonnektiveNotWhitelistedError).callerIp).toBe('203.0.113.50');
  });

  it('maps a permission refusal (unknown wording) to a permission error naming the permission', async () => {
    const { client } = setup([failure('This API user does not have access to this resource')]);
    const error = await rejectionOf(collect(client.queryTransactions(CREDS, { range: RANGE })));
    expect(error).toBeInstanceOf(KonnektivePermissionError);
    expect((error as KonnektivePermissionError).permission).toBe('Query Transactions');
  });

  it('surfaces a decline with its reason', async () => {
    const { client } = setup([failure('Transaction Declined: Card Declined')]);
    const error = await rejectionOf(
      client.importOrder(CREDS, { orderId: 'ABC', cardNumber: '4111111111111111' }),
    );
    expect(error).toBeInstanceOf(KonnektiveDeclinedError);
    expect((error as KonnektiveDeclinedError).reason).toBe('Card Declined');
    expect((error as Error).message).not.toContain('4111111111111111');
  });

  it('surfaces field errors as a validation error with fields', async () => {
    const { client } = setup([
      failure({ shipAddress1: 'is a required field', shipCity: 'is a required field' }),
    ]);
    const error = await rejectionOf(client.importLead(CREDS, { campaignId: 1 }));
    expect(error).toBeInstanceOf(KonnektiveValidationError);
    expect((error as KonnektiveValidationError).fields).toEqual({
      shipAddress1: 'is a required field',
      shipCity: 'is a required field',
    });
    expect((error as Error).message).toBe('shipAddress1: is a required field; shipCity: is a required field');
  });

  it('surfaces MERC_REDIRECT as a redirect error carrying the message', async () => {
    const { client } = setup([json({ result: 'MERC_REDIRECT', message: { script: '<form>…</form>' } })]);
    const error = await rejectionOf(client.importOrder(CREDS, { orderId: 'ABC' }));
    expect(error).toBeInstanceOf(KonnektiveRedirectError);
    expect((error as KonnektiveRedirectError).redirect).toEqual({ script: '<form>…</form>' });
  });

  it('treats a non-JSON body as transient and retries it on reads', async () => {
    const { client, requests, sleeps, calls } = setup([
      text('<html><body>502 Bad Gateway</body></html>'),
      text('Service temporarily unavailable', 200, 'text/plain'),
      listPage([order()]),
    ]);
    const pages = await firstPage(client);
    expect(pages[0]?.records).toHaveLength(1);
    expect(requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(calls.map((c) => [c.outcome, c.attempt])).toEqual([
      ['transient', 1],
      ['transient', 2],
      ['success', 3],
    ]);
  });

  it('retries 5xx on reads with capped, growing, jittered backoff and finally throws transient', async () => {
    const { client, requests, sleeps } = setup(
      [],
      { retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300 }, random: () => 0.999 },
      text('upstream down', 503),
    );
    const error = await rejectionOf(firstPage(client));
    expect(error).toBeInstanceOf(KonnektiveTransientError);
    expect((error as KonnektiveTransientError).status).toBe(503);
    expect(requests).toHaveLength(6);
    // Ceilings 100, 200, 400→300, 300, 300 (capped), scaled by the jitter 0.999.
    expect(sleeps).toEqual([99, 199, 299, 299, 299]);
    for (let i = 1; i < sleeps.length; i++) expect(sleeps[i]).toBeGreaterThanOrEqual(sleeps[i - 1] ?? 0);
  });

  it('keeps every jittered delay within [0, ceiling)', async () => {
    const randoms = [0, 0.25, 0.75, 0.9999];
    let next = 0;
    const { client, sleeps } = setup(
      [],
      {
        retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 4000 },
        random: () => randoms[next++ % randoms.length] ?? 0,
      },
      text('busy', 502),
    );
    await rejectionOf(firstPage(client));
    const ceilings = [1000, 2000, 4000, 4000];
    expect(sleeps).toEqual([0, 500, 3000, 3999]);
    sleeps.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceilings[i] ?? 0);
    });
  });

  it('uses the default retry policy: 4 attempts, delays capped by 250·2^n', async () => {
    const { client, requests, sleeps } = setup([], { random: () => 0.5 }, text('x', 500));
    await rejectionOf(firstPage(client));
    expect(requests).toHaveLength(4);
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it('retries 429 and network errors on reads, keeping the network error as cause', async () => {
    const networkError = new TypeError('fetch failed');
    const { client, requests } = setup([text('slow down', 429), networkError, listPage([order()])]);
    const pages = await firstPage(client);
    expect(pages[0]?.records).toHaveLength(1);
    expect(requests).toHaveLength(3);

    const failing = setup([networkError], { retry: { maxAttempts: 1 } });
    const error = await rejectionOf(firstPage(failing.client));
    expect(error).toBeInstanceOf(KonnektiveTransientError);
    expect((error as Error).cause).toBe(networkError);
  });

  it('does not retry other 4xx answers or redirects (api errors)', async () => {
    for (const status of [400, 404, 302]) {
      const { client, requests } = setup([text('nope', status)]);
      const error = await rejectionOf(firstPage(client));
      expect(error).toBeInstanceOf(KonnektiveError);
      expect(error).not.toBeInstanceOf(KonnektiveTransientError);
      expect((error as KonnektiveError).errorClass).toBe('api');
      expect((error as Error).message).toContain(String(status));
      expect(requests).toHaveLength(1);
    }
  });

  it('does not retry JSON that is not an envelope (contract violation)', async () => {
    const { client, requests } = setup([json({ status: 'ok' })]);
    const error = await rejectionOf(firstPage(client));
    expect((error as KonnektiveError).errorClass).toBe('api');
    expect(requests).toHaveLength(1);
  });

  it('times a read out with the configured timeout, aborting the request, and retries it', async () => {
    const { client, requests, calls } = setup([hang, hang], {
      queryTimeoutMs: 25,
      retry: { maxAttempts: 2 },
    });
    const error = await rejectionOf(firstPage(client));
    expect(error).toBeInstanceOf(KonnektiveTransientError);
    expect((error as Error).message).toMatch(/timed out after 25 ms/);
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.signal?.aborted)).toBe(true);
    expect(calls.map((c) => c.outcome)).toEqual(['transient', 'transient']);
  });

  it('times out even when fetch ignores the abort signal', async () => {
    const never: Reply = () => new Promise<Response>(() => undefined);
    const { client } = setup([never], { queryTimeoutMs: 25, retry: { maxAttempts: 1 } });
    const error = await rejectionOf(firstPage(client));
    expect(error).toBeInstanceOf(KonnektiveTransientError);
  });

  it('times out a body that never finishes', async () => {
    const stalled = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"result":'));
          },
        }),
      );
    const { client } = setup([stalled], { queryTimeoutMs: 25, retry: { maxAttempts: 1 } });
    const error = await rejectionOf(firstPage(client));
    expect(error).toBeInstanceOf(KonnektiveTransientError);
    expect((error as Error).message).toMatch(/timed out/);
  });
});

describe('KonnektiveClient writes are never retried', () => {
  const cases: Array<[string, Reply]> = [
    ['HTTP 503', text('unavailable', 503)],
    ['network error', new TypeError('fetch failed')],
    ['non-JSON body', text('<html>oops</html>')],
    ['timeout', hang],
  ];

  it.each(cases)('order/import on %s: one request, transient error', async (_name, reply) => {
    const { client, requests, sleeps } = setup([reply, success({ orderId: 'NEVER' })], {
      writeTimeoutMs: 25,
    });
    const error = await rejectionOf(
      client.importOrder(CREDS, { orderId: 'ABC', cardNumber: '0000000000000000' }),
    );
    expect(error).toBeInstanceOf(KonnektiveTransientError);
    expect((error as KonnektiveError).endpoint).toBe('order/import');
    expect(requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('keeps the HTTP status on a write transient error', async () => {
    const { client } = setup([text('unavailable', 503)]);
    const error = await rejectionOf(client.updateFulfillment(CREDS, { orderId: 'ABC' }));
    expect((error as KonnektiveTransientError).status).toBe(503);
  });

  it('uses the write timeout for writes, not the query timeout', async () => {
    const slow: Reply = () =>
      new Promise<Response>((resolve) => setTimeout(() => resolve(success({ ok: 1 })), 60));
    const { client } = setup([slow], { queryTimeoutMs: 5, writeTimeoutMs: 10_000 });
    await expect(client.updateCustomer(CREDS, { customerId: 1 })).resolves.toEqual({ ok: 1 });
  });
});

describe('KonnektiveClient write results', () => {
  it('returns the order of a successful import, money as strings', async () => {
    const message = {
      orderId: 'D6C8C390A7',
      customerId: 1266,
      orderStatus: 'COMPLETE',
      totalAmount: '29.99',
    };
    const { client } = setup([success(message)]);
    await expect(client.importOrder(CREDS, { orderId: 'D6C8C390A7' })).resolves.toEqual(message);
  });

  it("normalizes leads/import's DateTime dateCreated", async () => {
    const raw = { date: '2026-06-10 08:01:02.000000', timezone_type: 3, timezone: 'America/New_York' };
    const { client } = setup([success({ orderId: 'AB12', orderStatus: 'PARTIAL', dateCreated: raw })]);
    const lead = await client.importLead(CREDS, { campaignId: 1, firstName: 'Test', lastName: 'Person' });
    expect(lead.dateCreated).toBe('2026-06-10 08:01:02');
    expect(lead).not.toHaveProperty('dateCreatedRaw');
  });
});

describe('KonnektiveClient observability and secrets', () => {
  it('reports each attempt to onCall without credentials', async () => {
    const { client, calls } = setup([text('x', 500), listPage([order()])]);
    await firstPage(client);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ endpoint: 'order/query', outcome: 'transient', attempt: 1 });
    expect(calls[1]).toMatchObject({ endpoint: 'order/query', outcome: 'success', attempt: 2 });
    for (const call of calls) {
      expect(Object.keys(call).sort()).toEqual(['attempt', 'durationMs', 'endpoint', 'outcome']);
      expect(call.durationMs).toBeGreaterThanOrEqual(0);
    }
    const serialized = JSON.stringify(calls);
    expect(serialized).not.toContain(CREDS.password);
    expect(serialized).not.toContain(CREDS.loginId);
  });

  it('reports empty results and error classes', async () => {
    const { client, calls } = setup([failure('No orders matching those parameters could be found')]);
    await firstPage(client);
    const failing = setup([failure('Could not authenticate credentials')]);
    await rejectionOf(firstPage(failing.client));
    expect(calls.map((c) => c.outcome)).toEqual(['empty']);
    expect(failing.calls.map((c) => c.outcome)).toEqual(['auth']);
  });

  it('ignores a throwing onCall hook', async () => {
    const { client } = setup([listPage([order()])], {
      onCall: () => {
        throw new Error('metrics backend down');
      },
    });
    await expect(firstPage(client)).resolves.toHaveLength(1);
  });

  it('never puts credentials in error messages or cause chains, even when Konnektive echoes them', async () => {
    const echoes = [
      failure(`Invalid password ${CREDS.password} for ${CREDS.loginId}`),
      failure({ password: `${CREDS.password} is wrong` }),
      failure(`Something about ${CREDS.password}`),
    ];
    for (const reply of echoes) {
      const { client } = setup([reply]);
      const error = await rejectionOf(client.updateCustomer(CREDS, { customerId: 1 }));
      const chain: string[] = [];
      for (let e: unknown = error; e instanceof Error; e = e.cause) {
        chain.push(e.message, e.stack ?? '', JSON.stringify(e));
      }
      const all = chain.join('\n');
      expect(all).toContain('[redacted]');
      expect(all).not.toContain(CREDS.password);
      expect(all).not.toContain(CREDS.loginId);
    }
  });

  it('rejects an invalid baseUrl at construction', () => {
    expect(() => new KonnektiveClient({ baseUrl: 'not a url' })).toThrow(/baseUrl/);
    expect(() => new KonnektiveClient({ baseUrl: 'ftp://x.test' })).toThrow(/baseUrl/);
    expect(() => new KonnektiveClient({ baseUrl: BASE, queryTimeoutMs: 0 })).toThrow(/queryTimeoutMs/);
  });
});
