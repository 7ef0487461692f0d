/**
 * Time budgets that nest: every API route that calls Konnektive, built as deployed (HANDLER_FACTORIES over a
 * container), with the real Konnektive client against a Konnektive that never answers. Whatever the client's own
 * timeouts (30 s × 4 attempts), each route answers 503 KONNEKTIVE_UNAVAILABLE with Retry-After before its Lambda
 * context's remaining time is up; a write that was sent keeps its own rule (502 OUTCOME_UNKNOWN).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { KonnektiveClient } from '../../functions/adapters/konnektive/konnektive-client.js';
import { UPSTREAM_RETRY_AFTER_SECONDS } from '../../functions/core/konnektive-access.js';
import { createSession } from '../../functions/core/session/create-session.js';
import { createSessionRequestSchema } from '../../functions/core/session/schemas.js';
import { API_HANDLERS, API_TIME_LIMITS, type ApiHandlerName } from '../../functions/handlers/catalog.js';
import { HANDLER_FACTORIES } from '../../functions/handlers/index.js';
import type { ApiResult } from '../../functions/platform/http.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { fakeContainer } from '../support/fake-container.js';
import { createFakes, type Fakes } from '../support/fakes.js';

/** A Konnektive that accepts every request and never answers (until the client gives up on it). */
const hangingFetch = (requests: string[]): typeof fetch =>
  ((url: string | URL | Request, init?: RequestInit) => {
    requests.push(new URL(String(url)).pathname);
    return new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
    });
  }) as typeof fetch;

let fakes: Fakes;
let token: string;
let requests: string[];

beforeEach(async () => {
  fakes = createFakes();
  token = (
    await createSession(
      { ...fakes, egressIps: ['127.0.0.1'] },
      createSessionRequestSchema.parse({ loginId: 'budget-user', password: 'fake-pass-9' }),
    )
  ).token;
  requests = [];
});

/** The route as deployed, over a real client whose defaults would wait 4 × 30 s. */
const deployed = (name: ApiHandlerName) => {
  const konnektive = new KonnektiveClient({
    baseUrl: 'https://konnektive.invalid',
    fetch: hangingFetch(requests),
    queryTimeoutMs: 30_000,
    writeTimeoutMs: 30_000,
    retry: { maxAttempts: 4 },
  });
  return HANDLER_FACTORIES[name](fakeContainer(fakes, { konnektive })) as (
    event: APIGatewayProxyEventV2,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<ApiResult>;
};

/** One request per Konnektive-calling route that reaches Konnektive. */
const REQUESTS: Partial<Record<ApiHandlerName, () => APIGatewayProxyEventV2>> = {
  'create-session': () =>
    apiEvent({ method: 'POST', path: '/sessions', body: { loginId: 'other-user', password: 'fake-pass-8' } }),
  'get-samples': () =>
    apiEvent({
      method: 'GET',
      path: '/triggers/order/samples',
      pathParameters: { trigger: 'order' },
      query: { type: 'NEW_SALE' },
      token,
    }),
  'run-action': () =>
    apiEvent({
      method: 'POST',
      path: '/actions/update_customer',
      pathParameters: { action: 'update_customer' },
      body: { customerId: 42, firstName: 'Jane' },
      token,
    }),
  'find-orders': () => apiEvent({ method: 'GET', path: '/orders', query: { orderId: 'AAAAAAAAA1' }, token }),
  'find-customers': () =>
    apiEvent({ method: 'GET', path: '/customers', query: { emailAddress: 'jane@example.com' }, token }),
  'list-campaigns': () => apiEvent({ method: 'GET', path: '/campaigns', token }),
  'list-campaign-products': () =>
    apiEvent({ method: 'GET', path: '/campaigns/1/products', pathParameters: { campaignId: '1' }, token }),
  'probe-contract': () => apiEvent({ method: 'POST', path: '/contract-probe', token }),
};

const KONNEKTIVE_ROUTES = (Object.keys(API_HANDLERS) as ApiHandlerName[]).filter(
  (name) => API_HANDLERS[name].callsKonnektive,
);

/** Remaining time of the fake invocation: 1.5 s for Konnektive after the margin (too little to send a write). */
const REMAINING_MS = API_TIME_LIMITS.answerMarginMs + 1_500;

describe('a Konnektive that never answers', () => {
  it('every route that calls Konnektive is covered here', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual([...KONNEKTIVE_ROUTES].sort());
  });

  it.concurrent.each(KONNEKTIVE_ROUTES)(
    '%s answers 503 KONNEKTIVE_UNAVAILABLE with Retry-After before the function times out',
    async (name) => {
      const event = REQUESTS[name]?.();
      if (!event) throw new Error(`no request for ${name}`);
      const context = lambdaContext(REMAINING_MS);
      const started = Date.now();
      const result = await deployed(name)(event, context);
      const elapsed = Date.now() - started;
      expect(result.statusCode, result.body).toBe(503);
      expect(bodyOf(result).code).toBe('KONNEKTIVE_UNAVAILABLE');
      expect(result.headers?.['Retry-After']).toBe(String(UPSTREAM_RETRY_AFTER_SECONDS));
      // Answered with the margin still left (the response and store writes fit in it).
      expect(elapsed).toBeLessThan(REMAINING_MS - API_TIME_LIMITS.answerMarginMs / 2);
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(API_TIME_LIMITS.answerMarginMs / 2);
    },
  );

  it('a write too late to send is not sent: 503, and Konnektive saw nothing', async () => {
    const result = await deployed('run-action')(
      REQUESTS['run-action']?.() as APIGatewayProxyEventV2,
      lambdaContext(REMAINING_MS),
    );
    expect(result.statusCode).toBe(503);
    expect(requests).toEqual([]);
  });

  it('a write that was sent and is cut off by the deadline: 502 OUTCOME_UNKNOWN, still in time', async () => {
    const remaining = API_TIME_LIMITS.answerMarginMs + 2_500;
    const context = lambdaContext(remaining);
    const started = Date.now();
    const result = await deployed('run-action')(
      REQUESTS['run-action']?.() as APIGatewayProxyEventV2,
      context,
    );
    expect(result.statusCode).toBe(502);
    expect(bodyOf(result).code).toBe('OUTCOME_UNKNOWN');
    expect(requests).toEqual(['/customer/update/']);
    expect(Date.now() - started).toBeLessThan(remaining - API_TIME_LIMITS.answerMarginMs / 2);
  });
});
