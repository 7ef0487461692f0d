/**
 * §2 Pipeline throughput on the local runtime (target: ≥ 300 events/s detected and delivered end to end as shipped —
 * pacing on — for 10 merchants × 2 Zaps, never above the per-URL rate to one hook URL; ≤ 2 DynamoDB writes per
 * delivered event). Events are created in the in-process simulator first, then one tick starts the pipeline; the clock
 * runs from that tick to the last `detected` line (detection) and to the last hook received (delivery).
 *
 * Runs, all as shipped (25 requests/s per hook URL, shared through the DynamoDB rate limiter) except the first:
 *  A. capacity — one merchant, New Sale + New Lead Zaps, the per-URL rate lifted (a runtime option): what
 *     poll → ledger → bus → queue → deliver → marker can do on this machine;
 *  B. one merchant × one Zap — bounded by the URL's 25/s by design;
 *  C. several merchants × 2 Zaps (New Sale, New Lead; events split evenly) — the multi-tenant case the target is about;
 *  D. one merchant × many Zaps on the same trigger — every event fans out to every Zap (each its own URL).
 * The hook receiver runs in a process of its own, as Zapier is not in ours; its arrival times give, per URL, the most
 * requests in any calendar second (what the rate limits) and in any sliding second.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startScript } from '../lib/child-process.js';
import type { Section, SectionContext, SectionOutput } from '../lib/context.js';
import { CpuMeter, formatCpu } from '../lib/cpu.js';
import { itemsOf } from '../lib/dynamo-meter.js';
import { CpuProfiler, formatProfile, type ProfileSummary } from '../lib/profiler.js';
import { infoRow, type Row, targetRow } from '../lib/report.js';
import { ms, rate, sleep, summarize, waitUntil } from '../lib/stats.js';
import { benchUser, startSystem } from '../lib/system.js';

const TARGET_PER_SECOND = 300;
const MAX_WRITES_PER_EVENT = 2;
/** The per-hook-URL rate the runtime ships with (HOOK_RATE_PER_SECOND). */
const URL_RATE = 25;

interface Scenario {
  key: string;
  label: string;
  merchants: number;
  /** Zaps per merchant on New Sale and on New Lead. */
  saleZaps: number;
  leadZaps: number;
  /** Records per merchant. */
  sales: number;
  leads: number;
  /** Lift the per-URL rate (capacity run only). */
  unpaced?: boolean;
  /** Keep hook rates in DynamoDB Local through the AWS adapter instead of in the runtime's process. */
  rateStore?: 'dynamodb';
}

/** What the receiver process reports of each request. */
interface ReceivedRecord {
  path: string;
  receivedAt: number;
  status: number;
  webhookTimestamp: string | undefined;
  id: unknown;
}

/**
 * The hook receiver in a process of its own (Zapier is not in ours): it times requests on arrival at its own event
 * loop, so the runtime's busy event loop does not shift what it counts.
 */
const startReceiverProcess = async (context: SectionContext) => {
  const { match, stop } = await startScript({
    repoRoot: context.repoRoot,
    cleanup: context.cleanup,
    name: 'hook receiver process',
    script: 'bench/lib/receiver-process.ts',
    ready: /receiver (\S+) control (\S+)/,
  });
  const [, url, control] = match;
  const get = async (path: string): Promise<unknown> => (await fetch(`${control}${path}`)).json();
  return {
    hook: (path: string) => `${url}${path}`,
    count: async () => (await get('/count')) as { count: number },
    received: async () => (await get('/received')) as ReceivedRecord[],
    stop,
  };
};

/**
 * Per hook URL: the most requests received in one calendar second and in any sliding one-second span, and the most
 * sent in one second by the deliverer's own clock (the `webhook-timestamp` header: the second the POST started) — what
 * the limiter decides, before the machine's own lag moves arrivals across a second's edge.
 */
export const perUrlPeaks = (hooks: readonly ReceivedRecord[]) => {
  const byPath = new Map<string, number[]>();
  const bySentSecond = new Map<string, number>();
  for (const hook of hooks) {
    const times = byPath.get(hook.path) ?? [];
    times.push(hook.receivedAt);
    byPath.set(hook.path, times);
    const sent = `${hook.path}|${String(hook.webhookTimestamp)}`;
    bySentSecond.set(sent, (bySentSecond.get(sent) ?? 0) + 1);
  }
  let calendar = 0;
  let sliding = 0;
  for (const times of byPath.values()) {
    times.sort((a, b) => a - b);
    const perSecond = new Map<number, number>();
    for (const at of times) {
      const second = Math.floor(at / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    calendar = Math.max(calendar, ...perSecond.values());
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= 1000) start += 1;
      sliding = Math.max(sliding, end - start + 1);
    }
  }
  return { urls: byPath.size, calendar, sliding, sent: Math.max(0, ...bySentSecond.values()) };
};

const runScenario = async (context: SectionContext, scenario: Scenario) => {
  const users = Array.from({ length: scenario.merchants }, (_, index) => benchUser(index));
  const system = await startSystem({
    dynamoDbEndpoint: context.dynamoDbEndpoint,
    cleanup: context.cleanup,
    users,
    runtime: {
      ...(scenario.unpaced ? { hookRatePerSecond: 1_000_000 } : {}),
      ...(scenario.rateStore ? { hookRateStore: scenario.rateStore } : {}),
    },
  });
  const receiver = await startReceiverProcess(context);
  try {
    for (const [index, user] of users.entries()) {
      const token = await system.connect(user);
      for (const [type, count] of [
        ['NEW_SALE', scenario.saleZaps],
        ['NEW_LEAD', scenario.leadZaps],
      ] as const) {
        for (let zap = 0; zap < count; zap++) {
          const path = `/m${index}/${type.toLowerCase().replace('_', '-')}/${zap}`;
          await system.subscribe(token, 'order', type, receiver.hook(path));
        }
      }
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

    const events = scenario.merchants * (scenario.sales + scenario.leads);
    const expectedPosts =
      scenario.merchants * (scenario.sales * scenario.saleZaps + scenario.leads * scenario.leadZaps);
    system.activity.clear();
    sim.clearRequestLog();
    context.meter.reset();
    const profiler = context.config.cpuProfile ? new CpuProfiler(context.repoRoot) : undefined;
    await profiler?.start();
    const cpu = new CpuMeter(context.dynamoDbPid);
    const started = Date.now();
    let timedOut = false;
    await system.runtime.tick();
    // Budget: the busiest URL at its rate, twice over, plus slack for a slow machine.
    const busiestUrl = Math.max(scenario.sales, scenario.leads);
    const deadline = started + 30_000 + (busiestUrl / URL_RATE) * 2_000 + expectedPosts * 2;
    let answered = 0;
    while (answered < expectedPosts) {
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
      await sleep(100);
      answered = (await receiver.count()).count;
    }
    // The `delivered` line is written just after the receiver has answered.
    await waitUntil(() => system.activity.count('delivered') >= answered, 5_000);
    const cpuReport = cpu.stop();
    let profile: ProfileSummary | undefined;
    if (profiler) {
      mkdirSync(context.outputDir, { recursive: true });
      profile = await profiler.stop(join(context.outputDir, `throughput-${scenario.key}.cpuprofile`));
    }
    const dynamo = context.meter.snapshot();

    const hooks = (await receiver.received()).filter((hook) => hook.status >= 200 && hook.status < 300);
    const detected = system.activity.of('detected');
    const lastDetected = detected.reduce((top, record) => Math.max(top, record.at), started);
    const lastHook = hooks.reduce((top, hook) => Math.max(top, hook.receivedAt), started);
    const postKeys = new Set(hooks.map((hook) => `${hook.path}|${String(hook.id)}`));
    // Event ids are unique per merchant (connection): count the Zaps of each (merchant, event).
    const zapsPerEvent = new Map<string, number>();
    for (const key of postKeys) {
      const event = `${key.split('/')[1]}|${key.slice(key.indexOf('|') + 1)}`;
      zapsPerEvent.set(event, (zapsPerEvent.get(event) ?? 0) + 1);
    }
    const fullyDelivered = [...zapsPerEvent].filter(
      ([event, count]) => count === (event.includes('|NEW_LEAD-') ? scenario.leadZaps : scenario.saleZaps),
    ).length;
    const latency = summarize(system.activity.of('delivered').map((line) => Number(line.fields.latencyMs)));
    const peaks = perUrlPeaks(hooks);
    // POSTs received and events detected in each second from the tick: where the pipeline waited.
    const timeline = (times: number[]) => {
      const seconds: number[] = [];
      for (const at of times) {
        const second = Math.max(0, Math.floor((at - started) / 1000));
        seconds[second] = (seconds[second] ?? 0) + 1;
      }
      return Array.from(seconds, (count) => count ?? 0);
    };
    const ledgerAndMarkers = itemsOf(
      dynamo.byCommand,
      'Put Ledger',
      'TransactWrite Ledger',
      'BatchWrite Deliveries',
    );
    const rateWrites = itemsOf(dynamo.byCommand, 'Put HookRates');
    return {
      scenario,
      events,
      expectedPosts,
      createPerSecond: rate(scenario.sales + scenario.leads, createMs),
      detected: detected.length,
      posts: hooks.length,
      uniquePosts: postKeys.size,
      duplicates: hooks.length - postKeys.size,
      eventsDelivered: fullyDelivered,
      detectMs: lastDetected - started,
      deliverMs: lastHook - started,
      detectedPerSecond: rate(detected.length, lastDetected - started),
      deliveredPerSecond: rate(fullyDelivered, lastHook - started),
      postsPerSecond: rate(postKeys.size, lastHook - started),
      timedOut,
      perUrl: peaks,
      perSecond: {
        detected: timeline(detected.map((record) => record.at)),
        received: timeline(hooks.map((hook) => hook.receivedAt)),
      },
      detectedToDeliveredMs: latency,
      queue: system.runtime.queues.deliveries.stats(),
      deadLetters: system.runtime.queues.deadLetters.stats().total,
      dynamo: {
        calls: dynamo.calls,
        writes: dynamo.writes,
        reads: dynamo.reads,
        /** Ledger, marker and rate-limiter items written per delivered POST (cursor writes are per page). */
        writesPerDelivery: (ledgerAndMarkers + rateWrites) / Math.max(1, postKeys.size),
        rateWritesPerDelivery: rateWrites / Math.max(1, postKeys.size),
        callsPerDelivery: dynamo.calls / Math.max(1, postKeys.size),
        byCommand: Object.fromEntries(
          Object.entries(dynamo.byCommand).map(([name, stats]) => [
            name,
            {
              calls: stats.calls,
              items: stats.items,
              avgMs: Number((stats.totalMs / stats.calls).toFixed(2)),
            },
          ]),
        ),
      },
      cpu: cpuReport,
      profile,
      errors: system.activity.of('error').map((line) => line.fields.message),
    };
  } finally {
    await receiver.stop();
    await system.stop();
  }
};

type Outcome = Awaited<ReturnType<typeof runScenario>>;

const perSecond = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} events/s` : 'n/a');
const complete = (outcome: Outcome) =>
  !outcome.timedOut && outcome.uniquePosts >= outcome.expectedPosts && outcome.duplicates === 0;

const describe = (outcome: Outcome): string =>
  `${outcome.uniquePosts}/${outcome.expectedPosts} POSTs to ${outcome.perUrl.urls} URLs` +
  `${outcome.duplicates ? `, ${outcome.duplicates} DUPLICATE(S)` : ''}${outcome.timedOut ? ', TIMED OUT' : ''}; ` +
  `detect ${(outcome.detectMs / 1000).toFixed(1)} s, deliver ${(outcome.deliverMs / 1000).toFixed(1)} s; ` +
  `${outcome.postsPerSecond.toFixed(0)} POSTs/s; per URL max ${outcome.perUrl.calendar}/calendar s, ` +
  `${outcome.perUrl.sliding}/sliding s, ${outcome.perUrl.sent} sent in one second; DynamoDB ${outcome.dynamo.calls} calls (` +
  `${Object.entries(outcome.dynamo.byCommand)
    .map(
      ([name, stats]) =>
        `${name} ${stats.calls}×${stats.avgMs} ms${stats.items > stats.calls ? ` (${stats.items} items)` : ''}`,
    )
    .join(', ')}); detected→delivered p50 ${ms(outcome.detectedToDeliveredMs.p50, 0)} / p99 ` +
  `${ms(outcome.detectedToDeliveredMs.p99, 0)}; ${formatCpu(outcome.cpu)}` +
  `${outcome.errors.length ? `; errors: ${outcome.errors.slice(0, 3).join(' | ')}` : ''}`;

const scenarioRows = (outcome: Outcome, target: boolean): Row[] => {
  const rows: Row[] = [];
  const label = `   delivered end to end${outcome.scenario.saleZaps > 2 ? ' (events reaching every Zap)' : ''}`;
  rows.push(
    target
      ? targetRow(
          label,
          perSecond(outcome.deliveredPerSecond),
          `≥ ${TARGET_PER_SECOND}/s`,
          complete(outcome) && outcome.deliveredPerSecond >= TARGET_PER_SECOND,
        )
      : infoRow(
          label,
          `${perSecond(outcome.deliveredPerSecond)}${complete(outcome) ? '' : ' (INCOMPLETE)'}`,
          outcome.scenario.unpaced ? '' : `≤ ${URL_RATE}/s per URL`,
        ),
  );
  if (!outcome.scenario.unpaced) {
    rows.push(
      targetRow(
        '   max requests to one URL in a second',
        `${outcome.perUrl.calendar} (sliding ${outcome.perUrl.sliding}; sent ${outcome.perUrl.sent})`,
        `≤ ${URL_RATE}`,
        outcome.perUrl.calendar <= URL_RATE,
      ),
    );
  }
  rows.push(
    infoRow(
      '   delivery after detection p50 / p99',
      `${ms(outcome.detectedToDeliveredMs.p50, 0)} / ${ms(outcome.detectedToDeliveredMs.p99, 0)}`,
    ),
    targetRow(
      '   ledger + marker + rate writes per delivery',
      `${outcome.dynamo.writesPerDelivery.toFixed(2)} (rate ${outcome.dynamo.rateWritesPerDelivery.toFixed(2)})`,
      `≤ ${MAX_WRITES_PER_EVENT}`,
      outcome.dynamo.writesPerDelivery <= MAX_WRITES_PER_EVENT,
    ),
  );
  return rows;
};

export const throughputSection: Section = {
  id: 'throughput',
  title: '2. Pipeline throughput on the local runtime',
  async run(context): Promise<SectionOutput> {
    const { config } = context;
    const rows: Row[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    const half = (n: number) => Math.round(n / 2);

    const scenarios: Array<Scenario & { target: boolean }> = [
      {
        key: 'capacity',
        label: `A. capacity: ${config.events} events, 1 merchant × 2 Zaps, per-URL rate lifted`,
        merchants: 1,
        saleZaps: 1,
        leadZaps: 1,
        sales: half(config.events),
        leads: config.events - half(config.events),
        unpaced: true,
        target: false,
      },
      {
        key: 'oneZap',
        label: `B. as shipped: ${config.pacedEvents} events, 1 merchant × 1 Zap`,
        merchants: 1,
        saleZaps: 1,
        leadZaps: 0,
        sales: config.pacedEvents,
        leads: 0,
        target: false,
      },
      {
        key: 'multiMerchant',
        label: `C. as shipped: ${config.merchants * config.merchantEvents} events, ${config.merchants} merchants × 2 Zaps`,
        merchants: config.merchants,
        saleZaps: 1,
        leadZaps: 1,
        sales: half(config.merchantEvents),
        leads: config.merchantEvents - half(config.merchantEvents),
        target: true,
      },
      {
        key: 'multiMerchantDynamoDbRates',
        label: "C'. the same, hook rates in DynamoDB Local (AWS's adapter)",
        merchants: config.merchants,
        saleZaps: 1,
        leadZaps: 1,
        sales: half(config.merchantEvents),
        leads: config.merchantEvents - half(config.merchantEvents),
        rateStore: 'dynamodb',
        target: false,
      },
      {
        key: 'fanOut',
        label: `D. as shipped: ${config.fanoutEvents} events, 1 merchant × ${config.fanoutZaps} Zaps (fan-out)`,
        merchants: 1,
        saleZaps: config.fanoutZaps,
        leadZaps: 0,
        sales: config.fanoutEvents,
        leads: 0,
        target: false,
      },
    ];
    const runs = config.throughputRuns;
    for (const scenario of scenarios) {
      // The run's letter is what its label starts with ("C'." → C').
      if (runs && !runs.includes(scenario.label.slice(0, scenario.label.indexOf('.')))) continue;
      context.progress(`§2 ${scenario.label}`);
      const outcome = await runScenario(context, scenario);
      details[scenario.key] = outcome;
      rows.push(infoRow(scenario.label, `detected ${perSecond(outcome.detectedPerSecond)}`));
      rows.push(...scenarioRows(outcome, scenario.target));
      notes.push(`${scenario.key}: ${describe(outcome)}`);
      if (outcome.profile) notes.push(`${scenario.key} profile: ${formatProfile(outcome.profile)}`);
    }
    notes.push(
      'Clock: from the tick to the last `detected` line / last hook received; records are created in the simulator ' +
        'beforehand. An event counts as delivered once every Zap subscribed to it has it. Per-URL peaks come from the ' +
        "receiver's timestamps: calendar seconds (what the limiter's one-second windows bound) and any sliding second.",
    );
    return { rows, notes, details };
  },
};
