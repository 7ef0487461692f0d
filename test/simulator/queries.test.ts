import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator, Simulator } from '../../local/simulator/index.js';
import {
  api,
  BUYER,
  errorMessage,
  HARD_DECLINE_CARD,
  ids,
  type ParamValues,
  type QueryPage,
  SOFT_DECLINE_CARD,
  saleParams,
  startTestSim,
  successObject,
  successPage,
} from './helpers.js';

/** Creates a lead with the clock frozen at `iso`; answers its orderId. */
const leadAt = (sim: Simulator, iso: string, extra: Record<string, string | number> = {}): string => {
  sim.setClock(iso);
  return String(successObject(sim.createLead({ ...BUYER, ...extra })).orderId);
};

const ORDER_FIELDS = [
  'orderId',
  'clientOrderId',
  'shipCarrier',
  'shipMethod',
  'dateCreated',
  'dateUpdated',
  'orderType',
  'orderStatus',
  'reviewStatus',
  'totalAmount',
  'campaignName',
  'customerId',
  'name',
  'emailAddress',
  'phoneNumber',
  'firstName',
  'lastName',
  'companyName',
  'address1',
  'address2',
  'city',
  'state',
  'country',
  'postalCode',
  'shipFirstName',
  'shipLastName',
  'shipCompanyName',
  'shipAddress1',
  'shipAddress2',
  'shipCity',
  'shipState',
  'shipCountry',
  'shipPostalCode',
  'paySource',
  'cardType',
  'cardLast4',
  'cardExpiryDate',
  'achRoutingNumber',
  'achAccountNumber',
  'couponCode',
  'agentUserId',
  'price',
  'baseShipping',
  'voiceLogNumber',
  'discountPrice',
  'salesTax',
  'shipUpcharge',
  'shipProfileId',
  'isDeclineSave',
  'ipAddress',
  'sourceId',
  'affId',
  'sourceValue1',
  'sourceValue2',
  'sourceValue3',
  'sourceValue4',
  'sourceValue5',
  'currencySymbol',
  'campaignId',
  'totalDiscount',
  'items',
  'fulfillments',
];

const TXN_FIELDS = [
  'transactionId',
  'parentTxnId',
  'merchant',
  'merchantDescriptor',
  'midNumber',
  'merchantId',
  'dateCreated',
  'dateUpdated',
  'txnType',
  'responseType',
  'responseText',
  '3DTxnResult',
  'merchantTxnId',
  'clientTxnId',
  'authCode',
  'avsResponse',
  'cvvResponse',
  'totalAmount',
  'surcharge',
  'orderId',
  'orderAgentName',
  'clientOrderId',
  'billingCycleNumber',
  'recycleNumber',
  'campaignId',
  'campaignName',
  'campaignCategoryName',
  'firstName',
  'lastName',
  'orderType',
  'customerId',
  'emailAddress',
  'phoneNumber',
  'address1',
  'address2',
  'city',
  'state',
  'country',
  'postalCode',
  'ipAddress',
  'paySource',
  'cardBin',
  'cardLast4',
  'cardType',
  'cardIsPrepaid',
  'cardIsDebit',
  'achBankName',
  'achRoutingNumber',
  'achAccountNumber',
  'sourceTitle',
  'affId',
  'isChargedback',
  'chargebackAmount',
  'chargebackDate',
  'chargebackReasonCode',
  'chargebackNote',
  'refundReason',
  'currencyCode',
  'currencySymbol',
];

const MONEY = /^\d+\.\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('simulator queries: envelope, windows, filters, paging', () => {
  let running: RunningSimulator;
  let sim: Simulator;
  const orders = (params: ParamValues) => api(running.url, '/order/query/', params);
  const txns = (params: ParamValues) => api(running.url, '/transactions/query/', params);

  beforeAll(async () => {
    running = await startTestSim({ seed: 5 });
    sim = running.sim;
  });
  beforeEach(() => sim.reset());
  afterAll(() => running.close());

  it('answers an empty window with the "No … matching" ERROR sentences', async () => {
    const window = { startDate: '01/01/2026', endDate: '01/31/2026' };
    expect(await orders(window)).toEqual({
      result: 'ERROR',
      message: 'No orders matching those parameters could be found',
    });
    expect(await txns(window)).toEqual({
      result: 'ERROR',
      message: 'No transactions matching those parameters could be found',
    });
    expect(await api(running.url, '/campaign/query/', { campaignId: 999 })).toEqual({
      result: 'ERROR',
      message: 'No campaigns matching those parameters could be found',
    });
  });

  it('serializes order and transaction records Konnektive-style: explicit nulls, ints, 2-dp strings, keyed items', async () => {
    sim.setClock('2026-04-10T14:00:00Z');
    const lead = String(successObject(sim.createLead({ ...BUYER })).orderId);
    const sale = successObject(sim.importOrder(saleParams({ product2_id: 102, product2_qty: 2 })));
    const page = successPage(await orders({ startDate: '04/10/2026', endDate: '04/10/2026' }));
    expect(page.totalResults).toBe(2);
    for (const record of page.data) {
      expect(Object.keys(record)).toEqual(expect.arrayContaining(ORDER_FIELDS));
      expect(record.clientOrderId).toBe(record.orderId);
      expect(String(record.orderId)).toMatch(/^[0-9A-F]{10}$/);
      expect(Number.isInteger(record.customerId)).toBe(true);
      expect(Number.isInteger(record.campaignId)).toBe(true);
      for (const key of [
        'totalAmount',
        'price',
        'baseShipping',
        'discountPrice',
        'salesTax',
        'totalDiscount',
      ]) {
        expect(String(record[key])).toMatch(MONEY);
      }
      expect(String(record.dateCreated)).toMatch(DATETIME);
      expect(record.dateCreated).toBe('2026-04-10 10:00:00');
      expect(Array.isArray(record.fulfillments)).toBe(true);
    }
    const leadRecord = page.data.find((r) => r.orderId === lead);
    expect(leadRecord?.items).toEqual([]);
    expect(leadRecord?.companyName).toBeNull();
    expect(leadRecord?.fulfillments).toEqual([]);
    const saleRecord = page.data.find((r) => r.orderId === sale.orderId);
    expect(saleRecord?.items).toMatchObject({
      '14015': {
        productId: '14015',
        name: '(14015) NAD+ (500MG)',
        qty: '1',
        price: '59.95',
        shipping: '4.95',
      },
      '14016': { productId: '14016', qty: '2', price: '99.95' },
    });
    expect(saleRecord?.totalAmount).toBe('269.75'); // 59.95 + 2 × 99.95 + 4.95 + 4.95 shipping (per line)
    expect(saleRecord?.fulfillments).toMatchObject([{ status: 'PENDING' }]);

    const txnPage = successPage(await txns({ startDate: '04/10/2026', endDate: '04/10/2026' }));
    expect(txnPage.totalResults).toBe(1);
    const txn = txnPage.data[0] ?? {};
    expect(Object.keys(txn)).toEqual(expect.arrayContaining(TXN_FIELDS));
    expect(Number.isInteger(txn.transactionId)).toBe(true);
    expect(txn).toMatchObject({
      txnType: 'SALE',
      responseType: 'SUCCESS',
      totalAmount: '269.75',
      orderId: sale.orderId,
      clientOrderId: sale.orderId,
      billingCycleNumber: 1,
      recycleNumber: 0,
      cardLast4: '0000',
      cardType: 'TESTCARD',
      customerId: sale.customerId,
    });
  });

  describe('paging', () => {
    let all: QueryPage;
    const day = { startDate: '06/15/2026', endDate: '06/15/2026' };

    beforeEach(async () => {
      sim.seed({ count: 450, from: '2026-06-15T04:00:00Z', to: '2026-06-16T03:59:59Z', seed: 99 });
      all = successPage(await orders({ ...day, resultsPerPage: 200 }));
    });

    it('defaults to 25 per page and page 1', async () => {
      const page = successPage(await orders(day));
      expect(page).toMatchObject({ resultsPerPage: 25, page: 1, totalResults: 450 });
      expect(page.data).toHaveLength(25);
      expect(ids(page)).toEqual(ids(all).slice(0, 25));
    });

    it('caps resultsPerPage at 200', async () => {
      const page = successPage(await orders({ ...day, resultsPerPage: 1000 }));
      expect(page.resultsPerPage).toBe(200);
      expect(page.data).toHaveLength(200);
      expect(page.queryArgs.resultsPerPage).toBe(200);
    });

    it('walks every record exactly once, in dateCreated order, until a short page', async () => {
      const seen: string[] = [];
      const created: string[] = [];
      for (let p = 1; ; p++) {
        const page = successPage(await orders({ ...day, resultsPerPage: 200, page: p }));
        expect(page.page).toBe(p);
        seen.push(...ids(page));
        created.push(...page.data.map((r) => String(r.dateCreated)));
        if (page.data.length < 200) break;
      }
      expect(seen).toHaveLength(450);
      expect(new Set(seen).size).toBe(450);
      expect(created).toEqual([...created].sort());
      expect(errorMessage(await orders({ ...day, resultsPerPage: 200, page: 4 }))).toBe(
        'No orders matching those parameters could be found',
      );
    });

    it('sorts newest first with sortDir=0', async () => {
      const page = successPage(await orders({ ...day, resultsPerPage: 200, sortDir: 0 }));
      const created = page.data.map((r) => String(r.dateCreated));
      expect(created).toEqual([...created].sort().reverse());
      expect(page.sortDir).toBe(0);
    });
  });

  it('switches the window between dateCreated and dateUpdated', async () => {
    const id = leadAt(sim, '2026-04-01T15:00:00Z');
    sim.setClock('2026-04-03T15:00:00Z');
    expect(sim.cancelOrder(id, 'Changed mind').result).toBe('SUCCESS');
    const byCreated = { startDate: '04/03/2026', endDate: '04/03/2026' };
    expect(errorMessage(await orders(byCreated))).toMatch(/^No orders/);
    const page = successPage(
      await orders({ ...byCreated, dateRangeType: 'dateUpdated', orderStatus: 'CANCELLED' }),
    );
    expect(ids(page)).toEqual([id]);
    expect(page.sortBy).toBe('dateUpdated');
    expect(page.data[0]).toMatchObject({
      dateCreated: '2026-04-01 11:00:00',
      dateUpdated: '2026-04-03 11:00:00',
    });
    expect(ids(successPage(await orders({ startDate: '04/01/2026', endDate: '04/01/2026' })))).toEqual([id]);
  });

  it('treats day windows as inclusive whole days in the account zone, whatever the date format', async () => {
    const first = leadAt(sim, '2026-07-04T04:00:00Z'); // 00:00:00 EDT on 7/4
    const last = leadAt(sim, '2026-07-05T03:59:59Z'); // 23:59:59 EDT on 7/4
    leadAt(sim, '2026-07-04T03:59:59Z'); // 23:59:59 on 7/3
    leadAt(sim, '2026-07-05T04:00:00Z'); // 00:00:00 on 7/5
    for (const format of [
      { startDate: '07/04/2026', endDate: '07/04/2026' },
      { startDate: '7/4/26', endDate: '7/4/26' },
      { startDate: '2026-07-04', endDate: '2026-07-04' },
      { startDate: '07/04/2026 13:00:00', endDate: '07/04/2026 13:00:00' }, // a time inside the date is ignored
    ]) {
      expect(ids(successPage(await orders(format)))).toEqual([first, last]);
    }
    expect(successPage(await orders({ startDate: '07/03/2026', endDate: '07/05/2026' })).totalResults).toBe(
      4,
    );
  });

  it('applies startTime to the first day and endTime to the last day', async () => {
    const a = leadAt(sim, '2026-07-04T13:59:59Z'); // 09:59:59 EDT 7/4
    const b = leadAt(sim, '2026-07-04T14:00:00Z'); // 10:00:00 EDT 7/4
    const c = leadAt(sim, '2026-07-05T13:30:00Z'); // 09:30:00 EDT 7/5
    const d = leadAt(sim, '2026-07-05T13:30:01Z'); // 09:30:01 EDT 7/5
    const window = { startDate: '07/04/2026', endDate: '07/05/2026' };
    expect(ids(successPage(await orders(window)))).toEqual([a, b, c, d]);
    expect(ids(successPage(await orders({ ...window, startTime: '10:00' })))).toEqual([b, c, d]);
    expect(ids(successPage(await orders({ ...window, startTime: '10:00:00', endTime: '09:30' })))).toEqual([
      b,
      c,
    ]);
    expect(ids(successPage(await orders({ ...window, endTime: '09:30:01' })))).toEqual([a, b, c, d]);
  });

  it('handles the spring-forward day (23 hours) in America/New_York', async () => {
    const midnight = leadAt(sim, '2026-03-08T05:00:00Z'); // 00:00:00 EST
    const beforeGap = leadAt(sim, '2026-03-08T06:30:00Z'); // 01:30:00 EST
    const afterGap = leadAt(sim, '2026-03-08T07:30:00Z'); // 03:30:00 EDT
    const endOfDay = leadAt(sim, '2026-03-09T03:59:59Z'); // 23:59:59 EDT
    leadAt(sim, '2026-03-09T04:00:00Z'); // 00:00:00 EDT 3/9
    leadAt(sim, '2026-03-08T04:59:59Z'); // 23:59:59 EST 3/7
    const day = { startDate: '03/08/2026', endDate: '03/08/2026' };
    const page = successPage(await orders(day));
    expect(ids(page)).toEqual([midnight, beforeGap, afterGap, endOfDay]);
    expect(page.data.map((r) => r.dateCreated)).toEqual([
      '2026-03-08 00:00:00',
      '2026-03-08 01:30:00',
      '2026-03-08 03:30:00',
      '2026-03-08 23:59:59',
    ]);
    // 02:30 does not exist that day; wall-time comparison puts the bound in the gap.
    expect(ids(successPage(await orders({ ...day, startTime: '02:30' })))).toEqual([afterGap, endOfDay]);
  });

  it('handles the fall-back day (25 hours): both 01:30s match, as naive local times do', async () => {
    const early = leadAt(sim, '2026-11-01T04:00:00Z'); // 00:00:00 EDT
    const firstPass = leadAt(sim, '2026-11-01T05:30:00Z'); // 01:30:00 EDT
    const secondPass = leadAt(sim, '2026-11-01T06:30:00Z'); // 01:30:00 EST
    const late = leadAt(sim, '2026-11-02T04:59:59Z'); // 23:59:59 EST
    leadAt(sim, '2026-11-02T05:00:00Z'); // 00:00:00 EST 11/2
    const day = { startDate: '11/01/2026', endDate: '11/01/2026' };
    expect(ids(successPage(await orders(day)))).toEqual([early, firstPass, secondPass, late]);
    const hour = successPage(await orders({ ...day, startTime: '01:00', endTime: '01:59:59' }));
    expect(ids(hour)).toEqual([firstPass, secondPass]);
    expect(hour.data.map((r) => r.dateCreated)).toEqual(['2026-11-01 01:30:00', '2026-11-01 01:30:00']);
  });

  it('filters by orderStatus, orderType, customerId, campaignId and emailAddress', async () => {
    sim.setClock('2026-08-20T16:00:00Z');
    const lead = String(
      successObject(sim.createLead({ ...BUYER, emailAddress: 'lead.only@example.com' })).orderId,
    );
    const sale = successObject(
      sim.importOrder(saleParams({ ...BUYER, emailAddress: 'buyer.two@example.com' })),
    );
    expect(
      sim.importOrder(
        saleParams({ ...BUYER, emailAddress: 'declined@example.com', cardNumber: HARD_DECLINE_CARD }),
      ).result,
    ).toBe('ERROR');
    const day = { startDate: '08/20/2026', endDate: '08/20/2026' };
    const statuses = async (params: ParamValues) =>
      successPage(await orders({ ...day, ...params })).data.map((r) => r.orderStatus);
    expect(await statuses({ orderStatus: 'PARTIAL' })).toEqual(['PARTIAL']);
    expect(await statuses({ orderStatus: 'COMPLETE' })).toEqual(['COMPLETE']);
    expect(await statuses({ orderStatus: 'DECLINED' })).toEqual(['DECLINED']);
    expect(await statuses({ orderType: 'NEW_SALE' })).toHaveLength(3);
    expect(errorMessage(await orders({ ...day, orderType: 'RECURRING' }))).toMatch(/^No orders/);
    expect(ids(successPage(await orders({ ...day, customerId: Number(sale.customerId) })))).toEqual([
      sale.orderId,
    ]);
    expect(ids(successPage(await orders({ ...day, emailAddress: 'LEAD.ONLY@example.com' })))).toEqual([lead]);
    expect(successPage(await orders({ ...day, campaignId: 1 })).totalResults).toBe(3);
    expect(errorMessage(await orders({ ...day, campaignId: 2 }))).toMatch(/^No orders/);
    // orderId alone needs no dates, is case-insensitive, and combines with the window when one is sent.
    expect(ids(successPage(await orders({ orderId: lead.toLowerCase() })))).toEqual([lead]);
    expect(
      errorMessage(await orders({ orderId: lead, startDate: '01/01/2020', endDate: '01/01/2020' })),
    ).toMatch(/^No orders/);
  });

  it('filters transactions by txnType and responseType, and finds them by orderId or customerId without dates', async () => {
    sim.setClock('2026-09-01T12:00:00Z');
    const sale = successObject(sim.importOrder(saleParams({ ...BUYER })));
    const orderId = String(sale.orderId);
    sim.advanceClock(60_000);
    expect(sim.refundOrder(orderId, 10).result).toBe('SUCCESS');
    expect(
      sim.importOrder(saleParams({ ...BUYER, emailAddress: 'h@example.com', cardNumber: HARD_DECLINE_CARD }))
        .result,
    ).toBe('ERROR');
    expect(
      sim.importOrder(saleParams({ ...BUYER, emailAddress: 's@example.com', cardNumber: SOFT_DECLINE_CARD }))
        .result,
    ).toBe('ERROR');
    const day = { startDate: '09/01/2026', endDate: '09/01/2026' };
    const kinds = async (params: ParamValues) =>
      successPage(await txns({ ...day, ...params })).data.map((t) => `${t.txnType}/${t.responseType}`);
    expect(await kinds({})).toEqual([
      'SALE/SUCCESS',
      'REFUND/SUCCESS',
      'SALE/HARD_DECLINE',
      'SALE/SOFT_DECLINE',
    ]);
    expect(await kinds({ txnType: 'REFUND', responseType: 'SUCCESS' })).toEqual(['REFUND/SUCCESS']);
    expect(await kinds({ responseType: 'HARD_DECLINE' })).toEqual(['SALE/HARD_DECLINE']);
    expect(await kinds({ txnType: 'SALE', responseType: 'SOFT_DECLINE' })).toEqual(['SALE/SOFT_DECLINE']);
    expect(errorMessage(await txns({ ...day, txnType: 'VOID' }))).toBe(
      'No transactions matching those parameters could be found',
    );
    const byOrder = successPage(await txns({ orderId }));
    expect(byOrder.data.map((t) => t.txnType)).toEqual(['SALE', 'REFUND']);
    expect(successPage(await txns({ customerId: Number(sale.customerId) })).totalResults).toBe(2);
  });

  it.each([
    [{}, /^startDate is required unless orderId is given$/],
    [{ startDate: '01/01/2026' }, /^endDate is required unless orderId is given$/],
    [{ startDate: '13/01/2026', endDate: '01/02/2026' }, /startDate/],
    [{ startDate: '02/30/2026', endDate: '03/01/2026' }, /startDate/],
    [{ startDate: '01/01/2026', endDate: 'yesterday' }, /endDate/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', startTime: '25:00' }, /startTime/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', endTime: 'noon' }, /endTime/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', orderStatus: 'SHIPPED' }, /orderStatus/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', dateRangeType: 'dateShipped' }, /dateRangeType/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', resultsPerPage: 'lots' }, /resultsPerPage/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', resultsPerPage: 0 }, /resultsPerPage/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', page: 0 }, /page/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', sortDir: 2 }, /sortDir/],
    [{ startDate: '01/01/2026', endDate: '01/02/2026', customerId: 'abc' }, /customerId/],
  ])('refuses bad order/query input %j with a sentence naming the field', async (params, pattern) => {
    const message = errorMessage(await orders(params));
    expect(typeof message).toBe('string');
    expect(message).toMatch(pattern);
  });

  it('requires dates on transactions/query unless orderId, customerId or purchaseId is given', async () => {
    expect(errorMessage(await txns({}))).toBe(
      'startDate is required unless orderId, customerId or purchaseId is given',
    );
    expect(errorMessage(await txns({ startDate: '1/1/26', endDate: '1/2/26', txnType: 'CHARGE' }))).toMatch(
      /txnType/,
    );
    expect(errorMessage(await txns({ purchaseId: 'ABCDEF0123' }))).toMatch(/^No transactions/);
  });
});
