/**
 * §8 Cadence as deployed: the local scheduler configured like AWS (a tick every 60 s; the dispatcher queues six
 * polls a stream, 10 s apart, with queue delays; settle 2 s as the stack sets it). Steady traffic (one sale or lead
 * every ~2 s); detection = the `detected` line's time − the moment the record was created in the simulator. Then
 * Konnektive calls per idle minute per stream: right after traffic (the stream still active: every quick poll reads)
 * and once quiet (quick polls skipped; measured with the quiet threshold shortened to 60 s so the run stays short).
 *
 * §9 Fault soak: 2 s interval, 20 % of Konnektive calls failing (10 % 5xx, 5 % garbage, 5 % hung for 60 s, past any
 * read timeout) and 30 % of hook POSTs answering 500; events at 50/s. Detection as above; lost = never detected,
 * duplicated = a hook that got one event twice.
 */
import type { Section, SectionContext, SectionOutput } from '../lib/context.js';
import { infoRow, type Row, targetRow } from '../lib/report.js';
import { ms, sleep, summarize, waitUntil } from '../lib/stats.js';
import { startSystem } from '../lib/system.js';

const orderIdOf = (envelope: { result: string; message: unknown }): string => {
  const message = envelope.message;
  if (envelope.result !== 'SUCCESS' || typeof message !== 'object' || message === null) {
    throw new Error(`simulator call failed: ${JSON.stringify(envelope)}`);
  }
  return String((message as { orderId?: unknown }).orderId);
};

const AWS_LIKE = {
  SCHEDULER_TICK_SECONDS: '60',
  POLL_INTERVAL_SECONDS: '10',
  POLL_SETTLE_SECONDS: '2',
};
const DETECTION_P50_TARGET_MS = 10_000;
const DETECTION_P99_TARGET_MS = 20_000;

const detectionOf = (
  system: Awaited<ReturnType<typeof startSystem>>,
  createdAt: ReadonlyMap<string, number>,
): number[] => {
  const first = new Map<string, number>();
  for (const line of system.activity.of('detected')) {
    const id = String(line.fields.recordId);
    if (createdAt.has(id) && !first.has(id)) first.set(id, line.at);
  }
  return [...first].map(([id, at]) => at - (createdAt.get(id) ?? at));
};

const orderQueries = (system: Awaited<ReturnType<typeof startSystem>>) =>
  system.simulator.sim.requestLog().filter((request) => request.endpoint === 'order/query').length;

const runAwsLike = async (context: SectionContext, quietAfterMs?: number) => {
  const system = await startSystem({
    dynamoDbEndpoint: context.dynamoDbEndpoint,
    cleanup: context.cleanup,
    env: AWS_LIKE,
    runtime: {
      scheduler: true,
      ...(quietAfterMs === undefined ? {} : { pollSettings: { idleAfterMs: quietAfterMs } }),
    },
  });
  try {
    const token = await system.connect();
    // Sales and leads are both read from the orders stream: one stream.
    await system.subscribe(token, 'order', 'NEW_SALE', system.receiver.hook('/sale'));
    await system.subscribe(token, 'order', 'NEW_LEAD', system.receiver.hook('/lead'));
    const { sim } = system.simulator;
    return { system, sim };
  } catch (error) {
    await system.stop();
    throw error;
  }
};

export const cadenceSection: Section = {
  id: 'cadence',
  title: '8. Cadence as deployed (60 s scheduler tick, 10 s cadence, settle 2 s)',
  async run(context): Promise<SectionOutput> {
    const rows: Row[] = [];
    const notes: string[] = [];
    const seconds = context.config.cadenceSeconds;
    context.progress(`§8 ${seconds} s of traffic, 60 s ticks fanned out every 10 s`);
    const { system, sim } = await runAwsLike(context);
    let detection: number[];
    let activeIdleCalls: number;
    const createdAt = new Map<string, number>();
    try {
      // The first tick comes a minute after start, as in AWS after a deploy: wait for the first full poll.
      const warm = orderIdOf(sim.importOrder());
      await waitUntil(
        () => system.activity.of('detected').some((l) => l.fields.recordId === warm),
        90_000,
        100,
      );
      system.activity.clear();
      const end = Date.now() + seconds * 1000;
      let i = 0;
      while (Date.now() < end) {
        const envelope = i++ % 2 === 0 ? sim.importOrder() : sim.createLead();
        createdAt.set(orderIdOf(envelope), Date.now());
        await sleep(2_000 * (0.5 + Math.random()));
      }
      await waitUntil(() => detectionOf(system, createdAt).length >= createdAt.size, 60_000, 100);
      detection = detectionOf(system, createdAt);
      // An idle minute right after traffic: the stream is still active, so every poll reads (one call each).
      const before = orderQueries(system);
      await sleep(60_000);
      activeIdleCalls = orderQueries(system) - before;
    } finally {
      await system.stop();
    }
    context.progress('§8 a quiet stream (quiet threshold shortened to 60 s), two minutes');
    const quiet = await runAwsLike(context, 60_000);
    let quietCalls: number;
    try {
      const warm = orderIdOf(quiet.sim.importOrder());
      await waitUntil(
        () => quiet.system.activity.of('detected').some((l) => l.fields.recordId === warm),
        90_000,
        100,
      );
      await sleep(75_000); // past the quiet threshold
      const before = orderQueries(quiet.system);
      await sleep(120_000);
      quietCalls = (orderQueries(quiet.system) - before) / 2;
    } finally {
      await quiet.system.stop();
    }
    const summary = summarize(detection);
    const complete = detection.length === createdAt.size;
    rows.push(
      infoRow(
        `${createdAt.size} events over ${seconds} s`,
        `${detection.length} detected${complete ? '' : ' (INCOMPLETE)'}`,
      ),
      targetRow(
        '   detection p50 / p99',
        `${ms(summary.p50, 0)} / ${ms(summary.p99, 0)}`,
        `p50 ≤ ${ms(DETECTION_P50_TARGET_MS, 0)}, p99 ≤ ${ms(DETECTION_P99_TARGET_MS, 0)}`,
        complete && summary.p50 <= DETECTION_P50_TARGET_MS && summary.p99 <= DETECTION_P99_TARGET_MS,
      ),
      infoRow('Konnektive calls per idle minute per stream: just after traffic', String(activeIdleCalls)),
      infoRow('   once quiet (quick polls skipped)', quietCalls.toFixed(1)),
    );
    notes.push(
      `detection min ${ms(summary.min, 0)}, max ${ms(summary.max, 0)}. A stream is quiet after 5 minutes without events ` +
        '(shortened to 60 s for the second figure); a quiet stream is read by the one full poll a tick, so its first event ' +
        'after the quiet period waits up to a tick + settle (≈ 62 s + poll), and the quick polls resume after it.',
    );
    return { rows, notes, details: { detectionMs: summary, activeIdleCalls, quietCalls } };
  },
};

export const soakSection: Section = {
  id: 'soak',
  title: '9. Fault soak (2 s interval; 20 % of Konnektive calls and 30 % of hook POSTs failing)',
  async run(context): Promise<SectionOutput> {
    const total = context.config.soakEvents;
    const rate = 50;
    context.progress(`§9 ${total} events at ${rate}/s under faults`);
    const system = await startSystem({
      dynamoDbEndpoint: context.dynamoDbEndpoint,
      cleanup: context.cleanup,
      env: { POLL_INTERVAL_SECONDS: '2', POLL_SETTLE_SECONDS: '2' },
      runtime: { scheduler: true },
    });
    const createdAt = new Map<string, number>();
    let detection: number[];
    let duplicated = 0;
    let delivered = 0;
    let faulted = 0;
    let calls = 0;
    try {
      const token = await system.connect();
      await system.subscribe(token, 'order', 'NEW_SALE', system.receiver.hook('/sale'));
      await system.subscribe(token, 'order', 'NEW_LEAD', system.receiver.hook('/lead'));
      for (const path of ['/sale', '/lead']) {
        system.receiver.script(
          path,
          ...Array.from({ length: total * 2 }, () => ({ status: Math.random() < 0.3 ? 500 : 200 })),
        );
      }
      await sleep(3_000);
      const { sim } = system.simulator;
      sim.setFaults({ errorRate: 0.1, garbageRate: 0.05, hangRate: 0.05, hangMs: 60_000 });
      sim.clearRequestLog();
      system.activity.clear();
      for (let i = 0; i < total; i++) {
        const envelope = i % 2 === 0 ? sim.importOrder() : sim.createLead();
        createdAt.set(orderIdOf(envelope), Date.now());
        await sleep(1000 / rate);
      }
      await waitUntil(() => detectionOf(system, createdAt).length >= createdAt.size, 120_000, 100);
      detection = detectionOf(system, createdAt);
      const log = sim.requestLog().filter((request) => request.endpoint !== null);
      calls = log.length;
      faulted = log.filter((request) => request.result.startsWith('FAULT')).length;
      sim.setFaults({ errorRate: 0, garbageRate: 0, hangRate: 0 });
      const ids = system.receiver.received
        .filter((hook) => hook.status === 200)
        .map((hook) => String((hook.body as { id?: unknown }).id));
      delivered = new Set(ids).size;
      duplicated = ids.length - delivered;
    } finally {
      await system.stop();
    }
    const summary = summarize(detection);
    const lost = createdAt.size - detection.length;
    return {
      rows: [
        infoRow(
          `${total} events at ${rate}/s`,
          `${faulted}/${calls} Konnektive calls faulted; ${delivered} delivered so far`,
        ),
        targetRow(
          '   lost (never detected) / duplicated hooks',
          `${lost} / ${duplicated}`,
          '0 / 0',
          lost === 0 && duplicated === 0,
        ),
        targetRow(
          '   detection p50 / p99',
          `${ms(summary.p50, 0)} / ${ms(summary.p99, 0)}`,
          `p99 ≤ ${ms(DETECTION_P99_TARGET_MS, 0)}`,
          lost === 0 && summary.p99 <= DETECTION_P99_TARGET_MS,
        ),
      ],
      notes: [
        `detection min ${ms(summary.min, 0)}, max ${ms(summary.max, 0)}. Hooks answering 500 are retried on the retry ` +
          'schedule (5 s, 30 s, 2 min, …), so "delivered so far" trails; nothing is waited for past detection.',
      ],
      details: { detectionMs: summary, lost, duplicated, delivered, calls, faulted },
    };
  },
};
