/**
 * The five trigger types end to end (DynamoDB Local, the simulator over HTTP, the local bus and queues, the Lambda
 * handlers, a hook receiver) under every contract variant of the simulator: each event delivered exactly once, and
 * Konnektive calls per idle poll reported (and bounded). Conversions, cancellations and refunds happen after the
 * records have left the overlap, so under `stale-date-updated` only the reconciliation can find them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONTRACT_PRESET_NAMES, type ContractInput } from '../../local/simulator/index.js';
import {
  type Harness,
  idsAt,
  messageField,
  pollUntil,
  startHarness,
  subscribeAll,
} from './runtime-harness.js';

const DECLINE_CARD = '4000000000000002';
const SEEDED_ORDERS = 450;
const OVERLAP_MS = 2_000;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const contractOf = (preset: (typeof CONTRACT_PRESET_NAMES)[number]): ContractInput =>
  // Scaled down from 20–60 s a page, so the suite stays fast; the poller's deadlines are tested on their own.
  preset === 'slow-pages' ? { preset, pageLatency: { minMs: 50, maxMs: 200 } } : preset;

const summary: string[] = [];

describe('instant triggers under every contract variant (integration)', { timeout: 180_000 }, () => {
  it.each(CONTRACT_PRESET_NAMES)('%s: each of the five types delivered exactly once', async (preset) => {
    const now = Date.now();
    harness = await startHarness(
      {
        pollSettings: {
          overlapMs: OVERLAP_MS,
          quickOverlapMs: 1_000,
          bucketMs: 1_000,
          // Frequent, so the test sees it; production runs it every 5–15 minutes (docs/polling.md).
          reconcile: { horizonDays: 2, everyMs: 3_000, fastEveryMs: 1_500, slowEveryMs: 3_000 },
        },
      },
      {
        contract: contractOf(preset),
        seedOrders: {
          count: SEEDED_ORDERS,
          from: new Date(now - 12 * 3_600_000),
          to: new Date(now - 600_000),
        },
      },
    );
    const h = harness;
    const token = await h.connect();
    await subscribeAll(h, token);
    await h.tickAndSettle();
    const seeded = new Set(h.sim.listTransactions().map((t) => String(t.transactionId)));

    const lead = messageField(h.sim.createLead());
    const convertedLead = messageField(h.sim.createLead());
    const direct = messageField(h.sim.importOrder());
    const cancelled = messageField(h.sim.importOrder());
    const refunded = messageField(h.sim.importOrder());
    expect(h.sim.importOrder({ cardNumber: DECLINE_CARD, cardSecurityCode: '123' }).result).toBe('ERROR');
    const first: Record<string, string[]> = {
      '/order/NEW_LEAD': [`NEW_LEAD-${lead}`, `NEW_LEAD-${convertedLead}`],
      '/order/NEW_SALE': [`NEW_SALE-${direct}`, `NEW_SALE-${cancelled}`, `NEW_SALE-${refunded}`],
    };
    const has = (expected: Record<string, string[]>) => () =>
      Object.entries(expected).every(([path, ids]) =>
        ids.every((id) => idsAt(h.receiver.received, path).includes(id)),
      );
    await pollUntil(h, has(first));
    // Polls move the hwm past the overlap: from here on, a change that does not move dateUpdated is invisible to
    // the stream.
    for (let waited = 0; waited < OVERLAP_MS + 2_000; waited += 1_000) {
      await sleep(1_000);
      await h.tickAndSettle();
    }
    messageField(h.sim.importOrder({ orderId: convertedLead }));
    h.sim.cancelOrder(cancelled, 'changed mind');
    h.sim.refundOrder(refunded, 'full');

    const transactions = h.sim.listTransactions();
    const declines = transactions
      .filter(
        (t) =>
          (t.responseType === 'HARD_DECLINE' || t.responseType === 'SOFT_DECLINE') &&
          !seeded.has(String(t.transactionId)),
      )
      .map((t) => `DECLINE-${t.transactionId}`);
    const refunds = transactions
      .filter(
        (t) =>
          (t.txnType === 'REFUND' || t.txnType === 'VOID') &&
          t.responseType === 'SUCCESS' &&
          String(t.orderId) === refunded,
      )
      .map((t) => `REFUND-${t.transactionId}`);
    expect(declines.length).toBeGreaterThanOrEqual(1);
    expect(refunds).toHaveLength(1);
    const expected: Record<string, string[]> = {
      '/order/NEW_LEAD': first['/order/NEW_LEAD'] ?? [],
      '/order/NEW_SALE': [...(first['/order/NEW_SALE'] ?? []), `NEW_SALE-${convertedLead}`],
      '/order/CANCELLED': [`CANCELLED-${cancelled}`],
      '/transaction/DECLINE': declines,
      '/transaction/REFUND': refunds,
    };
    await pollUntil(h, has(expected));
    for (let i = 0; i < 2; i++) {
      await sleep(1_100);
      await h.tickAndSettle();
    }
    await sleep(300);
    for (const [path, ids] of Object.entries(expected)) {
      expect(idsAt(h.receiver.received, path).sort(), path).toEqual([...ids].sort());
    }
    const refund = h.receiver.received.find((hook) => hook.path === '/transaction/REFUND')?.body as Record<
      string,
      unknown
    >;
    expect(refund.txnType).toBe(preset === 'void-refunds' || preset === 'worst' ? 'VOID' : 'REFUND');

    // Konnektive calls of an idle poll, per stream (the reconciliation counted apart).
    const idle: Array<{ orders: number; transactions: number; reconcile: number }> = [];
    for (let i = 0; i < 2; i++) {
      await sleep(1_100);
      h.sim.clearRequestLog();
      await h.tickAndSettle();
      const log = h.sim.requestLog();
      idle.push({
        orders: log.filter((r) => r.endpoint === 'order/query' && !r.params.orderStatus).length,
        transactions: log.filter((r) => r.endpoint === 'transactions/query').length,
        reconcile: log.filter((r) => r.endpoint === 'order/query' && r.params.orderStatus).length,
      });
    }
    const worst = (key: 'orders' | 'transactions') => Math.max(...idle.map((tick) => tick[key]));
    const wholeDayPages = Math.ceil((SEEDED_ORDERS * 1.5) / 200) + 2;
    const unsorted = preset === 'day-granular-unsorted' || preset === 'worst';
    expect(worst('orders')).toBeLessThanOrEqual(unsorted ? wholeDayPages : 2);
    expect(worst('transactions')).toBeLessThanOrEqual(unsorted ? wholeDayPages : 2);
    const line = `${preset}: idle poll calls orders ${idle.map((t) => t.orders).join('/')}, transactions ${idle.map((t) => t.transactions).join('/')}, reconciliation ${idle.map((t) => t.reconcile).join('/')}`;
    summary.push(line);
    process.stdout.write(`${line}\n`);
  });
});
