import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator, Simulator } from '../../local/simulator/index.js';
import {
  api,
  BUYER,
  errorMessage,
  HARD_DECLINE_CARD,
  type ParamValues,
  REDIRECT_CARD,
  SOFT_DECLINE_CARD,
  saleParams,
  startTestSim,
  successObject,
  successPage,
} from './helpers.js';

describe('simulator writes: imports, cancel, refund, fulfillment, customer update', () => {
  let running: RunningSimulator;
  let sim: Simulator;
  const post = (path: string, params: ParamValues) => api(running.url, path, params);
  const getOrder = async (orderId: string) => {
    const page = successPage(await api(running.url, '/order/query/', { orderId }));
    return page.data[0] ?? {};
  };
  const orderTxns = async (orderId: string) =>
    successPage(await api(running.url, '/transactions/query/', { orderId })).data;

  beforeAll(async () => {
    running = await startTestSim({ seed: 21 });
    sim = running.sim;
  });
  beforeEach(() => {
    sim.reset();
    sim.setClock('2026-02-10T15:04:05Z');
  });
  afterAll(() => running.close());

  describe('leads/import', () => {
    it('creates a PARTIAL NEW_SALE order with PHP DateTime dateCreated and a string dateUpdated', async () => {
      const lead = successObject(await post('/leads/import/', { campaignId: 1, ...BUYER }));
      expect(String(lead.orderId)).toMatch(/^[0-9A-F]{10}$/);
      expect(Number.isInteger(lead.customerId)).toBe(true);
      expect(lead).toMatchObject({
        orderStatus: 'PARTIAL',
        orderType: 'NEW_SALE',
        campaignId: 1,
        dateCreated: { date: '2026-02-10 10:04:05.000000', timezone_type: 3, timezone: 'America/New_York' },
        dateUpdated: '2026-02-10 10:04:05',
        firstName: 'Testy',
        emailAddress: BUYER.emailAddress,
        billShipSame: true,
      });
      const record = await getOrder(String(lead.orderId));
      expect(record).toMatchObject({ orderStatus: 'PARTIAL', dateCreated: '2026-02-10 10:04:05', items: [] });
    });

    it('updates the same lead when its orderId is sent again, keeping dateCreated', async () => {
      const lead = successObject(await post('/leads/import/', { campaignId: 1, ...BUYER }));
      sim.advanceClock(90_000);
      const again = successObject(
        await post('/leads/import/', {
          campaignId: 1,
          orderId: String(lead.orderId),
          phoneNumber: '555-0100-9999',
        }),
      );
      expect(again.orderId).toBe(lead.orderId);
      expect(again.customerId).toBe(lead.customerId);
      expect(again.dateCreated).toEqual(lead.dateCreated);
      expect(again.dateUpdated).toBe('2026-02-10 10:05:35');
      expect(again.phoneNumber).toBe('555-0100-9999');
      expect(again.firstName).toBe('Testy');
      expect(sim.listOrders()).toHaveLength(1);
    });

    it('refuses incomplete leads the way Konnektive words it', async () => {
      expect(errorMessage(await post('/leads/import/', { firstName: 'A', lastName: 'B' }))).toEqual({
        campaignId: 'is a required field',
      });
      expect(errorMessage(await post('/leads/import/', { campaignId: 1, firstName: 'A' }))).toBe(
        'First and last name are required fields.',
      );
      expect(
        errorMessage(await post('/leads/import/', { campaignId: 1, firstName: 'A', lastName: 'B' })),
      ).toBe('An email address or a phone number is required.');
      expect(errorMessage(await post('/leads/import/', { campaignId: 77, ...BUYER }))).toBe(
        'Campaign not found',
      );
      expect(
        errorMessage(await post('/leads/import/', { campaignId: 1, ...BUYER, orderId: 'FFFFFFFFFF' })),
      ).toBe('Order not found');
      expect(errorMessage(await post('/leads/import/', { campaignId: 1, ...BUYER, country: 'USA' }))).toEqual(
        {
          country: 'must be a 2-letter ISO country code',
        },
      );
    });

    it('dedupes customers by email unless disableCustomerDedup=1', async () => {
      const one = successObject(await post('/leads/import/', { campaignId: 1, ...BUYER }));
      const two = successObject(await post('/leads/import/', { campaignId: 2, ...BUYER }));
      const three = successObject(
        await post('/leads/import/', { campaignId: 2, ...BUYER, disableCustomerDedup: 1 }),
      );
      expect(two.customerId).toBe(one.customerId);
      expect(three.customerId).not.toBe(one.customerId);
      expect(new Set([one.orderId, two.orderId, three.orderId]).size).toBe(3);
    });
  });

  describe('order/import', () => {
    it('converts a lead: same orderId and dateCreated, COMPLETE, dateUpdated bumped, one SALE/SUCCESS', async () => {
      const lead = successObject(await post('/leads/import/', { campaignId: 1, ...BUYER }));
      const orderId = String(lead.orderId);
      sim.advanceClock(15 * 60_000);
      const sale = successObject(await post('/order/import/', saleParams({ orderId })));
      expect(sale).toMatchObject({
        orderId,
        customerId: lead.customerId,
        orderStatus: 'COMPLETE',
        orderType: 'NEW_SALE',
        dateCreated: '2026-02-10 10:04:05',
        dateUpdated: '2026-02-10 10:19:05',
        totalAmount: '64.90',
        cardType: 'TESTCARD',
        cardLast4: '0000',
        paySource: 'CREDITCARD',
        firstName: 'Testy',
      });
      expect(Object.keys(sale.items as object)).toEqual(['14015']);
      const txns = await orderTxns(orderId);
      expect(txns).toHaveLength(1);
      expect(txns[0]).toMatchObject({
        txnType: 'SALE',
        responseType: 'SUCCESS',
        totalAmount: '64.90',
        orderId,
        dateCreated: '2026-02-10 10:19:05',
      });
      expect(txns[0]?.transactionId).toBe(sale.transactionId);
      // A dateUpdated window sees the conversion; the dateCreated window of that minute does not.
      const converted = successPage(
        await api(running.url, '/order/query/', {
          startDate: '02/10/2026',
          endDate: '02/10/2026',
          startTime: '10:19',
          endTime: '10:19:59',
          dateRangeType: 'dateUpdated',
          orderStatus: 'COMPLETE',
        }),
      );
      expect(converted.data.map((r) => r.orderId)).toEqual([orderId]);
      // Importing the completed order again is refused.
      expect(errorMessage(await post('/order/import/', saleParams({ orderId })))).toMatch(/already COMPLETE/);
    });

    it('creates a new order without a lead and applies coupons and price overrides', async () => {
      const sale = successObject(
        await post(
          '/order/import/',
          saleParams({
            ...BUYER,
            product1_price: '10.00',
            product1_shipPrice: '1.50',
            product2_id: 102,
            couponCode: 'save10',
          }),
        ),
      );
      // base 10.00 + 99.95 = 109.95; shipping 1.50 + 4.95 = 6.45; 10% of base = 11.00 (10.995 rounded)
      expect(sale).toMatchObject({
        orderStatus: 'COMPLETE',
        couponCode: 'SAVE10',
        discountPrice: '11.00',
        totalAmount: '105.40',
      });
      expect(sim.listOrders()).toHaveLength(1);
      expect(errorMessage(await post('/order/import/', saleParams({ ...BUYER, couponCode: 'NOPE' })))).toBe(
        'Invalid coupon code',
      );
    });

    it.each([
      [HARD_DECLINE_CARD, 'Card Declined', 'HARD_DECLINE'],
      [SOFT_DECLINE_CARD, 'Insufficient Funds', 'SOFT_DECLINE'],
    ])(
      'declines card %s: ERROR text, DECLINED order, SALE/%s… transaction, and a later retry completes',
      async (card, reason, type) => {
        const lead = successObject(await post('/leads/import/', { campaignId: 1, ...BUYER }));
        const orderId = String(lead.orderId);
        sim.advanceClock(60_000);
        expect(await post('/order/import/', saleParams({ orderId, cardNumber: card }))).toEqual({
          result: 'ERROR',
          message: `Transaction Declined: ${reason}`,
        });
        expect(await getOrder(orderId)).toMatchObject({
          orderStatus: 'DECLINED',
          dateUpdated: '2026-02-10 10:05:05',
          declineReason: reason,
          cardLast4: card.slice(-4),
        });
        expect(await orderTxns(orderId)).toMatchObject([
          { txnType: 'SALE', responseType: type, responseText: reason, totalAmount: '64.90' },
        ]);
        sim.advanceClock(60_000);
        expect(successObject(await post('/order/import/', saleParams({ orderId }))).orderStatus).toBe(
          'COMPLETE',
        );
        expect((await orderTxns(orderId)).map((t) => t.responseType)).toEqual([type, 'SUCCESS']);
      },
    );

    it('declines a direct sale into a new DECLINED order', async () => {
      expect(
        errorMessage(await post('/order/import/', saleParams({ ...BUYER, cardNumber: HARD_DECLINE_CARD }))),
      ).toBe('Transaction Declined: Card Declined');
      expect(sim.listOrders().map((o) => o.orderStatus)).toEqual(['DECLINED']);
    });

    it('answers MERC_REDIRECT for the redirect card and changes nothing', async () => {
      const lead = successObject(await post('/leads/import/', { campaignId: 1, ...BUYER }));
      const answer = await post(
        '/order/import/',
        saleParams({ orderId: String(lead.orderId), cardNumber: REDIRECT_CARD }),
      );
      expect(answer.result).toBe('MERC_REDIRECT');
      expect(answer.message).toEqual({
        script: expect.stringContaining('<script>'),
        url: expect.stringMatching(/^https:\/\//),
      });
      expect((await getOrder(String(lead.orderId))).orderStatus).toBe('PARTIAL');
      expect(sim.listTransactions()).toEqual([]);
    });

    it('never answers MERC_REDIRECT for other cards', async () => {
      for (const cardNumber of [
        '4111111111111111',
        '5555555555554444',
        '378282246310005',
        '6011111111111117',
      ]) {
        const answer = await post(
          '/order/import/',
          saleParams({ ...BUYER, cardNumber, emailAddress: `${cardNumber}@example.com` }),
        );
        expect(answer.result).toBe('SUCCESS');
      }
      expect(sim.listOrders().map((o) => o.cardType)).toEqual(['VISA', 'MASTERCARD', 'AMEX', 'DISCOVER']);
    });

    it('lists every missing field in one field → text object', async () => {
      const message = errorMessage(
        await post('/order/import/', { campaignId: 1, product1_id: 101, firstName: 'Only', billShipSame: 0 }),
      );
      expect(message).toEqual({
        lastName: 'is a required field',
        address1: 'is a required field',
        city: 'is a required field',
        state: 'is a required field',
        postalCode: 'is a required field',
        country: 'is a required field',
        emailAddress: 'is a required field',
        shipFirstName: 'is a required field',
        shipLastName: 'is a required field',
        shipAddress1: 'is a required field',
        shipCity: 'is a required field',
        shipState: 'is a required field',
        shipPostalCode: 'is a required field',
        shipCountry: 'is a required field',
        paySource: 'is a required field',
      });
      expect(
        errorMessage(
          await post(
            '/order/import/',
            saleParams({
              ...BUYER,
              billShipSame: 0,
              shipFirstName: 'S',
              shipLastName: 'T',
              shipCity: 'X',
              shipState: 'NY',
              shipPostalCode: '10001',
              shipCountry: 'US',
            }),
          ),
        ),
      ).toEqual({ shipAddress1: 'is a required field' });
      expect(
        errorMessage(
          await post('/order/import/', saleParams({ ...BUYER, cardNumber: '1234', cardMonth: '13' })),
        ),
      ).toEqual({
        cardNumber: 'is not a valid card number',
        cardMonth: 'must be a month from 01 to 12',
      });
    });

    it('answers "No products exist in the order" for unknown, foreign or missing products', async () => {
      const extras: ParamValues[] = [
        { product1_id: 66666666666 },
        { product1_id: 201 },
        { product1_id: '' },
        { campaignId: 99 },
      ];
      for (const extra of extras) {
        expect(errorMessage(await post('/order/import/', saleParams({ ...BUYER, ...extra })))).toBe(
          'No products exist in the order',
        );
      }
    });
  });

  describe('order/cancel', () => {
    it('cancels: CANCELLED, dateUpdated bumped, dateCreated kept, the updated order as message', async () => {
      const sale = successObject(await post('/order/import/', saleParams({ ...BUYER })));
      const orderId = String(sale.orderId);
      sim.advanceClock(3_600_000);
      const cancelled = successObject(
        await post('/order/cancel/', { orderId, cancelReason: 'Customer request' }),
      );
      expect(cancelled).toMatchObject({
        orderId,
        orderStatus: 'CANCELLED',
        dateCreated: '2026-02-10 10:04:05',
        dateUpdated: '2026-02-10 11:04:05',
      });
      expect(cancelled.fulfillments).toMatchObject([{ status: 'CANCELLED' }]);
      expect((await orderTxns(orderId)).map((t) => t.txnType)).toEqual(['SALE']);
      expect(errorMessage(await post('/order/cancel/', { orderId, cancelReason: 'again' }))).toBe(
        'Order is already cancelled',
      );
    });

    it('refunds in full with fullRefund=1', async () => {
      const orderId = String(successObject(await post('/order/import/', saleParams({ ...BUYER }))).orderId);
      successObject(await post('/order/cancel/', { orderId, cancelReason: 'Fraud', fullRefund: 1 }));
      expect(await orderTxns(orderId)).toMatchObject([
        { txnType: 'SALE' },
        { txnType: 'REFUND', responseType: 'SUCCESS', totalAmount: '64.90', refundReason: 'Fraud' },
      ]);
      expect((await getOrder(orderId)).orderStatus).toBe('CANCELLED');
    });

    it('validates its input', async () => {
      expect(errorMessage(await post('/order/cancel/', {}))).toEqual({
        orderId: 'is a required field',
        cancelReason: 'is a required field',
      });
      expect(errorMessage(await post('/order/cancel/', { orderId: 'ABCDEF1234', cancelReason: 'x' }))).toBe(
        'Order not found',
      );
      expect(
        errorMessage(
          await post('/order/cancel/', { orderId: 'ABCDEF1234', cancelReason: 'x', fullRefund: 'maybe' }),
        ),
      ).toEqual({
        fullRefund: 'must be 1 or 0',
      });
    });
  });

  describe('order/refund', () => {
    it('refunds partially (still COMPLETE) then fully (REFUNDED), each a positive REFUND/SUCCESS', async () => {
      const orderId = String(successObject(await post('/order/import/', saleParams({ ...BUYER }))).orderId);
      sim.advanceClock(1000);
      const partial = successObject(await post('/order/refund/', { orderId, refundAmount: '20.00' }));
      expect(partial).toMatchObject({
        orderId,
        orderStatus: 'COMPLETE',
        refundAmount: '20.00',
        refundRemaining: '44.90',
      });
      const mid = await getOrder(orderId);
      expect(mid).toMatchObject({ orderStatus: 'COMPLETE', dateUpdated: '2026-02-10 10:04:06' });
      expect(errorMessage(await post('/order/refund/', { orderId, refundAmount: '50.00' }))).toBe(
        'Refund amount exceeds the refundable amount of 44.90',
      );
      sim.advanceClock(1000);
      const full = successObject(await post('/order/refund/', { orderId, fullRefund: 1 }));
      expect(full).toMatchObject({ orderStatus: 'REFUNDED', refundAmount: '44.90', refundRemaining: '0.00' });
      const txns = await orderTxns(orderId);
      expect(txns.map((t) => [t.txnType, t.responseType, t.totalAmount])).toEqual([
        ['SALE', 'SUCCESS', '64.90'],
        ['REFUND', 'SUCCESS', '20.00'],
        ['REFUND', 'SUCCESS', '44.90'],
      ]);
      expect(txns[1]?.parentTxnId).toBe(txns[0]?.transactionId);
      expect(errorMessage(await post('/order/refund/', { orderId, fullRefund: 1 }))).toBe(
        'Order has already been fully refunded',
      );
    });

    it('refuses refunds of unpaid orders and bad amounts', async () => {
      const lead = String(successObject(await post('/leads/import/', { campaignId: 1, ...BUYER })).orderId);
      expect(errorMessage(await post('/order/refund/', { orderId: lead, fullRefund: 1 }))).toBe(
        'Order has no captured payment to refund',
      );
      expect(errorMessage(await post('/order/refund/', { orderId: lead }))).toEqual({
        refundAmount: 'is required unless fullRefund=1',
      });
      expect(errorMessage(await post('/order/refund/', { orderId: lead, refundAmount: '-5' }))).toEqual({
        refundAmount: 'must be a positive amount like 12.34',
      });
      expect(errorMessage(await post('/order/refund/', { orderId: '0000000000', fullRefund: 1 }))).toBe(
        'Order not found',
      );
    });
  });

  describe('fulfillment/update', () => {
    it('ships by orderId and by fulfillmentId, bumping dateUpdated', async () => {
      const sale = successObject(await post('/order/import/', saleParams({ ...BUYER })));
      const orderId = String(sale.orderId);
      expect(
        errorMessage(await post('/fulfillment/update/', { orderId, fulfillmentStatus: 'SHIPPED' })),
      ).toEqual({
        trackingNumber: 'is a required field',
        dateShipped: 'is a required field',
      });
      sim.advanceClock(86_400_000);
      const shipped = successObject(
        await post('/fulfillment/update/', {
          orderId,
          fulfillmentStatus: 'SHIPPED',
          trackingNumber: '1ZTEST0001',
          dateShipped: '02/11/2026',
          shipCarrier: 'UPS',
        }),
      );
      expect(shipped.dateUpdated).toBe('2026-02-11 10:04:05');
      expect(shipped.fulfillments).toMatchObject([
        { status: 'SHIPPED', trackingNumber: '1ZTEST0001', dateShipped: '2026-02-11', shipCarrier: 'UPS' },
      ]);
      const fulfillments = shipped.fulfillments as Array<{ fulfillmentId: number }>;
      const fulfillmentId = fulfillments[0]?.fulfillmentId ?? 0;
      expect(Number.isInteger(fulfillmentId)).toBe(true);
      const returned = successObject(
        await post('/fulfillment/update/', {
          fulfillmentId,
          fulfillmentStatus: 'RETURNED',
          dateReturned: '2026-02-20',
        }),
      );
      expect(returned.fulfillments).toMatchObject([{ status: 'RETURNED', dateReturned: '2026-02-20' }]);
    });

    it('validates its input', async () => {
      expect(errorMessage(await post('/fulfillment/update/', {}))).toEqual({
        orderId: 'orderId or fulfillmentId is required',
        fulfillmentStatus: 'is a required field',
      });
      expect(
        errorMessage(await post('/fulfillment/update/', { orderId: 'A', fulfillmentStatus: 'LOST' })),
      ).toEqual({
        fulfillmentStatus: 'must be one of SHIPPED, RMA_PENDING, RETURNED, CANCELLED',
      });
      expect(
        errorMessage(
          await post('/fulfillment/update/', { orderId: 'ABCDEF1234', fulfillmentStatus: 'CANCELLED' }),
        ),
      ).toBe('Order not found');
      expect(
        errorMessage(
          await post('/fulfillment/update/', { fulfillmentId: 424242, fulfillmentStatus: 'CANCELLED' }),
        ),
      ).toBe('Fulfillment not found');
      const lead = String(successObject(await post('/leads/import/', { campaignId: 1, ...BUYER })).orderId);
      expect(
        errorMessage(await post('/fulfillment/update/', { orderId: lead, fulfillmentStatus: 'CANCELLED' })),
      ).toBe('Order has no fulfillments');
    });
  });

  describe('customer/update', () => {
    it('changes only the supplied fields, on the customer and its orders', async () => {
      const sale = successObject(await post('/order/import/', saleParams({ ...BUYER })));
      const customerId = Number(sale.customerId);
      sim.advanceClock(5000);
      const updated = successObject(
        await post('/customer/update/', {
          customerId,
          address1: '2 New Road',
          phoneNumber: '555-0100-2222',
          custom1: 'vip',
        }),
      );
      expect(updated).toMatchObject({
        customerId,
        address1: '2 New Road',
        phoneNumber: '555-0100-2222',
        firstName: 'Testy',
        city: 'Springfield',
        custom1: 'vip',
        dateUpdated: '2026-02-10 10:04:10',
      });
      expect(await getOrder(String(sale.orderId))).toMatchObject({
        address1: '2 New Road',
        phoneNumber: '555-0100-2222',
        lastName: 'McTestface',
        dateUpdated: '2026-02-10 10:04:10',
      });
      const query = successPage(await api(running.url, '/customer/query/', { customerId }));
      expect(query.data[0]).toMatchObject({ customerId, address1: '2 New Road' });
    });

    it('validates its input', async () => {
      expect(errorMessage(await post('/customer/update/', { firstName: 'X' }))).toEqual({
        customerId: 'is a required field',
      });
      expect(errorMessage(await post('/customer/update/', { customerId: 999999 }))).toBe(
        'Customer not found',
      );
      expect(
        errorMessage(await post('/customer/update/', { customerId: 1, emailAddress: 'not-an-email' })),
      ).toEqual({
        emailAddress: 'is not a valid email address',
      });
    });
  });

  describe('campaign/query and product/query', () => {
    it('answers campaigns as an object keyed by campaignId, with products and coupons', async () => {
      const page = (await api(running.url, '/campaign/query/', {})).message as {
        totalResults: number;
        data: Record<
          string,
          { campaignId: number; products: Array<Record<string, unknown>>; coupons: unknown[] }
        >;
      };
      expect(page.totalResults).toBeGreaterThanOrEqual(3);
      expect(Array.isArray(page.data)).toBe(false);
      const campaigns = Object.entries(page.data);
      expect(campaigns.length).toBeGreaterThanOrEqual(3);
      for (const [key, campaign] of campaigns) {
        expect(campaign.campaignId).toBe(Number(key));
        expect(campaign).toMatchObject({
          campaignName: expect.any(String),
          campaignType: expect.stringMatching(/^(ECOMMERCE|PHONE|LANDER)$/),
          currency: expect.stringMatching(/^[A-Z]{3}$/),
        });
        expect(campaign.products.length).toBeGreaterThanOrEqual(2);
        expect(campaign.products.length).toBeLessThanOrEqual(4);
        for (const product of campaign.products) {
          expect(Number.isInteger(product.campaignProductId)).toBe(true);
          expect(product).toMatchObject({
            name: expect.stringMatching(/^\(\d+\) /),
            price: expect.stringMatching(/^\d+\.\d{2}$/),
            clientProductId: expect.any(String),
          });
        }
        expect(Array.isArray(campaign.coupons)).toBe(true);
      }
      expect(page.data['1']?.coupons).toEqual(
        expect.arrayContaining([expect.objectContaining({ couponCode: 'SAVE10' })]),
      );
    });

    it('pages and filters campaigns', async () => {
      const second = (await api(running.url, '/campaign/query/', { resultsPerPage: 1, page: 2 })).message as {
        totalResults: number;
        page: number;
        data: Record<string, unknown>;
      };
      expect(second.page).toBe(2);
      expect(Object.keys(second.data)).toEqual(['2']);
      const one = (await api(running.url, '/campaign/query/', { campaignId: 3 })).message as {
        data: Record<string, unknown>;
      };
      expect(Object.keys(one.data)).toEqual(['3']);
      expect(errorMessage(await api(running.url, '/campaign/query/', { campaignId: 'three' }))).toMatch(
        /campaignId/,
      );
    });

    it('lists products', async () => {
      const page = successPage(await api(running.url, '/product/query/', { productId: 14015 }));
      expect(page.data).toMatchObject([
        { productId: 14015, productName: '(14015) NAD+ (500MG)', price: '59.95' },
      ]);
    });
  });
});

describe('simulator writes: decline knobs', () => {
  it('uses configured decline cards and the configured declined-order status', async () => {
    const running = await startTestSim({
      declinedOrderStatus: 'PARTIAL',
      declineCards: { '4242424242424242': { responseType: 'SOFT_DECLINE', reason: 'Do Not Honor' } },
    });
    try {
      const lead = successObject(running.sim.createLead({ ...BUYER }));
      const orderId = String(lead.orderId);
      expect(running.sim.importOrder(saleParams({ orderId, cardNumber: '4242424242424242' }))).toEqual({
        result: 'ERROR',
        message: 'Transaction Declined: Do Not Honor',
      });
      expect(running.sim.getOrder(orderId)?.orderStatus).toBe('PARTIAL');
      expect(running.sim.listTransactions()).toMatchObject([
        { responseType: 'SOFT_DECLINE', responseText: 'Do Not Honor' },
      ]);
      // The default decline card is not a decline card here.
      expect(running.sim.importOrder(saleParams({ orderId, cardNumber: HARD_DECLINE_CARD })).result).toBe(
        'SUCCESS',
      );
    } finally {
      await running.close();
    }
  });
});
