import { describe, expect, it } from 'vitest';
import {
  checkCampaign,
  checkOrder,
  checkTransaction,
  normalizeItems,
  normalizeWriteMessage,
} from '../../../functions/adapters/konnektive/records.js';
import { order, transaction } from './fake-konnektive.js';

describe('normalizeItems', () => {
  it('turns the id-keyed object PHP sends for non-empty items into an array', () => {
    const items = {
      '3': { productId: '3', name: 'Widget', qty: '1', price: '29.99' },
      '7': { productId: '7', name: 'Gadget', qty: '2', price: '5.00' },
    };
    expect(normalizeItems(items)).toEqual([items['3'], items['7']]);
  });

  it('accepts the [] PHP sends for empty items, a plain array and a missing field', () => {
    expect(normalizeItems([])).toEqual([]);
    expect(normalizeItems([{ productId: '1' }])).toEqual([{ productId: '1' }]);
    expect(normalizeItems(undefined)).toEqual([]);
    expect(normalizeItems(null)).toEqual([]);
  });

  it('skips entries that are not objects', () => {
    expect(normalizeItems({ a: 'x', b: { productId: '2' } })).toEqual([{ productId: '2' }]);
  });
});

describe('order records', () => {
  it('keeps every field exactly as sent, money as strings and items as the original object', () => {
    const raw = order({
      items: { '9': { productId: '9', price: '10.50' } },
      salesTax: '0.00',
      extra: { x: 1 },
    });
    const checked = checkOrder(raw);
    expect(checked).toEqual({ ok: true, record: raw });
    if (checked.ok) {
      expect(checked.record.totalAmount).toBe('29.99');
      expect(checked.record.salesTax).toBe('0.00');
    }
  });

  it('accepts items sent as []', () => {
    const checked = checkOrder(order({ items: [] }));
    expect(checked.ok && checked.record.items).toEqual([]);
  });

  it('keeps hex and digits-only order ids as strings and coerces a JSON number to a string', () => {
    const hex = checkOrder(order({ orderId: '0BE8BA58E2' }));
    const digits = checkOrder(order({ orderId: '5224307914' }));
    const numeric = checkOrder(order({ orderId: 5224307914 }));
    expect(hex.ok && hex.record.orderId).toBe('0BE8BA58E2');
    expect(digits.ok && digits.record.orderId).toBe('5224307914');
    expect(numeric.ok && numeric.record.orderId).toBe('5224307914');
  });

  it('rejects a record without the fields the core relies on, naming the field, not the value', () => {
    const checked = checkOrder(order({ orderStatus: undefined, emailAddress: 'someone@example.test' }));
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.id).toBe('7B83FF8095');
      expect(checked.issue).toContain('orderStatus');
      expect(checked.issue).not.toContain('someone@example.test');
    }
    const badDate = checkOrder(order({ dateCreated: '06/10/2026' }));
    expect(!badDate.ok && badDate.issue).toContain('dateCreated');
  });

  it('accepts a zero dateUpdated and the fractional dateCreated form', () => {
    expect(checkOrder(order({ dateUpdated: '0000-00-00 00:00:00' })).ok).toBe(true);
    expect(checkOrder(order({ dateUpdated: null })).ok).toBe(true);
    expect(checkOrder(order({ dateCreated: '2026-06-10 12:00:00.000000' })).ok).toBe(true);
  });
});

describe('transaction records', () => {
  it('accepts a numeric transactionId as a number or a digit string, kept as sent', () => {
    const num = checkTransaction(transaction({ transactionId: 4021 }));
    const str = checkTransaction(transaction({ transactionId: '4021' }));
    expect(num.ok && num.record.transactionId).toBe(4021);
    expect(str.ok && str.record.transactionId).toBe('4021');
  });

  it('rejects a hex transactionId and a missing responseType', () => {
    expect(checkTransaction(transaction({ transactionId: 'ABE23B5E8A' })).ok).toBe(false);
    const missing = checkTransaction(transaction({ responseType: undefined }));
    expect(!missing.ok && missing.id).toBe('4021');
  });

  it('keeps money strings and everything else', () => {
    const raw = transaction({ chargebackAmount: '12.30', '3DTxnResult': null });
    expect(checkTransaction(raw)).toEqual({ ok: true, record: raw });
  });
});

describe('campaigns', () => {
  it('normalizes a campaign: products from name/productName/productDescription, prices as strings', () => {
    const raw = {
      campaignId: 12,
      campaignName: 'Spring',
      currency: 'USD',
      coupons: [{ couponCode: 'SAVE10' }],
      products: [
        { campaignProductId: 101, name: '(14015) NAD+ (500MG)', price: '49.99', clientProductId: 'X' },
        { campaignProductId: '102', productName: 'Refill', price: '19.00' },
        { campaignProductId: 103, productDescription: 'Sample', price: 0 },
        { campaignProductId: 104 },
      ],
    };
    const result = checkCampaign(raw, '12');
    expect(result.rejected).toEqual([]);
    expect(result.campaign).toMatchObject({
      campaignId: 12,
      campaignName: 'Spring',
      currency: 'USD',
      coupons: [{ couponCode: 'SAVE10' }],
    });
    expect(result.campaign?.products).toEqual([
      { campaignProductId: 101, name: '(14015) NAD+ (500MG)', price: '49.99', clientProductId: 'X' },
      { campaignProductId: '102', productName: 'Refill', name: 'Refill', price: '19.00' },
      { campaignProductId: 103, productDescription: 'Sample', name: 'Sample', price: '0' },
      { campaignProductId: 104, name: '104' },
    ]);
  });

  it('gives a campaign without products an empty list and takes a missing id from the data key', () => {
    const result = checkCampaign({ campaignName: 'No products' }, '77');
    expect(result.campaign).toEqual({ campaignId: 77, campaignName: 'No products', products: [] });
  });

  it('accepts products as an id-keyed object', () => {
    const result = checkCampaign(
      {
        campaignId: 1,
        campaignName: 'C',
        products: { '5': { campaignProductId: 5, name: 'P', price: '1.00' } },
      },
      undefined,
    );
    expect(result.campaign?.products).toEqual([{ campaignProductId: 5, name: 'P', price: '1.00' }]);
  });

  it('leaves out a product without campaignProductId and reports it, keeping the campaign', () => {
    const result = checkCampaign(
      {
        campaignId: 1,
        campaignName: 'C',
        products: [{ name: 'broken' }, { campaignProductId: 2, name: 'ok' }],
      },
      undefined,
    );
    expect(result.campaign?.products.map((p) => p.campaignProductId)).toEqual([2]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]?.id).toBe('1/products[0]');
    expect(result.rejected[0]?.issue).toContain('campaignProductId');
  });

  it('rejects a campaign without a name or that is not an object', () => {
    expect(checkCampaign({ campaignId: 3 }, undefined).campaign).toBeUndefined();
    expect(checkCampaign({ campaignId: 3 }, undefined).rejected[0]?.id).toBe('3');
    expect(checkCampaign('nope', '4').rejected).toEqual([{ id: '4', issue: 'campaign is not an object' }]);
  });
});

describe('normalizeWriteMessage', () => {
  it("turns leads/import's DateTime dateCreated into a string, keeping no raw copy", () => {
    const dateCreated = {
      date: '2015-01-16 12:20:49.000000',
      timezone_type: 3,
      timezone: 'America/New_York',
    };
    const message = {
      orderId: 'D6C8C390A7',
      customerId: 1266,
      orderStatus: 'PARTIAL',
      dateCreated,
      dateUpdated: '2015-01-16 12:20:49',
      customTaxSet: false,
    };
    expect(normalizeWriteMessage(message)).toEqual({
      ...message,
      dateCreated: '2015-01-16 12:20:49',
    });
  });

  it('leaves a plain string dateCreated alone and wraps a string message', () => {
    const message = { orderId: 'A', dateCreated: '2026-01-01 00:00:00', totalAmount: '1.00' };
    expect(normalizeWriteMessage(message)).toEqual(message);
    expect(normalizeWriteMessage('Card is preauthorized')).toEqual({ message: 'Card is preauthorized' });
  });
});
