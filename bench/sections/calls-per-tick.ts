/**
 * §1 Konnektive calls per idle tick per connection (target: ≤ streams in use, independent of subscriptions).
 * One connection with 1, 10 and 50 subscriptions spread over the five trigger types (orders: New Sale, New Lead,
 * Cancelled; transactions: Decline, Refund). After the first window, idle ticks — one second apart so each has a
 * new window to read — are counted from the simulator's request log.
 */
import type { Section, SectionOutput } from '../lib/context.js';
import { infoRow, type Row, targetRow } from '../lib/report.js';
import { max, mean, sleep } from '../lib/stats.js';
import { startSystem } from '../lib/system.js';

const TYPES = [
  ['order', 'NEW_SALE', 'orders'],
  ['order', 'NEW_LEAD', 'orders'],
  ['order', 'CANCELLED', 'orders'],
  ['transaction', 'DECLINE', 'transactions'],
  ['transaction', 'REFUND', 'transactions'],
] as const;

/**
 * Spreads `n` subscriptions over the types so both streams are in use from 2 subscriptions on: the order is New Sale,
 * Decline, New Lead, Refund, Cancelled, …
 */
const INTERLEAVED = [TYPES[0], TYPES[3], TYPES[1], TYPES[4], TYPES[2]] as const;

export const callsPerTickSection: Section = {
  id: 'calls',
  title: '1. Konnektive calls per idle tick (one connection)',
  async run(context): Promise<SectionOutput> {
    const { config } = context;
    const system = await startSystem({
      dynamoDbEndpoint: context.dynamoDbEndpoint,
      cleanup: context.cleanup,
    });
    const token = await system.connect();
    const rows: Row[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    const streams = new Set<string>();
    let created = 0;
    for (const target of [...config.subscriptions].sort((a, b) => a - b)) {
      context.progress(`§1 ${target} subscription(s)`);
      for (; created < target; created++) {
        const [trigger, type, stream] = INTERLEAVED[created % INTERLEAVED.length] ?? TYPES[0];
        await system.subscribe(token, trigger, type, system.receiver.hook(`/zap-${created}`));
        streams.add(stream);
      }
      await system.tickAndSettle(); // the first window after (re)subscribing
      const perTick: number[] = [];
      const byEndpoint: Record<string, number> = {};
      const windows: string[][] = [];
      for (let i = 0; i < config.idleTicks; i++) {
        // Windows end on whole seconds: a tick within the same second would have nothing new to read.
        await sleep(1_100);
        system.simulator.sim.clearRequestLog();
        await system.tickAndSettle();
        const calls = system.simulator.sim.requestLog().filter((request) => request.endpoint !== null);
        perTick.push(calls.length);
        // Which windows were read (account-zone wall times), to explain a tick with more calls than streams.
        windows.push(
          calls.map(
            (call) =>
              `${call.endpoint} ${call.params.startTime ?? ''}–${call.params.endTime ?? ''}${call.params.page ? ` p${call.params.page}` : ''}`,
          ),
        );
        for (const call of calls)
          byEndpoint[call.endpoint ?? '?'] = (byEndpoint[call.endpoint ?? '?'] ?? 0) + 1;
      }
      const worst = max(perTick);
      const over = perTick.findIndex((calls) => calls > streams.size);
      if (over >= 0) {
        notes.push(
          `${target} subscription(s): tick ${over + 1} made ${perTick[over]} calls: ${(windows[over] ?? []).join(', ')} ` +
            '(one horizon per poll: a second window means the first one could not finish).',
        );
      }
      rows.push(
        targetRow(
          `${target} subscription(s), ${streams.size} stream(s) in use`,
          `${worst} call(s)/tick${perTick.length > 1 ? ` (mean ${mean(perTick).toFixed(1)})` : ''}`,
          `≤ ${streams.size}`,
          worst <= streams.size,
        ),
      );
      details[`subscriptions_${target}`] = {
        streamsInUse: streams.size,
        callsPerTick: perTick,
        byEndpoint,
        windows,
      };
    }
    const deliveries = system.receiver.received.length;
    if (deliveries > 0) rows.push(infoRow('hooks posted during idle ticks (expected 0)', String(deliveries)));
    await system.stop();
    return {
      rows,
      notes: [
        `${config.idleTicks} idle tick(s) per size, 1.1 s apart, POLL_SETTLE_SECONDS=0; calls = every API request in the simulator's log during the tick.`,
        ...notes,
      ],
      details,
    };
  },
};
