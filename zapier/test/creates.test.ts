import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { buildActionBody } from '../src/creates/action.js';
import {
  API,
  connectedAuth,
  only,
  record,
  SESSION_KEY,
  type SeenRequest,
  useFakeApi,
} from './support/api.js';
import { App, appTester, errorPayload, fn, rejection } from './support/app.js';
import { apiCustomer, apiOrder } from './support/records.js';

useFakeApi();

type CreateKey = keyof typeof App.creates;

const perform = (key: CreateKey) => fn(App.creates[key].operation.perform);

/** Runs a create against a fake API answering `result`; returns what it returned and the request it made. */
const run = async (
  key: CreateKey,
  inputData: Record<string, unknown>,
  result: Record<string, unknown> = { ok: true },
  authData: Record<string, string> = connectedAuth,
): Promise<{ output: unknown; request: SeenRequest }> => {
  const seen = record(nock(API).post(`/actions/${key}`).reply(200, result));
  const output = await appTester(perform(key), { authData, inputData });
  return { output, request: only(seen) };
};

const keyOf = (request: SeenRequest): string => {
  const key = request.headers.get('idempotency-key');
  if (!key) throw new Error('no Idempotency-Key header');
  return key;
};

// Obviously fake card data (Konnektive's test card).
const saleInput = {
  campaignId: '12',
  products: [
    { id: '101', qty: '2', price: '19.99', shipPrice: '4.50' },
    { id: 102, qty: 1 },
  ],
  paySource: 'CREDITCARD',
  cardNumber: '0000000000000000',
  cardMonth: '12',
  cardYear: '2030',
  cardSecurityCode: '100',
  couponCode: 'SAMPLECOUPON',
  firstName: 'Sample',
  lastName: 'Customer',
  emailAddress: 'sample.customer@example.com',
  phoneNumber: '555-0100',
  address1: '123 Example Street',
  city: 'Exampleville',
  state: 'NY',
  postalCode: '00000',
  country: 'US',
  billShipSame: 'false',
  shipFirstName: 'Sample',
  shipLastName: 'Recipient',
  shipAddress1: '9 Example Road',
  shipCity: 'Exampleville',
  shipState: 'NY',
  shipPostalCode: '00000',
  shipCountry: 'US',
  affId: 'SAMPLEAFF',
  custom1: 'source-order-1',
};

describe('create_sale', () => {
  it('posts Konnektive parameter names, products as line items, typed values, with a bearer and a key', async () => {
    const { request } = await run('create_sale', { ...saleInput, notAField: 'dropped', address2: '  ' });

    expect(request.path).toBe('/actions/create_sale');
    expect(request.headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
    expect(request.body).toEqual({
      campaignId: 12,
      products: [
        { id: 101, qty: 2, price: 19.99, shipPrice: 4.5 },
        { id: 102, qty: 1 },
      ],
      paySource: 'CREDITCARD',
      cardNumber: '0000000000000000',
      cardMonth: '12',
      cardYear: '2030',
      cardSecurityCode: '100',
      couponCode: 'SAMPLECOUPON',
      firstName: 'Sample',
      lastName: 'Customer',
      emailAddress: 'sample.customer@example.com',
      phoneNumber: '555-0100',
      address1: '123 Example Street',
      city: 'Exampleville',
      state: 'NY',
      postalCode: '00000',
      country: 'US',
      billShipSame: false,
      shipFirstName: 'Sample',
      shipLastName: 'Recipient',
      shipAddress1: '9 Example Road',
      shipCity: 'Exampleville',
      shipState: 'NY',
      shipPostalCode: '00000',
      shipCountry: 'US',
      affId: 'SAMPLEAFF',
      custom1: 'source-order-1',
    });
    expect(keyOf(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never sends the card notice (a copy field) or anything but declared inputs', async () => {
    const { request } = await run('create_sale', { ...saleInput, realChargeNotice: 'x' });
    expect(request.body).not.toHaveProperty('realChargeNotice');
  });

  it("returns the API's answer, the order's new state, as it is", async () => {
    const order = apiOrder();
    const { output } = await run('create_sale', saleInput, order);
    expect(output).toEqual(order);
  });

  it('converts a lead: orderId plus products only', async () => {
    const { request } = await run('create_sale', {
      campaignId: 12,
      orderId: '0000000001',
      products: [{ id: 101 }],
      paySource: 'CREDITCARD',
    });
    expect(request.body).toEqual({
      campaignId: 12,
      orderId: '0000000001',
      products: [{ id: 101 }],
      paySource: 'CREDITCARD',
    });
  });

  it('reads a single line item typed in at the top level when no line-item array is given', async () => {
    const { request } = await run('create_sale', { campaignId: 12, id: '101', qty: '3', paySource: 'COD' });
    expect(request.body).toEqual({ campaignId: 12, products: [{ id: 101, qty: 3 }], paySource: 'COD' });
  });

  it('sends values it cannot convert as they are, so the API can name the field', async () => {
    const { request } = await run('create_sale', {
      campaignId: 'twelve',
      products: [{ id: '101', qty: 'two' }],
    });
    expect(request.body).toEqual({ campaignId: 'twelve', products: [{ id: 101, qty: 'two' }] });
  });
});

describe('the other creates', () => {
  it('create_lead posts the lead fields', async () => {
    const { request } = await run('create_lead', {
      campaignId: 12,
      firstName: 'Sample',
      lastName: 'Lead',
      emailAddress: 'sample.lead@example.com',
      billShipSame: true,
      ipAddress: '192.0.2.1',
    });
    expect(request.path).toBe('/actions/create_lead');
    expect(request.body).toEqual({
      campaignId: 12,
      firstName: 'Sample',
      lastName: 'Lead',
      emailAddress: 'sample.lead@example.com',
      billShipSame: true,
      ipAddress: '192.0.2.1',
    });
  });

  it('update_fulfillment sends the status, tracking and the date as Zapier gave it', async () => {
    const { request } = await run('update_fulfillment', {
      orderId: '0000000000',
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: 'SAMPLE-TRACKING-0',
      dateShipped: '2026-03-09T23:30:00-05:00',
      shipCarrier: 'USPS',
    });
    expect(request.path).toBe('/actions/update_fulfillment');
    expect(request.body).toEqual({
      orderId: '0000000000',
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: 'SAMPLE-TRACKING-0',
      // The API turns an instant into the Konnektive account's local date; the app does not guess the zone.
      dateShipped: '2026-03-09T23:30:00-05:00',
      shipCarrier: 'USPS',
    });
  });

  it('cancel_order sends booleans as booleans', async () => {
    const { request } = await run('cancel_order', {
      orderId: '0000000000',
      cancelReason: 'Customer request',
      fullRefund: 'yes',
      afterNextBill: false,
    });
    expect(request.path).toBe('/actions/cancel_order');
    expect(request.body).toEqual({
      orderId: '0000000000',
      cancelReason: 'Customer request',
      fullRefund: true,
      afterNextBill: false,
    });
  });

  it('update_customer sends the customer id and only the fields to change', async () => {
    const { request } = await run('update_customer', {
      customerId: '1001',
      emailAddress: 'new.address@example.com',
      shipCity: 'Newtown',
      phoneNumber: '',
    });
    expect(request.path).toBe('/actions/update_customer');
    expect(request.body).toEqual({
      customerId: 1001,
      emailAddress: 'new.address@example.com',
      shipCity: 'Newtown',
    });
  });

  it("returns the resource's new state: the cancelled order, the updated customer", async () => {
    const cancelled = apiOrder({ orderStatus: 'CANCELLED' });
    const { output: order } = await run(
      'cancel_order',
      { orderId: '0000000A01', cancelReason: 'x' },
      cancelled,
    );
    expect(order).toEqual(cancelled);
    const customer = apiCustomer({ city: 'Newtown' });
    const { output } = await run('update_customer', { customerId: 1001, city: 'Newtown' }, customer);
    expect(output).toEqual(customer);
  });

  it('fails clearly when the API answers something other than an object', async () => {
    nock(API).post('/actions/cancel_order').reply(200, ['not', 'an', 'object']);
    const error = await rejection(
      appTester(perform('cancel_order'), {
        authData: connectedAuth,
        inputData: { orderId: '0000000000', cancelReason: 'x' },
      }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('Idempotency-Key', () => {
  const lead = {
    campaignId: 12,
    firstName: 'Sample',
    lastName: 'Lead',
    emailAddress: 'sample.lead@example.com',
  };

  it('is the same for a replay of the same step (same input)', async () => {
    const first = keyOf((await run('create_sale', saleInput)).request);
    const replay = keyOf((await run('create_sale', { ...saleInput })).request);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(replay).toBe(first);
  });

  it('does not depend on the order of the input keys or on blank or unknown inputs', async () => {
    const first = keyOf((await run('create_lead', lead)).request);
    const shuffled = keyOf(
      (
        await run('create_lead', {
          emailAddress: 'sample.lead@example.com',
          lastName: 'Lead',
          firstName: 'Sample',
          campaignId: '12',
        })
      ).request,
    );
    const padded = keyOf((await run('create_lead', { ...lead, address2: '', zapierExtra: 'x' })).request);
    expect(shuffled).toBe(first);
    expect(padded).toBe(first);
  });

  it('differs when the input differs (no Unique Source ID)', async () => {
    const first = keyOf((await run('create_lead', lead)).request);
    const other = keyOf((await run('create_lead', { ...lead, lastName: 'Other' })).request);
    expect(other).not.toBe(first);
  });

  it('differs between line-item orders (a different order of products is a different sale)', async () => {
    const a = keyOf((await run('create_sale', { campaignId: 12, products: [{ id: 1 }, { id: 2 }] })).request);
    const b = keyOf((await run('create_sale', { campaignId: 12, products: [{ id: 2 }, { id: 1 }] })).request);
    expect(a).not.toBe(b);
  });

  it('comes from the Unique Source ID alone when one is given, which is never sent to Konnektive', async () => {
    const source = { ...saleInput, uniqueSourceId: ' store-order-1001 ' };
    const { request } = await run('create_sale', source);
    expect(request.body).not.toHaveProperty('uniqueSourceId');
    expect(JSON.stringify(request.body)).not.toContain('store-order-1001');

    // The same source order with edited input is the same sale: the API refuses it rather than charging again.
    const edited = keyOf((await run('create_sale', { ...source, couponCode: 'OTHER' })).request);
    const otherSource = keyOf(
      (await run('create_sale', { ...source, uniqueSourceId: 'store-order-1002' })).request,
    );
    const withoutSource = keyOf((await run('create_sale', saleInput)).request);
    expect(edited).toBe(keyOf(request));
    expect(new Set([keyOf(request), otherSource, withoutSource]).size).toBe(3);
  });

  it('differs between the two creates and between Konnektive accounts with the same Unique Source ID', async () => {
    const input = { ...lead, uniqueSourceId: 'store-order-1001' };
    const asLead = keyOf((await run('create_lead', input)).request);
    const asSale = keyOf((await run('create_sale', input)).request);
    const otherAccount = keyOf(
      (await run('create_lead', input, undefined, { ...connectedAuth, loginId: 'another-fake-user' }))
        .request,
    );
    expect(new Set([asLead, asSale, otherAccount]).size).toBe(3);
  });

  it.each(['update_fulfillment', 'cancel_order', 'update_customer'] as const)(
    'is not sent by %s: running an update again must really update (A → B → A)',
    async (key) => {
      const inputs = {
        update_fulfillment: { orderId: '0000000A01', fulfillmentStatus: 'SHIPPED', trackingNumber: 'T-1' },
        cancel_order: { orderId: '0000000A01', cancelReason: 'Customer request' },
        update_customer: { customerId: 1001, city: 'Exampleville' },
      };
      const { request } = await run(key, inputs[key]);
      expect(request.headers.get('idempotency-key')).toBeNull();
    },
  );
});

describe('buildActionBody', () => {
  it('sends only declared fields and drops empty line items', () => {
    const fields = App.creates.create_sale.operation.inputFields;
    expect(
      buildActionBody(fields ?? [], {
        campaignId: 12,
        products: [{ id: '' }, { qty: null }, { id: '5' }],
        other: 1,
      }),
    ).toEqual({ campaignId: 12, products: [{ id: 5 }] });
  });
});
