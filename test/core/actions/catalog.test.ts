import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ACTIONS, findAction } from '../../../functions/core/actions/catalog.js';
import { NotFoundError } from '../../../functions/core/errors.js';
import { customerSchema, orderSchema } from '../../../functions/core/records/schemas.js';

const NY = { timeZone: 'America/New_York' };

/** A valid create_sale body for a new customer paying with the test card. */
const saleBody = (overrides: Record<string, unknown> = {}) => ({
  campaignId: '1',
  firstName: 'Testy',
  lastName: 'McTestface',
  address1: '1 Test Way',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  country: 'us',
  emailAddress: 'testy@example.com',
  cardNumber: '0000 0000 0000 0000',
  cardMonth: '3',
  cardYear: '29',
  cardSecurityCode: '100',
  products: [{ id: '101', qty: '2', price: '12.5' }, { id: 102 }],
  ...overrides,
});

/** The issues of a failed prepare, as `path: message`. */
const issues = (action: keyof typeof ACTIONS, body: unknown): string[] => {
  try {
    ACTIONS[action].prepare(body, NY);
  } catch (error) {
    if (error instanceof ZodError)
      return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected validation to fail');
};

describe('create_sale → order/import parameters', () => {
  it('maps a new customer sale: products to product{N}_*, booleans to 1/0, card fields normalized', () => {
    const { params } = ACTIONS.create_sale.prepare(saleBody({ insureShipment: 'yes' }), NY);
    expect(params).toEqual({
      campaignId: 1,
      firstName: 'Testy',
      lastName: 'McTestface',
      address1: '1 Test Way',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
      emailAddress: 'testy@example.com',
      billShipSame: 1,
      paySource: 'CREDITCARD',
      cardNumber: '0000000000000000',
      cardMonth: '03',
      cardYear: '2029',
      cardSecurityCode: '100',
      product1_id: 101,
      product1_qty: 2,
      product1_price: '12.50',
      product2_id: 102,
      product2_qty: 1,
      insureShipment: 1,
    });
  });

  it('converts a lead (orderId): no billing fields needed and the lead keeps its billShipSame', () => {
    const { params } = ACTIONS.create_sale.prepare(
      {
        campaignId: 1,
        orderId: 'A1B2C3D4E5',
        cardNumber: '0000000000000000',
        cardMonth: '12',
        cardYear: '2030',
        cardSecurityCode: '100',
        products: [{ id: 101 }],
      },
      NY,
    );
    expect(params.orderId).toBe('A1B2C3D4E5');
    expect(params).not.toHaveProperty('billShipSame');
    expect(params).not.toHaveProperty('firstName');
  });

  it('requires at least one product, even when converting a lead', () => {
    expect(issues('create_sale', saleBody({ products: [] }))).toContain(
      'products: must contain at least one product {id, qty}',
    );
    expect(issues('create_sale', { ...saleBody(), products: undefined, orderId: 'ABC' })).toContain(
      'products: must contain at least one product {id, qty}',
    );
  });

  it('requires the billing fields for a new customer, naming each', () => {
    const found = issues('create_sale', { campaignId: 1, products: [{ id: 1 }], paySource: 'COD' });
    for (const field of [
      'firstName',
      'lastName',
      'address1',
      'city',
      'state',
      'postalCode',
      'country',
      'emailAddress',
    ]) {
      expect(found).toContain(`${field}: is required without orderId or customerId`);
    }
  });

  it('billShipSame false requires the ship* fields; given, they are sent with billShipSame 0', () => {
    const found = issues('create_sale', saleBody({ billShipSame: 'false' }));
    expect(found).toEqual(
      expect.arrayContaining([
        'shipAddress1: is required when billShipSame is false',
        'shipCountry: is required when billShipSame is false',
      ]),
    );
    const { params } = ACTIONS.create_sale.prepare(
      saleBody({
        billShipSame: false,
        shipFirstName: 'Ann',
        shipLastName: 'Other',
        shipAddress1: '2 Ship St',
        shipCity: 'Shipton',
        shipState: 'NY',
        shipPostalCode: '10001',
        shipCountry: 'us',
      }),
      NY,
    );
    expect(params).toMatchObject({ billShipSame: 0, shipAddress1: '2 Ship St', shipCountry: 'US' });
  });

  it('each paySource requires its own details; other methods never carry card data', () => {
    expect(issues('create_sale', saleBody({ cardNumber: '', cardSecurityCode: undefined }))).toEqual(
      expect.arrayContaining([
        'cardNumber: is required for paySource CREDITCARD',
        'cardSecurityCode: is required for paySource CREDITCARD',
      ]),
    );
    expect(issues('create_sale', saleBody({ paySource: 'check' }))).toEqual(
      expect.arrayContaining(['achRoutingNumber: is required for paySource CHECK']),
    );
    expect(issues('create_sale', saleBody({ paySource: 'ACCTONFILE' }))).toContain(
      'customerId: is required for paySource ACCTONFILE',
    );
    const { params } = ACTIONS.create_sale.prepare(
      saleBody({
        paySource: 'CHECK',
        achAccountType: 'checking',
        achRoutingNumber: '021000021',
        achAccountNumber: '12345678',
      }),
      NY,
    );
    expect(params).toMatchObject({
      paySource: 'CHECK',
      achAccountType: 'CHECKING',
      achRoutingNumber: '021000021',
    });
    expect(params).not.toHaveProperty('cardNumber');
    expect(params).not.toHaveProperty('cardSecurityCode');
  });

  it('names every invalid field in one answer and never echoes card data', () => {
    const found = issues(
      'create_sale',
      saleBody({
        campaignId: 'abc',
        country: 'USA',
        paySource: 'BITCOIN',
        cardNumber: '4111 1111',
        cardSecurityCode: '12345',
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'campaignId: must be a positive whole number',
        'country: must be a 2-letter ISO country code such as US',
        'paySource: must be one of CREDITCARD, CHECK, ACCTONFILE, COD, DIRECTDEBIT, PREPAID',
        'cardNumber: must be 12–19 digits',
        'cardSecurityCode: must be 3–4 digits',
      ]),
    );
    expect(found.join(' ')).not.toMatch(/4111|12345/);
  });

  it('normalizes the body for the idempotency hash: "12.5" and 12.50 are the same request', () => {
    const a = ACTIONS.create_sale.prepare(saleBody({ products: [{ id: '101', price: '12.5' }] }), NY);
    const b = ACTIONS.create_sale.prepare(saleBody({ products: [{ id: 101, qty: 1, price: 12.5 }] }), NY);
    expect(a.normalized).toEqual(b.normalized);
  });
});

describe('create_lead → leads/import', () => {
  it('requires campaignId, firstName, lastName and an email or a phone', () => {
    expect(issues('create_lead', {})).toEqual(
      expect.arrayContaining([
        'campaignId: is required',
        'firstName: is required',
        'lastName: is required',
        'emailAddress: emailAddress or phoneNumber is required',
      ]),
    );
    const { params } = ACTIONS.create_lead.prepare(
      {
        campaignId: 2,
        firstName: 'Lee',
        lastName: 'Lead',
        phoneNumber: '555-0100',
        disableCustomerDedup: 'yes',
      },
      NY,
    );
    expect(params).toEqual({
      campaignId: 2,
      firstName: 'Lee',
      lastName: 'Lead',
      phoneNumber: '555-0100',
      billShipSame: 1,
      disableCustomerDedup: 1,
    });
  });
});

describe('update_fulfillment → fulfillment/update', () => {
  it('needs orderId or fulfillmentId, and SHIPPED needs trackingNumber and dateShipped', () => {
    expect(issues('update_fulfillment', { fulfillmentStatus: 'shipped' })).toEqual(
      expect.arrayContaining([
        'orderId: orderId or fulfillmentId is required',
        'trackingNumber: is required when fulfillmentStatus is SHIPPED',
        'dateShipped: is required when fulfillmentStatus is SHIPPED',
      ]),
    );
    expect(issues('update_fulfillment', { orderId: 'ABC', fulfillmentStatus: 'LOST' })).toContain(
      'fulfillmentStatus: must be one of SHIPPED, RMA_PENDING, RETURNED, CANCELLED',
    );
  });

  it.each([
    ['11/05/2026', '11/05/2026'],
    ['2026-11-05', '11/05/2026'],
    ['2026-11-05T23:30:00', '11/05/2026'],
    // An instant is the account's local date: 03:00 UTC is still the 4th in New York.
    ['2026-11-05T03:00:00Z', '11/04/2026'],
  ])('sends dateShipped %s as %s', (dateShipped, expected) => {
    const { params } = ACTIONS.update_fulfillment.prepare(
      { orderId: 'ABC123', fulfillmentStatus: 'SHIPPED', trackingNumber: '1Z999', dateShipped },
      NY,
    );
    expect(params).toEqual({
      orderId: 'ABC123',
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: '1Z999',
      dateShipped: expected,
    });
  });
});

describe('cancel_order and update_customer', () => {
  it('cancel_order requires orderId and cancelReason; flags become 1/0', () => {
    expect(issues('cancel_order', {})).toEqual(['orderId: is required', 'cancelReason: is required']);
    const { params } = ACTIONS.cancel_order.prepare(
      { orderId: 'ABC', cancelReason: 'Customer asked', fullRefund: 'true', afterNextBill: 0 },
      NY,
    );
    expect(params).toEqual({
      orderId: 'ABC',
      cancelReason: 'Customer asked',
      fullRefund: 1,
      afterNextBill: 0,
    });
  });

  it('update_customer requires customerId plus at least one field, and sends only given fields', () => {
    expect(issues('update_customer', { customerId: 7 })).toEqual([
      'customerId: give at least one field to change besides customerId (e.g. emailAddress, address1)',
    ]);
    const { params } = ACTIONS.update_customer.prepare(
      { customerId: '7', emailAddress: 'new@example.com', phoneNumber: '', shipCountry: 'ca' },
      NY,
    );
    expect(params).toEqual({ customerId: 7, emailAddress: 'new@example.com', shipCountry: 'CA' });
  });
});

describe('results: which record to read back, and what is known without it', () => {
  it('create_sale: reads back the order Konnektive created; without the read, its answer over the request fields, never the card', () => {
    const prepared = ACTIONS.create_sale.prepare(saleBody(), NY);
    const answer = { orderId: 'ABCDEF1234', customerId: 55, orderStatus: 'COMPLETE', cardLast4: '0000' };
    expect(prepared.target(answer)).toBe('ABCDEF1234');
    const fallback = prepared.fallback(answer);
    expect(fallback).toMatchObject({ ...answer, campaignId: 1, firstName: 'Testy', country: 'US' });
    expect(JSON.stringify(fallback)).not.toMatch(/0000000000000000|cardNumber|cardSecurityCode/);
    // A lead conversion names its order even when the answer does not.
    const conversion = ACTIONS.create_sale.prepare(
      { campaignId: 1, orderId: 'A1B2C3D4E5', paySource: 'ACCTONFILE', customerId: 5, products: [{ id: 1 }] },
      NY,
    );
    expect(conversion.target({})).toBe('A1B2C3D4E5');
  });

  it("create_lead: the new lead's order id; the fallback keeps the contact fields sent", () => {
    const prepared = ACTIONS.create_lead.prepare(
      { campaignId: 1, firstName: 'A', lastName: 'B', emailAddress: 'a@example.com' },
      NY,
    );
    expect(prepared.target({ orderId: 'LEAD000001', orderStatus: 'PARTIAL' })).toBe('LEAD000001');
    expect(prepared.fallback({ orderId: 'LEAD000001', orderStatus: 'PARTIAL' })).toEqual({
      campaignId: 1,
      firstName: 'A',
      lastName: 'B',
      emailAddress: 'a@example.com',
      orderId: 'LEAD000001',
      orderStatus: 'PARTIAL',
    });
  });

  it("the updates read back the order or customer they name; Konnektive's answer counts only when it is that record", () => {
    const fulfillment = ACTIONS.update_fulfillment.prepare(
      { orderId: 'ABC', fulfillmentStatus: 'CANCELLED' },
      NY,
    );
    expect(fulfillment.target('Fulfillment updated')).toBe('ABC');
    expect(fulfillment.fallback('Fulfillment updated')).toEqual({ orderId: 'ABC' });
    expect(fulfillment.fallback({ orderId: 'OTHER', orderStatus: 'COMPLETE' })).toEqual({ orderId: 'ABC' });
    const byFulfillment = ACTIONS.update_fulfillment.prepare(
      { fulfillmentId: 7, fulfillmentStatus: 'CANCELLED' },
      NY,
    );
    expect(byFulfillment.target({ orderId: 'FROMANSWER' })).toBe('FROMANSWER');
    const cancel = ACTIONS.cancel_order.prepare({ orderId: 'X1', cancelReason: 'r' }, NY);
    expect(cancel.target({ message: 'Done' })).toBe('X1');
    expect(cancel.fallback({ orderId: 'X1', orderStatus: 'CANCELLED' })).toEqual({
      orderId: 'X1',
      orderStatus: 'CANCELLED',
    });
    const customer = ACTIONS.update_customer.prepare({ customerId: '7', city: 'Shelbyville' }, NY);
    expect(customer.target('Customer updated')).toBe(7);
    expect(customer.fallback('Customer updated')).toEqual({ customerId: 7, city: 'Shelbyville' });
    expect(customer.fallback({ customerId: 7, firstName: 'Jane', city: 'Shelbyville' })).toEqual({
      customerId: 7,
      firstName: 'Jane',
      city: 'Shelbyville',
    });
  });

  it('an unknown action is a 404 naming the known ones', () => {
    expect(() => findAction('refund_order')).toThrow(NotFoundError);
    expect(() => findAction('refund_order')).toThrow(/create_sale, create_lead/);
  });
});

describe('the action registry', () => {
  it('names each action by its key, with its endpoint, summary, request schema and the record it answers', () => {
    for (const [key, action] of Object.entries(ACTIONS)) {
      expect(action.name).toBe(key);
      expect(action.endpoint).toMatch(/^[a-z]+\/[a-z]+$/);
      expect(action.summary).toContain(action.endpoint);
      expect(action.requestSchema).toBeDefined();
      expect(action.resultSchema).toBe(action.resource === 'order' ? orderSchema : customerSchema);
    }
    expect(
      Object.values(ACTIONS)
        .filter((action) => action.resource === 'customer')
        .map((a) => a.name),
    ).toEqual(['update_customer']);
  });

  it('honours an Idempotency-Key only where a resend is not harmless: the sale and the lead', () => {
    expect(
      Object.values(ACTIONS)
        .filter((action) => !action.retrySafe)
        .map((action) => action.name),
    ).toEqual(['create_sale', 'create_lead']);
  });
});
