import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { API, connectedAuth, only, record, SESSION_KEY, useFakeApi } from './support/api.js';
import { App, appTester, errorPayload, fn, rejection } from './support/app.js';

useFakeApi();

const TARGET_URL = 'https://hooks.zapier.com/hooks/standard/0/fake-target/';

const cases = [
  { trigger: 'order', typeField: 'orderType', type: 'NEW_SALE' },
  { trigger: 'order', typeField: 'orderType', type: 'CANCELLED' },
  { trigger: 'order', typeField: 'orderType', type: 'NEW_LEAD' },
  { trigger: 'transaction', typeField: 'transactionType', type: 'DECLINE' },
  { trigger: 'transaction', typeField: 'transactionType', type: 'REFUND' },
] as const;

const operation = (trigger: 'order' | 'transaction') => {
  const op = App.triggers[trigger].operation;
  return {
    performSubscribe: fn('performSubscribe' in op ? op.performSubscribe : undefined),
    performUnsubscribe: fn('performUnsubscribe' in op ? op.performUnsubscribe : undefined),
    perform: fn('perform' in op ? op.perform : undefined),
    performList: fn('performList' in op ? op.performList : undefined),
  };
};

/** A payload as the backend delivers it: the Konnektive record plus id, event, occurredAt, connection. */
const payload = (trigger: string, type: string, n: number) => ({
  id: `evt-${trigger}-${type}-${n}`,
  event: `${trigger}.${type}`,
  occurredAt: '2026-01-01T17:00:00.000Z',
  connection: 'fake-api-user',
  ...(trigger === 'order' ? { orderId: `00000000${n}0`, orderStatus: 'COMPLETE' } : { transactionId: n }),
});

describe.each(cases)('$trigger trigger, type $type', ({ trigger, typeField, type }) => {
  const { performSubscribe, performUnsubscribe, perform, performList } = operation(trigger);

  it('subscribes with {trigger, type, targetUrl} and returns the subscription (top-level id)', async () => {
    const subscription = {
      id: 'sub-1',
      trigger,
      type,
      targetUrl: TARGET_URL,
      createdAt: '2026-01-01T00:00:00Z',
    };
    const seen = record(nock(API).post('/subscriptions').reply(201, subscription));

    const result = await appTester(performSubscribe, {
      authData: connectedAuth,
      inputData: { [typeField]: type },
      targetUrl: TARGET_URL,
    });

    expect(result).toEqual(subscription);
    const request = only(seen);
    expect(request.body).toEqual({ trigger, type, targetUrl: TARGET_URL });
    expect(request.headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
  });

  it('unsubscribes by the stored subscription id', async () => {
    const seen = record(nock(API).delete('/subscriptions/sub-1').reply(204));
    const result = await appTester(performUnsubscribe, {
      authData: connectedAuth,
      inputData: { [typeField]: type },
      subscribeData: { id: 'sub-1' },
    });
    expect(result).toEqual({ id: 'sub-1', deleted: true });
    expect(only(seen).method).toBe('DELETE');
  });

  it('returns the delivered payload as one event', async () => {
    const event = payload(trigger, type, 1);
    const result = await appTester(perform, {
      authData: connectedAuth,
      inputData: { [typeField]: type },
      cleanedRequest: event,
    });
    expect(result).toEqual([event]);
  });

  it('lists samples for the type from the API, in the hook payload shape', async () => {
    const samples = [payload(trigger, type, 2), payload(trigger, type, 1)];
    const seen = record(
      nock(API).get(`/triggers/${trigger}/samples`).query({ type }).reply(200, { source: 'live', samples }),
    );
    const result = await appTester(performList, {
      authData: connectedAuth,
      inputData: { [typeField]: type },
      meta: { isLoadingSample: true },
    });
    expect(result).toEqual(samples);
    expect(only(seen).path).toBe(`/triggers/${trigger}/samples?type=${type}`);
  });
});

describe('hook trigger edge cases', () => {
  const order = operation('order');
  const transaction = operation('transaction');

  it('returns a delivered array as it is, one event per element', async () => {
    const events = [payload('order', 'NEW_SALE', 1), payload('order', 'NEW_SALE', 2)];
    const result = await appTester(order.perform, {
      authData: connectedAuth,
      inputData: { orderType: 'NEW_SALE' },
      cleanedRequest: events,
    });
    expect(result).toEqual(events);
  });

  it('runs nothing for a delivery without a JSON object', async () => {
    const result = await appTester(order.perform, {
      authData: connectedAuth,
      inputData: { orderType: 'NEW_SALE' },
    });
    expect(result).toEqual([]);
  });

  it('refuses to subscribe to a type that does not belong to the trigger, without calling the API', async () => {
    const error = await rejection(
      appTester(transaction.performSubscribe, {
        authData: connectedAuth,
        inputData: { transactionType: 'NEW_SALE' },
        targetUrl: TARGET_URL,
      }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'INVALID_TYPE', status: 400 });
  });

  it('fails when the subscription answer has no id (Zapier could never unsubscribe)', async () => {
    nock(API).post('/subscriptions').reply(201, { trigger: 'order', type: 'NEW_SALE' });
    const error = await rejection(
      appTester(order.performSubscribe, {
        authData: connectedAuth,
        inputData: { orderType: 'NEW_SALE' },
        targetUrl: TARGET_URL,
      }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it("surfaces the API's refusal of a target URL", async () => {
    nock(API).post('/subscriptions').reply(422, {
      message: 'targetUrl must start with https://hooks.zapier.com/',
      code: 'VALIDATION_FAILED',
    });
    const error = await rejection(
      appTester(order.performSubscribe, {
        authData: connectedAuth,
        inputData: { orderType: 'NEW_SALE' },
        targetUrl: 'https://evil.example/hook',
      }),
    );
    expect(errorPayload(error)).toEqual({
      message: 'targetUrl must start with https://hooks.zapier.com/',
      code: 'VALIDATION_FAILED',
      status: 422,
    });
  });

  it('treats an unknown subscription (404) as already unsubscribed', async () => {
    nock(API).delete('/subscriptions/sub-gone').reply(404, { message: 'Not found', code: 'NOT_FOUND' });
    const result = await appTester(order.performUnsubscribe, {
      authData: connectedAuth,
      subscribeData: { id: 'sub-gone' },
    });
    expect(result).toEqual({ id: 'sub-gone', deleted: true });
  });

  it('reports a failed unsubscribe other than 404', async () => {
    nock(API).delete('/subscriptions/sub-1').reply(500, { message: 'Internal error', code: 'INTERNAL' });
    const error = await rejection(
      appTester(order.performUnsubscribe, { authData: connectedAuth, subscribeData: { id: 'sub-1' } }),
    );
    expect(errorPayload(error)).toMatchObject({ message: 'Internal error', code: 'INTERNAL', status: 500 });
  });

  it('makes no request when there is no stored subscription id', async () => {
    const result = await appTester(order.performUnsubscribe, { authData: connectedAuth });
    expect(result).toEqual({ deleted: false });
  });

  it('escapes the subscription id in the path', async () => {
    const seen = record(nock(API).delete('/subscriptions/a%2Fb').reply(204));
    await appTester(order.performUnsubscribe, { authData: connectedAuth, subscribeData: { id: 'a/b' } });
    expect(only(seen).path).toBe('/subscriptions/a%2Fb');
  });

  it("returns no samples when the API has only its made-up one (Zapier then shows the trigger's own sample)", async () => {
    const seen = record(
      nock(API)
        .get('/triggers/order/samples')
        .query({ type: 'NEW_LEAD' })
        .reply(200, { source: 'static', samples: [payload('order', 'NEW_LEAD', 0)] }),
    );
    const result = await appTester(order.performList, {
      authData: connectedAuth,
      inputData: { orderType: 'NEW_LEAD' },
      meta: { isLoadingSample: true },
    });
    expect(result).toEqual([]);
    expect(only(seen).path).toBe('/triggers/order/samples?type=NEW_LEAD');
  });

  it('fails when the samples answer has no list', async () => {
    nock(API).get('/triggers/transaction/samples').query({ type: 'REFUND' }).reply(200, { source: 'live' });
    const error = await rejection(
      appTester(transaction.performList, {
        authData: connectedAuth,
        inputData: { transactionType: 'REFUND' },
      }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
