/**
 * §7 The poller under every contract variant of the simulator (time filters, sorting, dateUpdated, texts, refunds,
 * latency, campaign dates): Konnektive calls per idle and per busy tick at 450 and 2,000 orders a day, detection
 * latency at a one-minute schedule, and calls per detected event while catching up and under steady load at 1, 10
 * and 50 events a second (polled every second, as the local runtime does), plus the idle tick right after such a
 * burst.
 *
 * Simulated time: the simulator's clock is frozen and moved tick by tick, and the poller's clock follows it, so a day
 * of traffic runs in seconds; everything else is real — `pollStream` as the poll Lambda runs it (DynamoDB Local
 * stores, the HTTP Konnektive client, the AES cipher), the simulator over HTTP. Calls are counted in the simulator's
 * request log, per stream (`order/query` without a status filter = the orders stream; with one = the reconciliation).
 */
import { randomUUID } from 'node:crypto';
import type { LocalCredentialCipher } from '../../functions/adapters/crypto/local-credential-cipher.js';
import { KonnektiveClient } from '../../functions/adapters/konnektive/konnektive-client.js';
import type { DetectedEvent, Stream } from '../../functions/core/model.js';
import {
  DEFAULT_POLL_SETTINGS,
  type PollResult,
  pollStream,
} from '../../functions/core/triggers/poll-stream.js';
import {
  type ContractInput,
  type ContractPresetName,
  DEMO_USER,
  type RunningSimulator,
  type SimEnvelope,
  startSimulator,
} from '../../local/simulator/index.js';
import type { Section, SectionContext, SectionOutput } from '../lib/context.js';
import { pollerStores } from '../lib/poller-stores.js';
import { infoRow, type Row, targetRow } from '../lib/report.js';
import { max, mean, percentile } from '../lib/stats.js';

const TIME_ZONE = 'America/New_York';
/** 15:00 in New York: most of the day's orders already exist. */
const START = Date.parse('2026-11-24T20:00:00Z');
const DAY_START = Date.parse('2026-11-24T05:00:00Z');
const MINUTE = 60_000;
const DECLINE_CARD = '4000000000000002';
/** Seconds of steady load per rate. */
const LOAD_SECONDS = 30;
/** Minutes of the busy phase (long enough for leads and sales to age past the overlap and change). */
const BUSY_MINUTES = 12;

type Stores = Awaited<ReturnType<typeof pollerStores>>['stores'];

interface Calls {
  orders: number;
  transactions: number;
  reconcile: number;
}

const field = (envelope: SimEnvelope, name: string): string => {
  if (envelope.result !== 'SUCCESS' || typeof envelope.message !== 'object' || envelope.message === null) {
    throw new Error(`simulator call failed: ${JSON.stringify(envelope.message)}`);
  }
  return String((envelope.message as Record<string, unknown>)[name]);
};

/** One connection polled in simulated time against one simulator. */
class Rig {
  now = START;
  readonly detected = new Map<string, number>();
  readonly changed = new Map<string, number>();
  private readonly leads: Array<{ id: string; at: number }> = [];
  private readonly sales: Array<{ id: string; at: number }> = [];
  private serial = 0;
  private polls = 0;

  constructor(
    readonly running: RunningSimulator,
    readonly stores: Stores,
    readonly cipher: LocalCredentialCipher,
    readonly konnektive: KonnektiveClient,
    readonly connectionId: string,
  ) {}

  get sim() {
    return this.running.sim;
  }

  async start(): Promise<void> {
    await this.stores.connections.upsert(
      {
        connectionId: this.connectionId,
        loginId: DEMO_USER.loginId,
        encryptedPassword: await this.cipher.encrypt(DEMO_USER.password, { connectionId: this.connectionId }),
        timeZone: TIME_ZONE,
        label: 'bench variants',
        status: 'active',
      },
      new Date(this.now),
    );
    for (const stream of ['orders', 'transactions'] as const) {
      await this.stores.cursors.reset({
        connectionId: this.connectionId,
        stream,
        hwm: new Date(this.now).toISOString(),
        now: new Date(this.now),
      });
    }
  }

  at(ms: number): void {
    this.now = ms;
    this.sim.setClock(new Date(ms));
  }

  /**
   * One event of a merchant's mix at `ms`: sales, leads, conversions, declines, refunds, cancellations. Leads are
   * converted and sales cancelled only once they are older than the overlap (6 minutes): then a Konnektive that
   * does not move dateUpdated hides the change from the stream, and only the reconciliation finds it.
   */
  event(ms: number): void {
    this.at(ms);
    const roll = this.serial++ % 20;
    const old = (list: Array<{ id: string; at: number }>) =>
      list.length > 0 && ms - (list[0]?.at ?? ms) > 6 * MINUTE ? list.shift()?.id : undefined;
    if (roll >= 7 && roll < 9) {
      const orderId = field(this.sim.createLead(), 'orderId');
      this.leads.push({ id: orderId, at: ms });
      this.changed.set(`NEW_LEAD:${orderId}`, ms);
      return;
    }
    if (roll >= 11 && roll < 14) {
      this.sim.importOrder({ cardNumber: DECLINE_CARD, cardSecurityCode: '123' });
      const last = this.sim.listTransactions().at(-1);
      this.changed.set(`DECLINE:${String(last?.transactionId)}`, ms);
      return;
    }
    const converted = roll >= 9 && roll < 11 ? old(this.leads) : undefined;
    if (converted !== undefined) {
      field(this.sim.importOrder({ orderId: converted }), 'orderId');
      this.sales.push({ id: converted, at: ms });
      this.changed.set(`NEW_SALE:${converted}`, ms);
      return;
    }
    const refunded = roll >= 14 && roll < 17 ? this.sales[this.sales.length - 1]?.id : undefined;
    if (refunded !== undefined) {
      const transactionId = field(this.sim.refundOrder(refunded, '0.01'), 'transactionId');
      this.changed.set(`REFUND:${transactionId}`, ms);
      return;
    }
    const cancelled = roll >= 17 ? old(this.sales) : undefined;
    if (cancelled !== undefined) {
      this.sim.cancelOrder(cancelled, 'bench');
      this.changed.set(`CANCELLED:${cancelled}`, ms);
      return;
    }
    const orderId = field(this.sim.importOrder(), 'orderId');
    this.sales.push({ id: orderId, at: ms });
    this.changed.set(`NEW_SALE:${orderId}`, ms);
  }

  /** Polls both streams at the current simulated time; returns the calls each made. */
  async tick(): Promise<Calls & { results: PollResult[] }> {
    this.sim.clearRequestLog();
    const results: PollResult[] = [];
    for (const stream of ['orders', 'transactions'] as Stream[]) {
      results.push(
        await pollStream(
          {
            connections: this.stores.connections,
            cursors: this.stores.cursors,
            ledger: this.stores.ledger,
            cipher: this.cipher,
            konnektive: this.konnektive,
            clock: { now: () => new Date(this.now) },
            publisher: {
              publish: async (events: DetectedEvent[]) => {
                for (const event of events) {
                  const key = `${event.type}:${event.recordId}`;
                  if (!this.detected.has(key)) this.detected.set(key, this.now);
                }
              },
            },
          },
          {
            connectionId: this.connectionId,
            stream,
            owner: `bench-${this.connectionId}-${++this.polls}`,
            remainingMs: () => 300_000,
          },
          DEFAULT_POLL_SETTINGS,
        ),
      );
    }
    const log = this.sim.requestLog();
    return {
      orders: log.filter((r) => r.endpoint === 'order/query' && !r.params.orderStatus).length,
      transactions: log.filter((r) => r.endpoint === 'transactions/query').length,
      reconcile: log.filter((r) => r.endpoint === 'order/query' && r.params.orderStatus).length,
      results,
    };
  }

  /** Ticks every `everyMs` for `count` ticks, `perTick(start, end)` making events between ticks. */
  async ticks(count: number, everyMs: number, perTick?: (from: number, to: number) => void) {
    const calls: Calls[] = [];
    for (let i = 0; i < count; i++) {
      const from = this.now;
      perTick?.(from, from + everyMs);
      this.at(from + everyMs);
      calls.push(await this.tick());
    }
    return calls;
  }

  /** Detection delays (simulated ms) of the changes made since `since`, and how many were never detected. */
  latency(since: number): { delays: number[]; missing: number } {
    const delays: number[] = [];
    let missing = 0;
    for (const [key, at] of this.changed) {
      if (at < since) continue;
      const found = this.detected.get(key);
      if (found === undefined) missing += 1;
      else delays.push(found - at);
    }
    return { delays, missing };
  }

  detectedBetween(from: number, to: number): number {
    let n = 0;
    for (const at of this.detected.values()) if (at > from && at <= to) n += 1;
    return n;
  }
}

/** `count` events spread evenly over `[from, to)`. */
const spread = (rig: Rig, count: number) => (from: number, to: number) => {
  for (let i = 0; i < count; i++) rig.event(from + Math.floor(((to - from) * (i + 0.5)) / count));
};

const sum = (calls: Calls) => calls.orders + calls.transactions;
const worstOf = (calls: Calls[], key: keyof Calls) => max(calls.map((c) => c[key]));
const pair = (calls: Calls[]) => `${worstOf(calls, 'orders')}+${worstOf(calls, 'transactions')}`;
const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(0)} s` : 'n/a');

interface VariantFigures {
  idle: Record<string, Calls[]>;
  busy: Record<string, Calls[]>;
  detection: { p50: number; p99: number; missing: number; count: number };
  perEvent: Record<string, number>;
  idleAfterBurst: Calls[];
  strategies: Record<string, string>;
}

const contractOf = (preset: ContractPresetName): ContractInput =>
  // Real pages of 20–60 s would only make the run long in wall time; calls are what is counted here.
  preset === 'slow-pages' ? { preset, pageLatency: { minMs: 50, maxMs: 150 } } : preset;

const measureVariant = async (
  context: SectionContext,
  preset: ContractPresetName,
  stores: Stores,
  cipher: LocalCredentialCipher,
): Promise<VariantFigures> => {
  const figures: VariantFigures = {
    idle: {},
    busy: {},
    detection: { p50: Number.NaN, p99: Number.NaN, missing: 0, count: 0 },
    perEvent: {},
    idleAfterBurst: [],
    strategies: {},
  };
  const simulator = async (perDay: number) => {
    const running = await startSimulator({
      port: 0,
      seed: 5,
      logger: () => undefined,
      timeZone: TIME_ZONE,
      clock: { now: new Date(START).toISOString() },
      contract: contractOf(preset),
      requestLogLimit: 100_000,
    });
    context.cleanup.add(`simulator ${preset}`, async () => {
      await running.close().catch(() => undefined);
    });
    running.sim.seed({
      count: Math.round((perDay * (START - DAY_START)) / (24 * 60 * MINUTE)),
      from: new Date(DAY_START),
      to: new Date(START - 10 * MINUTE),
    });
    return running;
  };
  /** A fresh connection (its own cursors) on `running`, starting at `now`. */
  const connect = async (running: RunningSimulator, now = START) => {
    const konnektive = new KonnektiveClient({ baseUrl: running.url });
    const rig = new Rig(running, stores, cipher, konnektive, `c_bench_${preset}_${randomUUID().slice(0, 6)}`);
    rig.at(now);
    await rig.start();
    return rig;
  };

  for (const perDay of [450, 2_000]) {
    context.progress(`§7 ${preset}: ${perDay} orders a day`);
    const running = await simulator(perDay);
    const rig = await connect(running);
    await rig.ticks(2, MINUTE); // strategy settles, reconciliation baseline
    figures.idle[perDay] = await rig.ticks(4, MINUTE);
    // Busy: the day's peak hour, four times the average rate, for BUSY_MINUTES.
    const perMinute = Math.max(1, Math.round((4 * perDay) / (24 * 60)));
    const busyFrom = rig.now;
    figures.busy[perDay] = await rig.ticks(BUSY_MINUTES, MINUTE, spread(rig, perMinute));
    // Then quiet for 20 minutes, so slow paths (reconciliation) can finish; latency at a 1-minute schedule.
    await rig.ticks(20, MINUTE);
    if (perDay === 2_000) {
      const { delays, missing } = rig.latency(busyFrom);
      figures.detection = {
        p50: percentile(delays, 50),
        p99: percentile(delays, 99),
        missing,
        count: delays.length,
      };
    }
    const state = await stores.cursors.get(rig.connectionId, 'orders');
    const txState = await stores.cursors.get(rig.connectionId, 'transactions');
    figures.strategies[perDay] = `${state?.strategy?.name ?? '?'}/${txState?.strategy?.name ?? '?'}`;
    await running.close();
  }

  // Steady load at 1, 10 and 50 events a second for LOAD_SECONDS, polled every second; then the idle ticks after
  // it. Each phase is a fresh connection on one simulator, whose clock goes on.
  const shared = await simulator(450);
  let clock = START;
  for (const perSecond of [1, 10, 50]) {
    context.progress(`§7 ${preset}: ${perSecond} events/s`);
    const rig = await connect(shared, clock);
    await rig.ticks(2, 1_000);
    const from = rig.now;
    const calls = await rig.ticks(LOAD_SECONDS, 1_000, spread(rig, perSecond));
    const drained = await rig.ticks(10, 1_000);
    const events = rig.detectedBetween(from, rig.now);
    figures.perEvent[`${perSecond}/s`] =
      [...calls, ...drained].reduce((n, c) => n + sum(c), 0) / Math.max(1, events);
    if (perSecond === 50) figures.idleAfterBurst = await rig.ticks(5, 1_000);
    clock = rig.now + MINUTE;
  }

  // Catching up: 3,000 events made during an hour without polls, then polls until caught up.
  context.progress(`§7 ${preset}: catch-up`);
  const rig = await connect(shared, clock);
  await rig.ticks(2, MINUTE);
  const from = rig.now;
  spread(rig, 3_000)(from, from + 60 * MINUTE);
  rig.at(from + 60 * MINUTE);
  let calls = 0;
  for (let i = 0; i < 5; i++) {
    const tick = await rig.tick();
    calls += sum(tick) + tick.reconcile;
    if (tick.results.every((r) => r.status === 'done')) break;
  }
  figures.perEvent['catch-up'] = calls / Math.max(1, rig.detectedBetween(from, rig.now));
  await shared.close();
  return figures;
};

/** The target of an idle tick per stream under a variant: 1 (narrowed windows), 2 (whole days, sorted), the day's pages. */
const idleTarget = (preset: ContractPresetName): number | undefined =>
  preset === 'day-granular-unsorted' || preset === 'worst'
    ? undefined
    : preset === 'day-granular-sorted'
      ? 2
      : 1;

export const contractVariantsSection: Section = {
  id: 'variants',
  title: '7. The poller under every contract variant (simulated time)',
  async run(context): Promise<SectionOutput> {
    const { stores, cipher } = await pollerStores(context.dynamoDbEndpoint, 'var');
    const rows: Row[] = [];
    const details: Record<string, VariantFigures> = {};
    for (const preset of context.config.variants) {
      const figures = await measureVariant(context, preset, stores, cipher);
      details[preset] = figures;
      const target = idleTarget(preset);
      const idle450 = figures.idle[450] ?? [];
      const idle2000 = figures.idle[2_000] ?? [];
      const worstIdle = Math.max(
        worstOf(idle450, 'orders'),
        worstOf(idle450, 'transactions'),
        worstOf(idle2000, 'orders'),
        worstOf(idle2000, 'transactions'),
      );
      const idleValue = `${pair(idle450)} / ${pair(idle2000)}`;
      rows.push(
        target === undefined
          ? infoRow(
              `${preset}: idle tick calls (orders+txns) @450 / @2000 a day`,
              idleValue,
              'the day’s pages',
            )
          : targetRow(
              `${preset}: idle tick calls (orders+txns) @450 / @2000 a day`,
              idleValue,
              `≤ ${target} per stream`,
              worstIdle <= target,
            ),
      );
      rows.push(
        infoRow(
          `${preset}: busy tick calls @450 / @2000 a day`,
          `${pair(figures.busy[450] ?? [])} / ${pair(figures.busy[2_000] ?? [])}`,
        ),
      );
      const d = figures.detection;
      rows.push(
        infoRow(
          `${preset}: detection p50 / p99 at a 1-min schedule`,
          `${seconds(d.p50)} / ${seconds(d.p99)}${d.missing > 0 ? ` (${d.missing} missed)` : ''}`,
        ),
      );
      rows.push(
        infoRow(
          `${preset}: calls per event: catch-up · 1 · 10 · 50 ev/s`,
          ['catch-up', '1/s', '10/s', '50/s']
            .map((k) => (figures.perEvent[k] ?? Number.NaN).toFixed(2))
            .join(' · '),
        ),
      );
      const after = figures.idleAfterBurst;
      rows.push(
        targetRow(
          `${preset}: idle tick right after a 50 ev/s burst`,
          `${pair(after)}${after.some((c) => c.reconcile > 0) ? ` (+${max(after.map((c) => c.reconcile))} reconciliation)` : ''}`,
          target === undefined ? 'the day’s pages' : `≤ ${target} per stream`,
          target === undefined
            ? true
            : Math.max(worstOf(after, 'orders'), worstOf(after, 'transactions')) <= target,
        ),
      );
    }
    return {
      rows,
      notes: [
        'Simulated time (frozen simulator clock moved tick by tick; the poller’s clock follows); real DynamoDB Local stores, HTTP client and simulator.',
        `Idle/busy: 4 idle and ${BUSY_MINUTES} busy one-minute ticks after the day’s orders so far (15:00); busy = 4× the day’s average rate of a merchant mix (sales, leads, declines, refunds; leads converted and sales cancelled once older than the overlap). Worst tick shown, orders+transactions.`,
        'Detection: busy phase at 2,000 a day, then 20 quiet minutes; stale-date-updated conversions and cancellations wait for the reconciliation (every 15 min, 5 min once one was missed).',
        `Calls per event: ${LOAD_SECONDS} s of load polled every second, then 10 idle ticks (reconciliation excluded); catch-up: 3,000 events in an hour without polls, reconciliation included.`,
        `Strategies reached (orders/transactions): ${Object.entries(details)
          .map(([preset, f]) => `${preset} ${f.strategies[2_000] ?? '?'}`)
          .join(', ')}.`,
      ],
      details: {
        variants: details,
        meanIdle: mean(Object.values(details).flatMap((f) => (f.idle[450] ?? []).map(sum))),
      },
    };
  },
};
