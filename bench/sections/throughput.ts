/**
 * §2 Pipeline throughput on the local runtime (design §9: ≥ 300 events/s detected and delivered, ≤ 2 DynamoDB writes
 * per delivered event). Events are created in the in-process simulator first, then one tick starts the pipeline; the
 * clock runs from that tick to the last `detected` line (detection) and to the last hook received (delivery).
 *
 * Three runs:
 *  A. capacity — one merchant, New Sale + New Lead Zaps, the per-hook-URL pacer bypassed (benchmark-only patch):
 *     what poll → ledger → bus → queue → deliver → marker can do on this machine;
 *  B. as shipped, one merchant — each Zap is paced at 25 requests/s (Zapier allows ~30/s per hook URL), so this
 *     run shows the product ceiling for a single merchant's burst, not a target;
 *  C. as shipped, several merchants (connections), two Zaps each — the multi-tenant case the target is about.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TokenBucketPacer } from '../../functions/core/triggers/pacer.js';
import type { Section, SectionContext, SectionOutput } from '../lib/context.js';
import { CpuMeter, formatCpu } from '../lib/cpu.js';
import { callsOf } from '../lib/dynamo-meter.js';
import { CpuProfiler, formatProfile, type ProfileSummary } from '../lib/profiler.js';
import { infoRow, type Row, targetRow } from '../lib/report.js';
import { rate, sleep, summarize, waitUntil } from '../lib/stats.js';
import { benchUser, startSystem } from '../lib/system.js';

const TARGET_PER_SECOND = 300;
const MAX_WRITES_PER_EVENT = 2;

interface Scenario {
  key: string;
  label: string;
  merchants: number;
  sales: number;
  leads: number;
  paced: boolean;
}

/** Makes every pacer grant at once; returns the undo. Benchmark instrumentation only. */
const bypassPacer = (): (() => void) => {
  const original = TokenBucketPacer.prototype.acquire;
  TokenBucketPacer.prototype.acquire = async () => undefined;
  return () => {
    TokenBucketPacer.prototype.acquire = original;
  };
};

const runScenario = async (context: SectionContext, scenario: Scenario) => {
  const users = Array.from({ length: scenario.merchants }, (_, index) => benchUser(index));
  const system = await startSystem({
    dynamoDbEndpoint: context.dynamoDbEndpoint,
    cleanup: context.cleanup,
    users,
  });
  try {
    for (const [index, user] of users.entries()) {
      const token = await system.connect(user);
      await system.subscribe(token, 'order', 'NEW_SALE', system.receiver.hook(`/m${index}/new-sale`));
      await system.subscribe(token, 'order', 'NEW_LEAD', system.receiver.hook(`/m${index}/new-lead`));
    }
    const { sim } = system.simulator;
    const createStarted = performance.now();
    for (let i = 0; i < Math.max(scenario.sales, scenario.leads); i++) {
      if (i < scenario.sales && sim.importOrder().result !== 'SUCCESS')
        throw new Error('sim.importOrder failed');
      if (i < scenario.leads && sim.createLead().result !== 'SUCCESS')
        throw new Error('sim.createLead failed');
    }
    const createMs = performance.now() - createStarted;
    // Windows end on whole seconds (Konnektive's resolution): start once the last record's second is over.
    await sleep(1_050 - (Date.now() % 1_000));

    const expected = scenario.merchants * (scenario.sales + scenario.leads);
    const delivered = () => system.receiver.received.length;
    system.activity.clear();
    sim.clearRequestLog();
    context.meter.reset();
    const restorePacer = scenario.paced ? () => undefined : bypassPacer();
    const profiler =
      context.config.cpuProfile && scenario.key === 'capacity'
        ? new CpuProfiler(context.repoRoot)
        : undefined;
    await profiler?.start();
    const cpu = new CpuMeter(context.dynamoDbPid);
    const started = Date.now();
    let extraTicks = 0;
    let timedOut = false;
    try {
      await system.runtime.tick();
      // Budget: as if every Zap were paced at 20/s, plus slack for a slow machine.
      const deadline = started + 30_000 + (expected / (2 * scenario.merchants * 20)) * 1000 * 2;
      let lastCount = 0;
      let lastProgress = Date.now();
      while (delivered() < expected) {
        if (Date.now() > deadline) {
          timedOut = true;
          break;
        }
        await sleep(20);
        if (delivered() !== lastCount) {
          lastCount = delivered();
          lastProgress = Date.now();
        }
        const idle =
          system.runtime.queues.polls.stats().total === 0 &&
          system.runtime.queues.deliveries.stats().total === 0;
        if (idle && Date.now() - lastProgress > 2_000) {
          // Nothing in flight yet not everything arrived: another window is needed (should not happen).
          extraTicks += 1;
          lastProgress = Date.now();
          await system.runtime.tick();
        }
      }
      // The `delivered` line is written just after the receiver has answered.
      await waitUntil(() => system.activity.count('delivered') >= delivered(), 5_000);
    } finally {
      restorePacer();
    }
    const cpuReport = cpu.stop();
    let profile: ProfileSummary | undefined;
    if (profiler) {
      mkdirSync(context.outputDir, { recursive: true });
      profile = await profiler.stop(join(context.outputDir, `throughput-${scenario.key}.cpuprofile`));
    }
    const dynamo = context.meter.snapshot();

    const detected = system.activity.of('detected');
    const hooks = system.receiver.received.filter((hook) => hook.status >= 200 && hook.status < 300);
    const lastDetected = detected.reduce((top, record) => Math.max(top, record.at), started);
    const lastHook = hooks.reduce((top, hook) => Math.max(top, hook.receivedAt), started);
    const uniqueHooks = new Set(
      hooks.map((hook) => `${hook.path}|${String((hook.body as { id?: unknown }).id)}`),
    ).size;
    const deliveredLines = system.activity.of('delivered');
    const latency = summarize(deliveredLines.map((line) => Number(line.fields.latencyMs)));
    const post = summarize(deliveredLines.map((line) => Number(line.fields.durationMs)));
    const polled = system.activity.of('polled');
    const queries = sim.requestLog().filter((request) => request.endpoint === 'order/query').length;
    const ops = Object.fromEntries(
      Object.entries(dynamo.byCommand).map(([name, stats]) => [
        name,
        { calls: stats.calls, avgMs: Number((stats.totalMs / stats.calls).toFixed(2)) },
      ]),
    );
    return {
      scenario,
      expected,
      createPerSecond: rate(scenario.sales + scenario.leads, createMs),
      detected: detected.length,
      delivered: hooks.length,
      duplicates: hooks.length - uniqueHooks,
      detectMs: lastDetected - started,
      deliverMs: lastHook - started,
      detectedPerSecond: rate(detected.length, lastDetected - started),
      deliveredPerSecond: rate(uniqueHooks, lastHook - started),
      timedOut,
      extraTicks,
      konnektiveQueries: queries,
      polls: polled.map((line) => ({ records: line.fields.records, durationMs: line.fields.durationMs })),
      detectedToDeliveredMs: latency,
      hookPostMs: post,
      dynamo: {
        calls: dynamo.calls,
        writes: dynamo.writes,
        reads: dynamo.reads,
        ledgerPuts: callsOf(dynamo.byCommand, 'Put Ledger'),
        ledgerAlreadySeen: callsOf(dynamo.byCommand, 'Put Ledger (failed)'),
        markerPuts: callsOf(dynamo.byCommand, 'Put Deliveries'),
        cursorWrites: callsOf(dynamo.byCommand, 'Update Cursors'),
        /** Ledger and marker writes per delivered event (cursor writes are per page and listed apart). */
        writesPerDeliveredEvent:
          callsOf(dynamo.byCommand, 'Put Ledger', 'Put Deliveries') / Math.max(1, uniqueHooks),
        callsPerDeliveredEvent: dynamo.calls / Math.max(1, uniqueHooks),
        byCommand: ops,
      },
      cpu: cpuReport,
      profile,
      errors: system.activity.of('error').map((line) => line.fields.message),
    };
  } finally {
    await system.stop();
  }
};

type Outcome = Awaited<ReturnType<typeof runScenario>>;

const perSecond = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} events/s` : 'n/a');

const describe = (outcome: Outcome): string =>
  `${outcome.delivered}/${outcome.expected} delivered${outcome.duplicates ? `, ${outcome.duplicates} duplicate(s)` : ''}` +
  `${outcome.timedOut ? ', TIMED OUT' : ''}${outcome.extraTicks ? `, ${outcome.extraTicks} extra tick(s)` : ''}; ` +
  `detect ${(outcome.detectMs / 1000).toFixed(1)} s, deliver ${(outcome.deliverMs / 1000).toFixed(1)} s; ` +
  `${outcome.konnektiveQueries} order/query call(s); DynamoDB ${outcome.dynamo.calls} calls ` +
  `(${Object.entries(outcome.dynamo.byCommand)
    .map(([name, stats]) => `${name} ${stats.calls}×${stats.avgMs} ms`)
    .join(', ')}); ` +
  `detected→delivered p50 ${outcome.detectedToDeliveredMs.p50} ms / p99 ${outcome.detectedToDeliveredMs.p99} ms; ` +
  `hook POST p50 ${outcome.hookPostMs.p50} ms; ${formatCpu(outcome.cpu)}`;

export const throughputSection: Section = {
  id: 'throughput',
  title: '2. Pipeline throughput on the local runtime',
  async run(context): Promise<SectionOutput> {
    const { config } = context;
    const rows: Row[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    const complete = (outcome: Outcome) => !outcome.timedOut && outcome.delivered >= outcome.expected;

    const sales = Math.round((config.events * 2) / 3);
    context.progress(`§2A capacity run: ${config.events} events, one merchant, pacer bypassed`);
    const capacity = await runScenario(context, {
      key: 'capacity',
      label: 'A. one merchant, 2 Zaps, per-hook pacer bypassed',
      merchants: 1,
      sales,
      leads: config.events - sales,
      paced: false,
    });
    details.capacity = capacity;
    rows.push(
      infoRow(
        `A. capacity: ${capacity.expected} events, 1 merchant, pacer bypassed`,
        `sim creates ${capacity.createPerSecond.toFixed(0)}/s`,
      ),
      targetRow(
        '   detected',
        perSecond(capacity.detectedPerSecond),
        `≥ ${TARGET_PER_SECOND}/s`,
        complete(capacity) && capacity.detectedPerSecond >= TARGET_PER_SECOND,
      ),
      targetRow(
        '   delivered (end to end)',
        perSecond(capacity.deliveredPerSecond),
        `≥ ${TARGET_PER_SECOND}/s`,
        complete(capacity) && capacity.deliveredPerSecond >= TARGET_PER_SECOND,
      ),
      targetRow(
        '   DynamoDB ledger + marker writes per event',
        capacity.dynamo.writesPerDeliveredEvent.toFixed(2),
        `≤ ${MAX_WRITES_PER_EVENT}`,
        capacity.dynamo.writesPerDeliveredEvent <= MAX_WRITES_PER_EVENT,
      ),
      infoRow(
        '   Konnektive order/query calls',
        `${capacity.konnektiveQueries} (${Math.ceil(capacity.expected / 200)} pages hold the events)`,
      ),
      infoRow(
        '   of which ledger puts of already-seen events',
        `${(capacity.dynamo.ledgerAlreadySeen / Math.max(1, capacity.delivered)).toFixed(2)} per event`,
      ),
      infoRow(
        '   DynamoDB calls per delivered event (all)',
        `${capacity.dynamo.callsPerDeliveredEvent.toFixed(2)} (cursor writes ${capacity.dynamo.cursorWrites})`,
      ),
    );
    notes.push(`A: ${describe(capacity)}`);
    if (capacity.profile) notes.push(`A profile: ${formatProfile(capacity.profile)}`);

    const pacedSales = Math.round(config.pacedEvents / 2);
    context.progress(`§2B one merchant as shipped: ${config.pacedEvents} events`);
    const single = await runScenario(context, {
      key: 'singleMerchant',
      label: 'B. one merchant, 2 Zaps, as shipped',
      merchants: 1,
      sales: pacedSales,
      leads: config.pacedEvents - pacedSales,
      paced: true,
    });
    details.singleMerchant = single;
    rows.push(
      infoRow(
        `B. as shipped: ${single.expected} events, 1 merchant, 2 Zaps`,
        `${perSecond(single.deliveredPerSecond)}`,
        '≤ 2 Zaps × 25/s',
      ),
      infoRow('   detected', perSecond(single.detectedPerSecond)),
    );
    notes.push(`B: ${describe(single)}`);

    const merchantSales = Math.round((config.merchantEvents * 2) / 3);
    context.progress(
      `§2C ${config.merchants} merchants as shipped: ${config.merchants * config.merchantEvents} events`,
    );
    const multi = await runScenario(context, {
      key: 'multiMerchant',
      label: `C. ${config.merchants} merchants, 2 Zaps each, as shipped`,
      merchants: config.merchants,
      sales: merchantSales,
      leads: config.merchantEvents - merchantSales,
      paced: true,
    });
    details.multiMerchant = multi;
    rows.push(
      infoRow(
        `C. as shipped: ${multi.expected} events, ${config.merchants} merchants × 2 Zaps`,
        `${config.merchants * 2} hook URLs`,
      ),
      targetRow(
        '   detected',
        perSecond(multi.detectedPerSecond),
        `≥ ${TARGET_PER_SECOND}/s`,
        complete(multi) && multi.detectedPerSecond >= TARGET_PER_SECOND,
      ),
      targetRow(
        '   delivered (end to end)',
        perSecond(multi.deliveredPerSecond),
        `≥ ${TARGET_PER_SECOND}/s`,
        complete(multi) && multi.deliveredPerSecond >= TARGET_PER_SECOND,
      ),
      targetRow(
        '   DynamoDB ledger + marker writes per event',
        multi.dynamo.writesPerDeliveredEvent.toFixed(2),
        `≤ ${MAX_WRITES_PER_EVENT}`,
        multi.dynamo.writesPerDeliveredEvent <= MAX_WRITES_PER_EVENT,
      ),
    );
    notes.push(`C: ${describe(multi)}`);
    notes.push(
      'Clock: from the tick to the last `detected` line / last hook received; events are created in the simulator beforehand.',
    );
    return { rows, notes, details };
  },
};
