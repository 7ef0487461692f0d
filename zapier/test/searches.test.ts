import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { API, connectedAuth, only, record, SESSION_KEY, useFakeApi } from './support/api.js';
import { App, appTester, errorPayload, fn, rejection } from './support/app.js';
import { apiCustomer, apiOrder } from './support/records.js';

useFakeApi();

const findOrder = fn(App.searches.find_order.operation.perform);
const findCustomer = fn(App.searches.find_customer.operation.perform);

describe('find_order', () => {
  it('asks GET /orders with the filled-in inputs only and returns the results in the API order', async () => {
    const newest = apiOrder({ orderId: '0000000B02', id: '0000000B02' });
    const older = apiOrder();
    const seen = record(
      nock(API)
        .get('/orders')
        .query({ emailAddress: 'sample.customer@example.com', phoneNumber: '5555550100' })
        .reply(200, { results: [newest, older] }),
    );
    const result = await appTester(findOrder, {
      authData: connectedAuth,
      inputData: { orderId: '  ', emailAddress: ' sample.customer@example.com ', phoneNumber: '5555550100' },
    });
    expect(result).toEqual([newest, older]);
    const request = only(seen);
    expect(request.path).toBe('/orders?emailAddress=sample.customer%40example.com&phoneNumber=5555550100');
    expect(request.headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
  });

  it('searches by order id', async () => {
    nock(API)
      .get('/orders')
      .query({ orderId: '0000000A01' })
      .reply(200, { results: [apiOrder()] });
    const result = await appTester(findOrder, {
      authData: connectedAuth,
      inputData: { orderId: '0000000A01' },
    });
    expect(result).toEqual([apiOrder()]);
  });

  it('finds nothing without failing (Zapier then offers the "create" half or stops the Zap quietly)', async () => {
    nock(API).get('/orders').query({ orderId: '0000000FFF' }).reply(200, { results: [] });
    const result = await appTester(findOrder, {
      authData: connectedAuth,
      inputData: { orderId: '0000000FFF' },
    });
    expect(result).toEqual([]);
  });

  it('stops with a message, without calling the API, when every input is empty', async () => {
    const error = await rejection(
      appTester(findOrder, { authData: connectedAuth, inputData: { orderId: '', emailAddress: null } }),
    );
    const payload = errorPayload(error);
    expect(payload).toMatchObject({ code: 'SEARCH_INPUT_MISSING', status: 400 });
    expect(String(payload.message)).toContain('Order ID, Email Address or Phone Number');
  });

  it('fails clearly when the answer has no results list', async () => {
    nock(API).get('/orders').query({ orderId: '0000000A01' }).reply(200, { orders: [] });
    const error = await rejection(
      appTester(findOrder, { authData: connectedAuth, inputData: { orderId: '0000000A01' } }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('find_customer', () => {
  it('asks GET /customers by email or phone and returns the customers', async () => {
    const seen = record(
      nock(API)
        .get('/customers')
        .query({ phoneNumber: '5555550100' })
        .reply(200, { results: [apiCustomer()] }),
    );
    const result = await appTester(findCustomer, {
      authData: connectedAuth,
      inputData: { phoneNumber: '5555550100' },
    });
    expect(result).toEqual([apiCustomer()]);
    expect(only(seen).path).toBe('/customers?phoneNumber=5555550100');
  });

  it('stops with a message naming its two inputs when both are empty', async () => {
    const error = await rejection(appTester(findCustomer, { authData: connectedAuth, inputData: {} }));
    expect(String(errorPayload(error).message)).toContain('Email Address or Phone Number');
  });
});
