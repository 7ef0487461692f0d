/**
 * Contract variants over HTTP: for every switch, a request whose answer differs between the variants.
 * The simulator clock is frozen and the seed fixed, so every answer here is exact.
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CONTRACT_PRESET_NAMES,
  CONTRACT_PRESETS,
  type ContractVariants,
  DEFAULT_CONTRACT,
  DEMO_USER,
  type RunningSimulator,
  Simulator,
  SimulatorConfigError,
  startSimulator,
} from '../../local/simulator/index.js';
import {
  api,
  asEnvelope,
  BUYER,
  DEMO,
  errorMessage,
  type ParamValues,
  saleParams,
  send,
  startTestSim,
  successObject,
  successPage,
} from './helpers.js';

const FROZEN = '2026-05-12T16:00:00Z'; // 12:00 EDT
const DAY = { startDate: '05/12/2026', endDate: '05/12/2026' };

const LIMITED = { loginId: 'no-grants', password: 'no-grants-pass-1' };
const OFFICE = { loginId: 'office-only', password: 'office-pass-1' };

const control = async (
  base: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: z.record(z.string(), z.unknown()).parse(await response.json()) };
};

describe('contract variants', () => {
  let running: RunningSimulator;
  let base: string;

  beforeAll(async () => {
    running = await startTestSim({
      seed: 17,
      users: [
        { ...DEMO_USER },
        { ...LIMITED, allowedIps: '*', permissions: [] },
        { ...OFFICE, allowedIps: ['203.0.113.7'] },
      ],
    });
    base = running.url;
  });
  afterAll(() => running.close());
  beforeEach(() => {
    running.sim.reset();
    running.sim.setClock(FROZEN);
  });

  /** Creates a lead at `iso` (simulator time); answers its orderId. */
  const leadAt = (iso: string, extra: Record<string, string> = {}): string => {
    running.sim.setClock(iso);
    return String(successObject(running.sim.createLead({ ...BUYER, ...extra })).orderId);
  };

  /** A sale over HTTP at `iso`; answers its orderId. */
  const saleAt = async (iso: string, extra: ParamValues = {}): Promise<string> => {
    running.sim.setClock(iso);
    const sale = successObject(await api(base, '/order/import/', saleParams({ ...BUYER, ...extra })));
    return String(sale.orderId);
  };

  /** `totalResults` of a SUCCESS campaign/query page (its `data` is an object keyed by campaignId). */
  const campaignTotal = (envelope: Awaited<ReturnType<typeof api>>): number =>
    z.object({ totalResults: z.number() }).parse(successObject(envelope)).totalResults;

  const orderIds = (message: unknown): string[] =>
    successPage({ result: 'SUCCESS', message }).data.map((r) => String(r.orderId));

  describe('presets', () => {
    it('names every preset the tests iterate over, and default is the original behaviour', () => {
      expect(Object.keys(CONTRACT_PRESETS)).toEqual([
        'default',
        'day-granular-sorted',
        'day-granular-unsorted',
        'stale-date-updated',
        'alt-texts',
        'void-refunds',
        'slow-pages',
        'campaign-dates-required',
        'worst',
      ]);
      expect(DEFAULT_CONTRACT).toEqual({
        timeFilters: 'honoured',
        sorting: 'honoured',
        dateUpdatedMovesOn: 'both',
        emptyTexts: {
          orders: 'default',
          transactions: 'default',
          campaigns: 'default',
          customers: 'default',
          products: 'default',
        },
        permissionText: 'default',
        ipText: 'default',
        refundTxnType: 'REFUND',
        pageLatency: { minMs: 0, maxMs: 0 },
        campaignDates: 'optional',
      });
      expect(CONTRACT_PRESETS.default).toEqual(DEFAULT_CONTRACT);
      expect(new Simulator().getContract()).toEqual(DEFAULT_CONTRACT);
    });

    it('sets exactly the named switches in each preset', () => {
      const diff = (contract: ContractVariants) =>
        Object.fromEntries(
          Object.entries(contract).filter(
            ([key, value]) =>
              JSON.stringify(value) !== JSON.stringify(DEFAULT_CONTRACT[key as keyof ContractVariants]),
          ),
        );
      const nonNo = {
        orders: 'alt2',
        transactions: 'alt2',
        campaigns: 'alt2',
        customers: 'alt2',
        products: 'alt2',
      };
      expect(diff(CONTRACT_PRESETS['day-granular-sorted'])).toEqual({ timeFilters: 'ignored' });
      expect(diff(CONTRACT_PRESETS['day-granular-unsorted'])).toEqual({
        timeFilters: 'ignored',
        sorting: 'ignored',
      });
      expect(diff(CONTRACT_PRESETS['stale-date-updated'])).toEqual({ dateUpdatedMovesOn: 'neither' });
      expect(diff(CONTRACT_PRESETS['alt-texts'])).toEqual({
        emptyTexts: nonNo,
        permissionText: 'alt3',
        ipText: 'alt1',
      });
      expect(diff(CONTRACT_PRESETS['void-refunds'])).toEqual({ refundTxnType: 'VOID' });
      expect(diff(CONTRACT_PRESETS['slow-pages'])).toEqual({ pageLatency: { minMs: 20_000, maxMs: 60_000 } });
      expect(diff(CONTRACT_PRESETS['campaign-dates-required'])).toEqual({ campaignDates: 'required' });
      expect(diff(CONTRACT_PRESETS.worst)).toEqual({
        timeFilters: 'ignored',
        sorting: 'ignored',
        dateUpdatedMovesOn: 'neither',
        emptyTexts: nonNo,
        permissionText: 'alt3',
        ipText: 'alt1',
        refundTxnType: 'VOID',
        campaignDates: 'required',
      });
    });

    it('keeps presets frozen, and a caller copy free to change', () => {
      expect(() => {
        (CONTRACT_PRESETS.worst as ContractVariants).timeFilters = 'honoured';
      }).toThrow(TypeError);
      expect(() => {
        (CONTRACT_PRESETS.worst.emptyTexts as ContractVariants['emptyTexts']).orders = 'default';
      }).toThrow(TypeError);
      const copy = running.sim.setContract('worst');
      copy.timeFilters = 'honoured';
      expect(running.sim.getContract().timeFilters).toBe('ignored');
    });

    it.each(CONTRACT_PRESET_NAMES)('selects preset %s by name and reports it', async (preset) => {
      const sim = new Simulator({ contract: preset });
      expect(sim.getContract()).toEqual(CONTRACT_PRESETS[preset]);
      expect(sim.contractPreset()).toBe(preset);
      const answer = await control(base, 'POST', '/_sim/contract', { preset });
      expect(answer.status).toBe(200);
      expect(answer.body.preset).toBe(preset);
      const status = await control(base, 'GET', '/_sim/status');
      expect(status.body.contractPreset).toBe(preset);
      expect(status.body.contract).toEqual(CONTRACT_PRESETS[preset]);
    });
  });

  describe('timeFilters', () => {
    const hour = { ...DAY, startTime: '10:00', endTime: '10:59:59' };
    let inHour: string;
    let ids: string[];

    beforeEach(() => {
      const early = leadAt('2026-05-12T13:00:00Z'); // 09:00 EDT
      inHour = leadAt('2026-05-12T14:30:00Z'); // 10:30 EDT
      const late = leadAt('2026-05-12T19:00:00Z'); // 15:00 EDT
      ids = [early, inHour, late];
    });

    it('honoured: a one-hour startTime/endTime window returns that hour only', async () => {
      const page = successPage(await api(base, '/order/query/', hour));
      expect(page.totalResults).toBe(1);
      expect(orderIds(page)).toEqual([inHour]);
      expect(errorMessage(await api(base, '/order/query/', { ...DAY, startTime: 'noon' }))).toMatch(
        /startTime/,
      );
    });

    it('ignored: the same window returns the whole day, and bad times are not even read', async () => {
      running.sim.setContract({ timeFilters: 'ignored' });
      const page = successPage(await api(base, '/order/query/', hour));
      expect(page.totalResults).toBe(3);
      expect(orderIds(page)).toEqual(ids);
      // The echo shows the times as sent, so it cannot tell a client whether they were applied.
      expect(page.queryArgs).toMatchObject({ startTime: '10:00', endTime: '10:59:59' });
      expect(successPage(await api(base, '/order/query/', { ...DAY, startTime: 'noon' })).totalResults).toBe(
        3,
      );
      // Whole days still filter.
      expect(
        errorMessage(await api(base, '/order/query/', { startDate: '05/13/2026', endDate: '05/13/2026' })),
      ).toBe('No orders matching those parameters could be found');
    });

    it('ignored on transactions/query too', async () => {
      const sale = await saleAt('2026-05-12T14:30:00Z'); // 10:30 EDT
      await saleAt('2026-05-12T19:00:00Z', { emailAddress: 'other@example.com' }); // 15:00 EDT
      expect(successPage(await api(base, '/transactions/query/', hour)).data.map((t) => t.orderId)).toEqual([
        sale,
      ]);
      running.sim.setContract('day-granular-sorted');
      expect(successPage(await api(base, '/transactions/query/', hour)).totalResults).toBe(2);
    });
  });

  describe('sorting', () => {
    let a: string;
    let b: string;
    let c: string;

    beforeEach(() => {
      a = leadAt('2026-05-12T13:00:00Z');
      b = leadAt('2026-05-12T14:00:00Z');
      c = leadAt('2026-05-12T15:00:00Z');
      // a is updated last.
      running.sim.setClock('2026-05-12T20:00:00Z');
      expect(running.sim.createLead({ orderId: a, city: 'Shelbyville' }).result).toBe('SUCCESS');
    });

    it('honoured: sortDir=0 gives newest first and says so', async () => {
      const page = successPage(await api(base, '/order/query/', { ...DAY, sortDir: 0 }));
      expect(orderIds(page)).toEqual([c, b, a]);
      expect(page).toMatchObject({ sortBy: 'dateCreated', sortDir: 0 });
      expect(page.queryArgs).toMatchObject({ sortBy: 'dateCreated', sortDir: 0 });
    });

    it('honoured: sortBy=dateUpdated orders a dateCreated window by dateUpdated', async () => {
      const page = successPage(await api(base, '/order/query/', { ...DAY, sortBy: 'dateUpdated' }));
      expect(orderIds(page)).toEqual([b, c, a]);
      expect(page).toMatchObject({ sortBy: 'dateUpdated', sortDir: 1 });
      const newest = successPage(
        await api(base, '/order/query/', { ...DAY, dateRangeType: 'dateUpdated', sortDir: 0 }),
      );
      expect(orderIds(newest)).toEqual([a, c, b]);
      expect(newest.sortBy).toBe('dateUpdated');
      expect(errorMessage(await api(base, '/order/query/', { ...DAY, sortBy: 'orderId' }))).toBe(
        'Invalid sortBy: use dateCreated or dateUpdated',
      );
    });

    it('ignored: always oldest dateCreated first, echoing what was used', async () => {
      running.sim.setContract({ sorting: 'ignored' });
      for (const params of [
        { ...DAY, sortDir: 0 },
        { ...DAY, sortBy: 'dateUpdated' },
        { ...DAY, dateRangeType: 'dateUpdated', sortDir: 0 },
        { ...DAY, sortBy: 'nonsense', sortDir: 7 },
      ]) {
        const page = successPage(await api(base, '/order/query/', params));
        expect(orderIds(page), JSON.stringify(params)).toEqual([a, b, c]);
        expect(page).toMatchObject({ sortBy: 'dateCreated', sortDir: 1 });
        expect(page.queryArgs).toMatchObject({ sortBy: 'dateCreated', sortDir: 1 });
      }
    });

    it('ignored on transactions/query and campaign/query too', async () => {
      const first = await saleAt('2026-05-12T13:30:00Z');
      const second = await saleAt('2026-05-12T13:45:00Z', { emailAddress: 'other@example.com' });
      const txnOrders = async () =>
        successPage(await api(base, '/transactions/query/', { ...DAY, sortDir: 0 })).data.map(
          (t) => t.orderId,
        );
      expect(await txnOrders()).toEqual([second, first]);
      // campaign/query keys its data by campaignId (and JS lists integer keys ascending), so the first page of
      // two shows which end the sort started from.
      const records = async () =>
        Object.values(
          z
            .object({ data: z.record(z.string(), z.object({ campaignId: z.number() })) })
            .parse(successObject(await api(base, '/campaign/query/', { sortDir: 0, resultsPerPage: 2 })))
            .data,
        ).map((r) => r.campaignId);
      expect(await records()).toEqual([3, 4]);
      running.sim.setContract('day-granular-unsorted');
      expect(await txnOrders()).toEqual([first, second]);
      expect(await records()).toEqual([1, 2]);
    });
  });

  describe('dateUpdatedMovesOn', () => {
    const LEAD_AT = '2026-05-10T14:00:00Z'; // 05/10 10:00 EDT
    const SALE_AT = '2026-05-10T15:00:00Z'; // 05/10 11:00 EDT
    const LATER = '2026-05-12T16:00:00Z'; // 05/12 12:00 EDT

    /** Converts a lead and cancels a sale on 05/12; answers both records' dateUpdated. */
    const scenario = async () => {
      const lead = leadAt(LEAD_AT);
      const sale = await saleAt(SALE_AT, { emailAddress: 'sale@example.com' });
      running.sim.setClock(LATER);
      const converted = successObject(
        await api(base, '/order/import/', saleParams({ orderId: lead, ...BUYER })),
      );
      expect(converted.orderStatus).toBe('COMPLETE');
      const cancelled = successObject(
        await api(base, '/order/cancel/', { orderId: sale, cancelReason: 'Changed mind' }),
      );
      expect(cancelled.orderStatus).toBe('CANCELLED');
      const updatedOn = async (status: string) => {
        const answer = await api(base, '/order/query/', {
          ...DAY,
          dateRangeType: 'dateUpdated',
          orderStatus: status,
        });
        return answer.result === 'SUCCESS' ? orderIds(answer.message) : [];
      };
      return {
        lead: running.sim.getOrder(lead)?.dateUpdated,
        sale: running.sim.getOrder(sale)?.dateUpdated,
        convertedSeen: (await updatedOn('COMPLETE')).includes(lead),
        cancelledSeen: (await updatedOn('CANCELLED')).includes(sale),
      };
    };

    it.each([
      ['both', '2026-05-12 12:00:00', '2026-05-12 12:00:00'],
      ['conversion', '2026-05-12 12:00:00', '2026-05-10 11:00:00'],
      ['cancel', '2026-05-10 10:00:00', '2026-05-12 12:00:00'],
      ['neither', '2026-05-10 10:00:00', '2026-05-10 11:00:00'],
    ] as const)(
      '%s: converted lead dateUpdated %s, cancelled sale dateUpdated %s',
      async (mode, lead, sale) => {
        running.sim.setContract({ dateUpdatedMovesOn: mode });
        const seen = await scenario();
        expect(seen).toEqual({
          lead,
          sale,
          convertedSeen: lead.startsWith('2026-05-12'),
          cancelledSeen: sale.startsWith('2026-05-12'),
        });
      },
    );

    it('neither: a cancel with fullRefund=1 books the refund but leaves dateUpdated', async () => {
      running.sim.setContract('stale-date-updated');
      const sale = await saleAt(SALE_AT);
      running.sim.setClock(LATER);
      const cancelled = successObject(
        await api(base, '/order/cancel/', { orderId: sale, cancelReason: 'Fraud', fullRefund: 1 }),
      );
      expect(cancelled).toMatchObject({ orderStatus: 'CANCELLED', dateUpdated: '2026-05-10 11:00:00' });
      const refunds = successPage(await api(base, '/transactions/query/', { ...DAY, txnType: 'REFUND' }));
      expect(refunds.data.map((t) => [t.orderId, t.dateCreated])).toEqual([[sale, '2026-05-12 12:00:00']]);
      // A plain refund is not governed by the switch: it still moves dateUpdated.
      const other = await saleAt(SALE_AT, { emailAddress: 'other@example.com' });
      running.sim.setClock(LATER);
      expect(running.sim.refundOrder(other, 'full').result).toBe('SUCCESS');
      expect(running.sim.getOrder(other)?.dateUpdated).toBe('2026-05-12 12:00:00');
    });
  });

  describe('emptyTexts', () => {
    const EMPTY_QUERIES: Record<string, [string, ParamValues]> = {
      orders: ['/order/query/', DAY],
      transactions: ['/transactions/query/', DAY],
      campaigns: ['/campaign/query/', { campaignName: 'no such campaign' }],
      customers: ['/customer/query/', { customerId: 999_999 }],
      products: ['/product/query/', { productId: 999_999 }],
    };

    it.each([
      ['orders', 'default', 'No orders matching those parameters could be found'],
      ['orders', 'alt1', 'There are no orders matching the search criteria'],
      ['orders', 'alt2', 'Orders not found'],
      ['orders', 'alt3', 'No orders found'],
      ['transactions', 'default', 'No transactions matching those parameters could be found'],
      ['transactions', 'alt1', 'There are no transactions matching the search criteria'],
      ['transactions', 'alt2', 'Transactions not found'],
      ['transactions', 'alt3', 'No transactions found'],
      ['campaigns', 'default', 'No campaigns matching those parameters could be found'],
      ['campaigns', 'alt1', 'There are no campaigns matching the search criteria'],
      ['campaigns', 'alt2', 'Campaigns not found'],
      ['campaigns', 'alt3', 'No campaigns found'],
      ['customers', 'default', 'No customers matching those parameters could be found'],
      ['customers', 'alt1', 'There are no customers matching the search criteria'],
      ['customers', 'alt2', 'Customers not found'],
      ['customers', 'alt3', 'No customers found'],
      ['products', 'default', 'No products matching those parameters could be found'],
      ['products', 'alt1', 'There are no products matching the search criteria'],
      ['products', 'alt2', 'Products not found'],
      ['products', 'alt3', 'No products found'],
    ] as const)('%s with %s answers "%s"', async (noun, id, text) => {
      running.sim.setContract({ emptyTexts: { [noun]: id } });
      const [path, params] = EMPTY_QUERIES[noun] ?? ['', {}];
      expect(await api(base, path, params)).toEqual({ result: 'ERROR', message: text });
      // Only that endpoint changed.
      const other = noun === 'orders' ? 'transactions' : 'orders';
      const [otherPath, otherParams] = EMPTY_QUERIES[other] ?? ['', {}];
      expect(errorMessage(await api(base, otherPath, otherParams))).toBe(
        `No ${other} matching those parameters could be found`,
      );
    });

    it('alt-texts: no empty-result text starts with "No"', async () => {
      running.sim.setContract('alt-texts');
      for (const [path, params] of Object.values(EMPTY_QUERIES)) {
        expect(errorMessage(await api(base, path, params))).not.toMatch(/^No\b/);
      }
    });

    it('answers the text for a page past the end too', async () => {
      leadAt('2026-05-12T14:00:00Z');
      running.sim.setContract({ emptyTexts: { orders: 'alt1' } });
      expect(successPage(await api(base, '/order/query/', DAY)).totalResults).toBe(1);
      expect(errorMessage(await api(base, '/order/query/', { ...DAY, page: 2 }))).toBe(
        'There are no orders matching the search criteria',
      );
    });
  });

  describe('permission and IP texts', () => {
    const refusal = async (creds: Record<string, string>) =>
      asEnvelope(
        await send(base, '/order/query/', { ...creds, ...DAY }, 'form', {
          'X-Sim-Client-Ip': '198.51.100.9',
        }),
      );

    it.each([
      ['default', 'Permission denied: this API user does not have access to Query Orders'],
      ['alt1', 'API user does not have access to order/query'],
      ['alt2', 'Access denied'],
      ['alt3', 'This login does not have permission to use Query Orders'],
    ] as const)('permissionText %s answers "%s"', async (id, text) => {
      running.sim.setContract({ permissionText: id });
      expect(await refusal(LIMITED)).toEqual({ result: 'ERROR', message: text });
    });

    it.each([
      ['default', 'IP must be whitelisted - 198.51.100.9'],
      ['alt1', 'Invalid IP address 198.51.100.9'],
      ['alt2', '198.51.100.9 is not an authorized IP address'],
      ['alt3', 'IP address 198.51.100.9 is not whitelisted for this API user'],
    ] as const)('ipText %s answers "%s"', async (id, text) => {
      running.sim.setContract({ ipText: id });
      expect(await refusal(OFFICE)).toEqual({ result: 'ERROR', message: text });
    });

    it('alt-texts: the permission text reads like a login problem and the IP text never says whitelist', async () => {
      running.sim.setContract('alt-texts');
      expect(errorMessage(await refusal(LIMITED))).toMatch(/login/i);
      expect(errorMessage(await refusal(OFFICE))).not.toMatch(/whitelist/i);
      // Bad credentials keep their one known text.
      expect(errorMessage(await refusal({ loginId: LIMITED.loginId, password: 'wrong' }))).toBe(
        'Could not authenticate credentials',
      );
    });

    it('default keeps a configured permissionDeniedTemplate; an alternative replaces it', async () => {
      const sim = await startTestSim({
        users: [{ ...LIMITED, permissions: [] }],
        permissionDeniedTemplate: 'Nope: {endpoint}',
      });
      try {
        const call = async () => errorMessage(await api(sim.url, '/order/query/', { ...LIMITED, ...DAY }));
        expect(await call()).toBe('Nope: order/query');
        sim.sim.setContract({ permissionText: 'alt2' });
        expect(await call()).toBe('Access denied');
      } finally {
        await sim.close();
      }
    });
  });

  describe('refundTxnType', () => {
    const SALE_AT = '2026-05-12T14:00:00Z'; // 10:00 EDT
    const SAME_DAY = '2026-05-13T03:30:00Z'; // 23:30 EDT, still 05/12
    const NEXT_DAY = '2026-05-13T04:30:00Z'; // 00:30 EDT 05/13
    const WEEK = { startDate: '05/12/2026', endDate: '05/13/2026' };

    const reversals = async () =>
      successPage(
        await api(base, '/transactions/query/', { ...WEEK, responseType: 'SUCCESS', resultsPerPage: 200 }),
      )
        .data.filter((t) => t.txnType !== 'SALE')
        .map((t) => [t.txnType, t.totalAmount, t.dateCreated]);

    const refund = async (iso: string, orderId: string, params: ParamValues) => {
      running.sim.setClock(iso);
      return successObject(await api(base, '/order/refund/', { orderId, ...params }));
    };

    it('REFUND (default): every refund is a REFUND row', async () => {
      const order = await saleAt(SALE_AT);
      await refund(SAME_DAY, order, { refundAmount: '5.00' });
      await refund(NEXT_DAY, order, { refundAmount: '6.00' });
      expect(await reversals()).toEqual([
        ['REFUND', '5.00', '2026-05-12 23:30:00'],
        ['REFUND', '6.00', '2026-05-13 00:30:00'],
      ]);
    });

    it('VOID: every refund is a VOID/SUCCESS row, and txnType=REFUND finds nothing', async () => {
      running.sim.setContract('void-refunds');
      const order = await saleAt(SALE_AT);
      await refund(SAME_DAY, order, { refundAmount: '5.00' });
      await refund(NEXT_DAY, order, { fullRefund: 1 });
      const rows = await reversals();
      expect(rows.map((r) => r[0])).toEqual(['VOID', 'VOID']);
      expect(errorMessage(await api(base, '/transactions/query/', { ...WEEK, txnType: 'REFUND' }))).toBe(
        'No transactions matching those parameters could be found',
      );
      const voids = successPage(await api(base, '/transactions/query/', { ...WEEK, txnType: 'VOID' }));
      expect(voids.data[0]).toMatchObject({
        responseType: 'SUCCESS',
        responseText: 'Void Approved',
        orderId: order,
      });
      expect(running.sim.getOrder(order)?.orderStatus).toBe('REFUNDED');
    });

    it('VOID_SAME_DAY: VOID on the sale’s account-local day, REFUND afterwards', async () => {
      running.sim.setContract({ refundTxnType: 'VOID_SAME_DAY' });
      const order = await saleAt(SALE_AT);
      await refund(SAME_DAY, order, { refundAmount: '5.00' });
      await refund(NEXT_DAY, order, { refundAmount: '6.00' });
      expect(await reversals()).toEqual([
        ['VOID', '5.00', '2026-05-12 23:30:00'],
        ['REFUND', '6.00', '2026-05-13 00:30:00'],
      ]);
    });

    it('VOID: a cancel with fullRefund=1 books a VOID', async () => {
      running.sim.setContract({ refundTxnType: 'VOID' });
      const order = await saleAt(SALE_AT);
      running.sim.setClock(SAME_DAY);
      successObject(
        await api(base, '/order/cancel/', { orderId: order, cancelReason: 'Fraud', fullRefund: 1 }),
      );
      expect((await reversals()).map((r) => r[0])).toEqual(['VOID']);
    });
  });

  describe('campaignDates', () => {
    it('optional (default): campaign/query with credentials only answers SUCCESS', async () => {
      expect(campaignTotal(await api(base, '/campaign/query/'))).toBe(4);
    });

    it('required: without campaignId and dates it is an ERROR naming startDate', async () => {
      running.sim.setContract('campaign-dates-required');
      expect(await api(base, '/campaign/query/', { resultsPerPage: 1 })).toEqual({
        result: 'ERROR',
        message: 'startDate is required unless campaignId is given',
      });
      expect(errorMessage(await api(base, '/campaign/query/', { startDate: '01/01/2020' }))).toBe(
        'endDate is required unless campaignId is given',
      );
      expect(campaignTotal(await api(base, '/campaign/query/', { campaignId: 2 }))).toBe(1);
      expect(
        campaignTotal(
          await api(base, '/campaign/query/', { startDate: '01/01/2020', endDate: '12/31/2030' }),
        ),
      ).toBe(4);
    });
  });

  describe('pageLatency', () => {
    let slow: RunningSimulator | undefined;
    afterEach(async () => {
      await slow?.close();
      slow = undefined;
    });

    it('draws reproducible delays within the range, for query endpoints only', () => {
      const draws = (seed: number) => {
        const sim = new Simulator({ seed, contract: { pageLatency: { minMs: 100, maxMs: 5_000 } } });
        expect(sim.pageLatencyFor('order/import')).toBe(0);
        expect(sim.pageLatencyFor('leads/import')).toBe(0);
        return ['order/query', 'transactions/query', 'campaign/query', 'customer/query', 'product/query'].map(
          (name) => sim.pageLatencyFor(name),
        );
      };
      const first = draws(5);
      expect(draws(5)).toEqual(first);
      expect(draws(6)).not.toEqual(first);
      for (const ms of first) {
        expect(ms).toBeGreaterThanOrEqual(100);
        expect(ms).toBeLessThanOrEqual(5_000);
        expect(Number.isInteger(ms)).toBe(true);
      }
      expect(new Simulator().pageLatencyFor('order/query')).toBe(0);
    });

    it('holds a query while other requests proceed, then answers it', async () => {
      slow = await startTestSim({
        seed: 9,
        clock: { now: FROZEN },
        contract: { preset: 'slow-pages', pageLatency: { minMs: 3_000, maxMs: 3_000 } },
      });
      const url = slow.url;
      const order: string[] = [];
      const held = api(url, '/campaign/query/').then((answer) => {
        order.push('query');
        return answer;
      });
      await expect.poll(() => slow?.sim.requestLog().length, { timeout: 10_000 }).toBe(1);
      const status = await control(url, 'GET', '/_sim/status');
      order.push('status');
      expect(status.body.contract).toMatchObject({ pageLatency: { minMs: 3_000, maxMs: 3_000 } });
      expect(status.body.contractPreset).toBeNull();
      const lead = await api(url, '/leads/import/', { campaignId: 1, ...BUYER });
      order.push('write');
      expect(lead.result).toBe('SUCCESS');
      expect(order).toEqual(['status', 'write']);
      expect(campaignTotal(await held)).toBe(4);
      expect(order).toEqual(['status', 'write', 'query']);
      expect(slow.sim.requestLog().map((r) => [r.endpoint, r.delayMs])).toEqual([
        ['campaign/query', 3_000],
        ['leads/import', undefined],
      ]);
    }, 30_000);

    it('close() ends a held query', async () => {
      slow = await startTestSim({ contract: 'slow-pages' });
      const { port } = slow;
      const ended = new Promise<string>((resolve) => {
        const req = request(
          { host: '127.0.0.1', port, path: `/order/query/?${new URLSearchParams({ ...DEMO, ...DAY })}` },
          (res) => {
            res.resume();
            res.on('end', () => resolve('answered'));
          },
        );
        req.on('error', () => resolve('connection closed'));
        req.end();
      });
      await expect.poll(() => slow?.sim.requestLog().length, { timeout: 10_000 }).toBe(1);
      const delay = slow.sim.requestLog()[0]?.delayMs ?? 0;
      expect(delay).toBeGreaterThanOrEqual(20_000);
      expect(delay).toBeLessThanOrEqual(60_000);
      await slow.close();
      slow = undefined;
      expect(await ended).toBe('connection closed');
    }, 30_000);
  });

  describe('selection', () => {
    it('GET /_sim/contract shows the active contract and the preset names', async () => {
      const answer = await control(base, 'GET', '/_sim/contract');
      expect(answer).toEqual({
        status: 200,
        body: { preset: 'default', contract: DEFAULT_CONTRACT, presets: Object.keys(CONTRACT_PRESETS) },
      });
    });

    it('POST /_sim/contract takes a preset name, a {preset} with overrides, or a patch of the current one', async () => {
      expect((await control(base, 'POST', '/_sim/contract', 'worst')).body.preset).toBe('worst');
      const patched = await control(base, 'POST', '/_sim/contract', {
        campaignDates: 'optional',
        emptyTexts: { transactions: 'alt1' },
      });
      expect(patched.body.preset).toBeNull();
      expect(patched.body.contract).toEqual({
        ...CONTRACT_PRESETS.worst,
        campaignDates: 'optional',
        emptyTexts: { ...CONTRACT_PRESETS.worst.emptyTexts, transactions: 'alt1' },
      });
      const fromPreset = await control(base, 'POST', '/_sim/contract', {
        preset: 'day-granular-sorted',
        sorting: 'ignored',
      });
      expect(fromPreset.body.preset).toBe('day-granular-unsorted');
      // The effect is live.
      expect(errorMessage(await api(base, '/transactions/query/', DAY))).toBe(
        'No transactions matching those parameters could be found',
      );
    });

    it.each([
      [{ timeFilters: 'sideways' }, /timeFilters/],
      [{ emptyTexts: { transactions: 'alt9' } }, /emptyTexts\.transactions/],
      [{ emptyTexts: { refunds: 'alt1' } }, /refunds/],
      [{ pageLatency: { minMs: 500, maxMs: 100 } }, /pageLatency\.maxMs/],
      [{ pageLatency: { minMs: -1, maxMs: 100 } }, /pageLatency\.minMs/],
      [{ refundTxnType: 'CHARGEBACK' }, /refundTxnType/],
      [{ preset: 'best' }, /preset/],
      [{ bogus: 1 }, /bogus/],
      ['nope', /Unknown contract preset "nope"/],
      [42, /preset name or an object/],
    ])('POST /_sim/contract %j → 400 naming the field', async (body, pattern) => {
      running.sim.setContract('void-refunds');
      const answer = await control(base, 'POST', '/_sim/contract', body);
      expect(answer.status).toBe(400);
      expect(String(answer.body.error)).toMatch(pattern);
      expect(running.sim.contractPreset()).toBe('void-refunds');
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await fetch(`${base}/_sim/contract`, { method: 'POST', body: '{' });
      expect(response.status).toBe(400);
    });

    it('reset() goes back to the contract given in the options', async () => {
      const sim = new Simulator({ contract: 'void-refunds' });
      sim.setContract('worst');
      sim.reset();
      expect(sim.contractPreset()).toBe('void-refunds');
      running.sim.setContract('worst');
      expect((await control(base, 'POST', '/_sim/reset')).status).toBe(200);
      expect(running.sim.contractPreset()).toBe('default');
    });

    it('startSimulator takes a preset or a patch, and refuses a bad one naming the field', async () => {
      const started = await startSimulator({ port: 0, contract: { sorting: 'ignored' } });
      try {
        expect(started.sim.getContract()).toEqual({ ...DEFAULT_CONTRACT, sorting: 'ignored' });
      } finally {
        await started.close();
      }
      await expect(
        startSimulator({ port: 0, contract: { timeFilters: 'sometimes' as 'ignored' } }),
      ).rejects.toThrow(/timeFilters/);
      expect(() => new Simulator({ contract: 'fastest' as 'worst' })).toThrow(SimulatorConfigError);
      expect(() => running.sim.setContract({ dateUpdatedMovesOn: 'always' as 'both' })).toThrow(
        /dateUpdatedMovesOn/,
      );
    });
  });
});
