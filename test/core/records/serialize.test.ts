import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CUSTOMER_FIELDS,
  ORDER_FIELDS,
  orderFields,
  serializeCustomer,
  serializeFields,
  serializeOrder,
  TRANSACTION_FIELDS,
  transactionFields,
} from '../../../functions/core/records/serialize.js';
import { formatKonnektiveDateTime } from '../../../functions/core/zoned-time.js';
import {
  customerRecordSample,
  orderRecordSample,
  transactionSampleFields,
} from '../../../zapier/src/fields/records.js';
import App from '../../../zapier/src/index.js';
import { checkLiveResults } from '../../../zapier/test/support/integration-checks.js';

const NEW_YORK = { timeZone: 'America/New_York' };

/** An order as Konnektive's order/query sends it (items keyed by product id, nested dates, a PHP zero date). */
const konnektiveOrder = () => ({
  orderId: '7B83FF8095',
  clientOrderId: '7B83FF8095',
  orderStatus: 'COMPLETE',
  orderType: 'NEW_SALE',
  dateCreated: '2026-11-28 09:15:00',
  dateUpdated: '2026-07-04 18:00:05',
  totalAmount: '49.99',
  customerId: 1266,
  campaignId: 1,
  emailAddress: 'jane.sample@example.com',
  cardExpiryDate: '2030-12-31 00:00:00',
  voiceLogNumber: null,
  items: {
    '3': {
      productId: '3',
      name: 'Widget',
      qty: '1',
      price: '44.99',
      nextBillDate: '2026-12-28',
      orderItemId: '988',
    },
    '4': { productId: '4', name: 'Gadget', qty: '2', price: '2.50', nextBillDate: null, orderItemId: '989' },
  },
  fulfillments: [
    {
      fulfillmentId: 55,
      trackingNumber: '9400100000000000000000',
      dateShipped: '2026-11-29',
      dateDelivered: '0000-00-00 00:00:00',
      dateCreated: '2026-11-28 09:16:00',
      items: [{ fulfillmentItemId: '1', qty: '1' }],
    },
  ],
});

describe('orders', () => {
  it('reads every date-time in the account zone (DST-correct) and keeps date-only values as dates, nested ones included', () => {
    const order = serializeOrder(konnektiveOrder(), { ...NEW_YORK, connectionLabel: 'merchant-api' });
    expect(order).toMatchObject({
      id: '7B83FF8095',
      connection: 'merchant-api',
      orderId: '7B83FF8095',
      dateCreated: '2026-11-28T09:15:00-05:00',
      dateUpdated: '2026-07-04T18:00:05-04:00',
      cardExpiryDate: '2030-12-31',
      fulfillments: [
        {
          fulfillmentId: 55,
          dateShipped: '2026-11-29',
          dateDelivered: null,
          dateCreated: '2026-11-28T09:16:00-05:00',
          items: [{ fulfillmentItemId: '1', qty: '1' }],
        },
      ],
    });
  });

  it("answers items as a list of Konnektive's item objects, unchanged inside (numbers stay strings)", () => {
    const order = orderFields(konnektiveOrder(), NEW_YORK);
    expect(order.items).toEqual([
      {
        productId: '3',
        name: 'Widget',
        qty: '1',
        price: '44.99',
        nextBillDate: '2026-12-28',
        orderItemId: '988',
      },
      { productId: '4', name: 'Gadget', qty: '2', price: '2.50', nextBillDate: null, orderItemId: '989' },
    ]);
    expect(orderFields({ ...konnektiveOrder(), items: [] }, NEW_YORK).items).toEqual([]);
    const { items: _none, ...withoutItems } = konnektiveOrder();
    expect(orderFields(withoutItems, NEW_YORK).items).toEqual([]);
  });

  it('has every documented order field: null where Konnektive sent none, [] for the lists', () => {
    const order = orderFields(
      { orderId: 'ABCDEF0123', orderStatus: 'PARTIAL', dateCreated: '2026-01-15 10:30:00' },
      NEW_YORK,
    );
    expect(Object.keys(order).sort()).toEqual([...ORDER_FIELDS].sort());
    expect(order).toMatchObject({ couponCode: null, companyName: null, items: [], fulfillments: [] });
    // Konnektive's own nulls and values stay as sent.
    expect(orderFields(konnektiveOrder(), NEW_YORK)).toMatchObject({
      voiceLogNumber: null,
      customerId: 1266,
    });
  });

  it('keeps orderId a string, even when it arrives as a number', () => {
    const order = serializeOrder(
      { ...konnektiveOrder(), orderId: 5224307914 },
      { ...NEW_YORK, connectionLabel: 'l' },
    );
    expect(order.orderId).toBe('5224307914');
    expect(order.id).toBe('5224307914');
  });

  it("reads leads/import's PHP DateTime object as a date-time, and keeps no raw copy", () => {
    const lead = orderFields(
      {
        orderId: 'ABCDEF0123',
        orderStatus: 'PARTIAL',
        dateCreated: { date: '2015-01-16 12:20:49.000000', timezone_type: 3, timezone: 'America/New_York' },
      },
      NEW_YORK,
    );
    expect(lead.dateCreated).toBe('2015-01-16T12:20:49-05:00');
    expect(JSON.stringify(lead)).not.toContain('timezone_type');
  });

  it('turns a date it cannot read under a date-named key into null, and leaves other text alone', () => {
    const fields = serializeFields(
      {
        dateShipped: 'pending',
        chargebackDate: '03/07/2026',
        dateReturned: '2026-02-30',
        cancelReason: 'customer called on 03/07/2026',
        sourceValue1: '2026-03-07 10:00:00',
        name: '',
      },
      NEW_YORK,
    );
    expect(fields).toEqual({
      dateShipped: null,
      chargebackDate: '2026-03-07',
      dateReturned: null,
      cancelReason: 'customer called on 03/07/2026',
      sourceValue1: '2026-03-07T10:00:00-05:00',
      name: '',
    });
  });

  it('serializing twice changes nothing (what it writes it reads back as it is)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (timeZone, ms) => {
          const wall = formatKonnektiveDateTime(new Date(ms), timeZone);
          const once = serializeOrder(
            { ...konnektiveOrder(), dateCreated: wall, cardExpiryDate: wall },
            { timeZone, connectionLabel: 'l' },
          );
          expect(serializeOrder(once, { timeZone, connectionLabel: 'l' })).toEqual(once);
          expect(Date.parse(String(once.dateCreated))).toBe(Math.floor(ms / 1000) * 1000);
          expect(once.cardExpiryDate).toBe(wall.slice(0, 10));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('transactions and customers', () => {
  it('a transaction has every documented field, its dates with the offset', () => {
    const txn = transactionFields(
      { transactionId: 4021, txnType: 'REFUND', responseType: 'SUCCESS', dateCreated: '2026-03-08 03:30:00' },
      NEW_YORK,
    );
    expect(Object.keys(txn).sort()).toEqual([...TRANSACTION_FIELDS].sort());
    expect(txn).toMatchObject({
      transactionId: 4021,
      dateCreated: '2026-03-08T03:30:00-04:00',
      refundReason: null,
    });
  });

  it('a customer has id = String(customerId), customerId a number, and every customer field', () => {
    const customer = serializeCustomer(
      {
        customerId: '1266',
        firstName: 'Jane',
        dateCreated: '2026-01-15 10:30:00',
        paySources: [{ paySource: 'CREDITCARD', cardLast4: '0000', cardExpiryDate: '2030-12-31' }],
      },
      NEW_YORK,
    );
    expect(customer).toMatchObject({
      id: '1266',
      customerId: 1266,
      firstName: 'Jane',
      lastName: null,
      shipCountry: null,
      dateCreated: '2026-01-15T10:30:00-05:00',
      dateUpdated: null,
      paySources: [{ paySource: 'CREDITCARD', cardLast4: '0000', cardExpiryDate: '2030-12-31' }],
    });
    expect(Object.keys(customer)).toEqual(expect.arrayContaining([...CUSTOMER_FIELDS]));
  });
});

describe("the Zapier app's records", () => {
  it("every field of the app's static samples is among the fields every record carries", () => {
    const { id: _orderId, connection: _connection, ...order } = orderRecordSample;
    expect(ORDER_FIELDS).toEqual(expect.arrayContaining(Object.keys(order)));
    expect(TRANSACTION_FIELDS).toEqual(expect.arrayContaining(Object.keys(transactionSampleFields)));
    const { id: _customerId, ...customer } = customerRecordSample;
    expect(CUSTOMER_FIELDS).toEqual(expect.arrayContaining(Object.keys(customer)));
  });

  it("passes Zapier's date, key and type checks (T003, T004, T005) as a search result, even when Konnektive sent little", () => {
    const context = { ...NEW_YORK, connectionLabel: 'merchant-api' };
    const sparse = { orderId: 'ABCDEF0123', orderStatus: 'PARTIAL', dateCreated: '2026-01-15 10:30:00' };
    const violations = checkLiveResults(
      App,
      [
        {
          kind: 'searches',
          key: 'find_order',
          method: 'perform',
          items: [serializeOrder(konnektiveOrder(), context), serializeOrder(sparse, context)],
        },
        {
          kind: 'searches',
          key: 'find_customer',
          method: 'perform',
          items: [serializeCustomer({ customerId: 7, dateUpdated: '2026-01-15 10:30:00' }, NEW_YORK)],
        },
      ],
      ['T003', 'T004', 'T005'],
    );
    expect(violations).toEqual([]);
  });
});
