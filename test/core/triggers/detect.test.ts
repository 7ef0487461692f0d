import { describe, expect, it } from 'vitest';
import { ORDER_FIELDS, TRANSACTION_FIELDS } from '../../../functions/core/records/serialize.js';
import {
  classifyOrder,
  classifyTransaction,
  eventIdOf,
  serializeEvent,
} from '../../../functions/core/triggers/detect.js';

describe('classifyOrder', () => {
  it.each([
    ['COMPLETE', 'NEW_SALE', 'NEW_SALE'],
    ['COMPLETE', null, 'NEW_SALE'],
    ['COMPLETE', 'RECURRING', undefined],
    ['PARTIAL', 'NEW_SALE', 'NEW_LEAD'],
    ['CANCELLED', 'NEW_SALE', 'CANCELLED'],
    ['CANCELLED', 'RECURRING', 'CANCELLED'],
    ['DECLINED', 'NEW_SALE', undefined],
    ['REFUNDED', 'NEW_SALE', undefined],
    ['COD_PENDING', 'NEW_SALE', undefined],
    ['complete', 'new_sale', 'NEW_SALE'],
  ])('orderStatus %s / orderType %s → %s', (orderStatus, orderType, expected) => {
    expect(classifyOrder({ orderStatus, orderType })).toBe(expected);
  });
});

describe('classifyTransaction', () => {
  const txnTypes = ['SALE', 'AUTHORIZE', 'CAPTURE', 'VOID', 'REFUND'];
  const responses = ['SUCCESS', 'HARD_DECLINE', 'SOFT_DECLINE'];
  for (const txnType of txnTypes) {
    for (const responseType of responses) {
      // A successful VOID gives money back like a REFUND (Konnektive may book a same-day reversal as a void).
      const expected =
        responseType !== 'SUCCESS'
          ? 'DECLINE'
          : txnType === 'REFUND' || txnType === 'VOID'
            ? 'REFUND'
            : undefined;
      it(`${txnType}/${responseType} → ${expected}`, () => {
        expect(classifyTransaction({ txnType, responseType })).toBe(expected);
      });
    }
  }
});

describe('a void booked for a refund', () => {
  it('fires REFUND and the payload keeps txnType VOID so a Zap can tell them apart', () => {
    const record = {
      transactionId: 4711,
      txnType: 'VOID',
      responseType: 'SUCCESS',
      dateCreated: '2026-07-01 09:00:00',
      totalAmount: '12.00',
    };
    const type = classifyTransaction(record);
    expect(type).toBe('REFUND');
    const payload = serializeEvent({
      record,
      type: 'REFUND',
      recordId: '4711',
      timeZone: 'UTC',
      connectionLabel: 'merchant',
    });
    expect(payload).toMatchObject({ id: 'REFUND-4711', event: 'transaction.REFUND', txnType: 'VOID' });
  });
});

describe('serializeEvent', () => {
  const record = {
    orderId: '7B83FF8095',
    orderStatus: 'COMPLETE',
    orderType: 'NEW_SALE',
    dateCreated: '2026-07-01 09:00:00',
    dateUpdated: '2026-07-01 10:15:30',
    totalAmount: '29.99',
    items: [],
    customerId: 1266,
  };

  it('serializes the record (dates with the account offset) and adds id, event, occurredAt (UTC) and connection', () => {
    const payload = serializeEvent({
      record,
      type: 'NEW_SALE',
      recordId: '7B83FF8095',
      timeZone: 'America/New_York',
      connectionLabel: 'merchant-api',
    });
    expect(payload).toEqual({
      ...Object.fromEntries(ORDER_FIELDS.map((field) => [field, field === 'fulfillments' ? [] : null])),
      ...record,
      dateCreated: '2026-07-01T09:00:00-04:00',
      dateUpdated: '2026-07-01T10:15:30-04:00',
      id: 'NEW_SALE-7B83FF8095',
      event: 'order.NEW_SALE',
      occurredAt: '2026-07-01T14:15:30.000Z',
      connection: 'merchant-api',
    });
  });

  it('dates a new lead by its creation and a sale by its last update (a converted lead keeps dateCreated)', () => {
    const lead = serializeEvent({
      record,
      type: 'NEW_LEAD',
      recordId: 'X',
      timeZone: 'UTC',
      connectionLabel: 'l',
    });
    const sale = serializeEvent({
      record,
      type: 'NEW_SALE',
      recordId: 'X',
      timeZone: 'UTC',
      connectionLabel: 'l',
    });
    expect(lead.occurredAt).toBe('2026-07-01T09:00:00.000Z');
    expect(sale.occurredAt).toBe('2026-07-01T10:15:30.000Z');
  });

  it('gives a lead and its later sale different event ids, and the same record the same id every time', () => {
    expect(eventIdOf('NEW_LEAD', 'ABC')).not.toBe(eventIdOf('NEW_SALE', 'ABC'));
    expect(eventIdOf('NEW_SALE', 'ABC')).toBe(eventIdOf('NEW_SALE', 'ABC'));
  });

  it('converts winter times with the standard offset', () => {
    const payload = serializeEvent({
      record: { ...record, dateUpdated: '2026-01-10 23:30:00' },
      type: 'NEW_SALE',
      recordId: 'X',
      timeZone: 'America/New_York',
      connectionLabel: 'l',
    });
    expect(payload.occurredAt).toBe('2026-01-11T04:30:00.000Z');
  });

  it('serializes a transaction with the transaction fields, and an order with its items as a list', () => {
    const decline = serializeEvent({
      record: {
        transactionId: 4021,
        txnType: 'SALE',
        responseType: 'SOFT_DECLINE',
        dateCreated: '2026-01-10 23:30:00',
        chargebackDate: null,
      },
      type: 'DECLINE',
      recordId: '4021',
      timeZone: 'America/New_York',
      connectionLabel: 'l',
    });
    expect(Object.keys(decline)).toEqual(expect.arrayContaining([...TRANSACTION_FIELDS]));
    expect(decline).not.toHaveProperty('items');
    expect(decline).toMatchObject({ transactionId: 4021, dateCreated: '2026-01-10T23:30:00-05:00' });

    const sale = serializeEvent({
      record: { ...record, items: { '3': { productId: '3', qty: '1', nextBillDate: '2026-08-01' } } },
      type: 'NEW_SALE',
      recordId: 'X',
      timeZone: 'America/New_York',
      connectionLabel: 'l',
    });
    expect(sale.items).toEqual([{ productId: '3', qty: '1', nextBillDate: '2026-08-01' }]);
  });
});
