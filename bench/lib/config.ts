/**
 * Benchmark sizes: a full run (≈ 4–5 min on a 2-core machine) or `--quick` (≈ 1 min), each size overridable by a flag.
 *
 *   npm run bench [-- --quick] [--only=calls,throughput,latency,actions,bundles,memory] [--out=path] [--cpu-profile]
 *                 [--dynamodb-dir=path] [size flags: see FULL below, e.g. --events=3000 --actions=300]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CONTRACT_PRESET_NAMES } from '../../local/simulator/contract.js';

export const SECTION_IDS = [
  'calls',
  'throughput',
  'latency',
  'actions',
  'bundles',
  'memory',
  'variants',
  'cadence',
  'soak',
] as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const intList = z
  .string()
  .transform((value) => value.split(',').map((part) => Number(part.trim())))
  .pipe(z.array(z.number().int().positive().max(200_000)).min(1));

const schema = z.object({
  quick: z.boolean(),
  only: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()))
    .pipe(z.array(z.enum(SECTION_IDS)).min(1)),
  out: z.string().min(1),
  /** §1: subscription counts to measure. */
  subscriptions: intList,
  /** §1: idle ticks measured per subscription count. */
  idleTicks: int(1, 20),
  /** §2: events created for the single-merchant capacity run (2/3 sales, 1/3 leads). */
  events: int(10, 50_000),
  /** §2: events for one merchant × one Zap as shipped (per-URL rate on). */
  pacedEvents: int(10, 10_000),
  /** §2: merchants (connections) in the multi-merchant run, each with 2 Zaps. */
  merchants: int(2, 100),
  /** §2: records per merchant in the multi-merchant run (half New Sale, half New Lead). */
  merchantEvents: int(10, 10_000),
  /** §2: Zaps on one trigger of one merchant in the fan-out run, and the events each of them gets. */
  fanoutZaps: int(2, 500),
  fanoutEvents: int(1, 1_000),
  /** §3: seconds of steady traffic and its rate (events/s). */
  latencySeconds: int(3, 600),
  latencyRate: int(1, 200),
  /** §8: seconds of traffic with the scheduler configured like AWS (60 s tick, 10 s cadence), one event per 2 s. */
  cadenceSeconds: int(30, 1_800),
  /** §9: events of the fault-mix soak (at 50 events/s, 2 s interval). */
  soakEvents: int(50, 50_000),
  /** §4: sequential actions measured (after a warm-up). */
  actions: int(10, 10_000),
  /** §5: fresh processes per handler for the module-init median. */
  initRuns: int(1, 50),
  /** §6: backlog sizes (orders over the last `backlogHours`). */
  backlogs: intList,
  backlogHours: int(1, 48),
  /** §7: the simulator's contract presets the poller is measured under. */
  variants: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()))
    .pipe(z.array(z.enum(CONTRACT_PRESET_NAMES)).min(1)),
  /** §2: which runs (A, B, C, C', D, …; default all) — to repeat one while working on it. */
  throughputRuns: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim().toUpperCase()))
    .pipe(z.array(z.string().min(1)).min(1))
    .optional(),
  /** Profile the main thread during §2 run A and §4 (self time by category; raw .cpuprofile next to the results). */
  cpuProfile: z.boolean(),
  /** Use a DynamoDB Local that persists to this directory (like `npm start`) instead of an in-memory one. */
  dynamodbDir: z.string().min(1).optional(),
});

export type BenchConfig = z.output<typeof schema>;

const FULL = {
  subscriptions: '1,10,50',
  'idle-ticks': '3',
  events: '3000',
  'paced-events': '250',
  merchants: '10',
  'merchant-events': '300',
  'fanout-zaps': '100',
  'fanout-events': '40',
  'latency-seconds': '20',
  'latency-rate': '10',
  'cadence-seconds': '180',
  'soak-events': '3000',
  actions: '300',
  'init-runs': '9',
  backlogs: '5000,20000',
  'backlog-hours': '4',
  variants: CONTRACT_PRESET_NAMES.join(','),
};

const QUICK: typeof FULL = {
  subscriptions: '1,10,50',
  'idle-ticks': '2',
  events: '600',
  'paced-events': '100',
  merchants: '4',
  'merchant-events': '100',
  'fanout-zaps': '100',
  'fanout-events': '10',
  'latency-seconds': '8',
  'latency-rate': '10',
  'cadence-seconds': '90',
  'soak-events': '600',
  actions: '100',
  'init-runs': '3',
  backlogs: '1000,4000',
  'backlog-hours': '4',
  variants: 'default,day-granular-sorted,day-granular-unsorted,stale-date-updated,worst',
};

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export const parseBenchArgs = (argv: readonly string[]): BenchConfig => {
  const options = {
    quick: { type: 'boolean' },
    'cpu-profile': { type: 'boolean' },
    only: { type: 'string' },
    out: { type: 'string' },
    'dynamodb-dir': { type: 'string' },
    'throughput-runs': { type: 'string' },
    ...Object.fromEntries(Object.keys(FULL).map((key) => [key, { type: 'string' }])),
  } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  const quick = values.quick === true;
  const defaults = quick ? QUICK : FULL;
  const pick = (key: keyof typeof FULL) => {
    const value = values[key];
    return typeof value === 'string' ? value : defaults[key];
  };
  const parsed = schema.safeParse({
    quick,
    only: typeof values.only === 'string' ? values.only : SECTION_IDS.join(','),
    out: typeof values.out === 'string' ? values.out : 'bench/results/latest.json',
    subscriptions: pick('subscriptions'),
    idleTicks: pick('idle-ticks'),
    events: pick('events'),
    pacedEvents: pick('paced-events'),
    merchants: pick('merchants'),
    merchantEvents: pick('merchant-events'),
    fanoutZaps: pick('fanout-zaps'),
    fanoutEvents: pick('fanout-events'),
    latencySeconds: pick('latency-seconds'),
    latencyRate: pick('latency-rate'),
    cadenceSeconds: pick('cadence-seconds'),
    soakEvents: pick('soak-events'),
    actions: pick('actions'),
    initRuns: pick('init-runs'),
    backlogs: pick('backlogs'),
    backlogHours: pick('backlog-hours'),
    variants: pick('variants'),
    cpuProfile: values['cpu-profile'] === true,
    dynamodbDir: typeof values['dynamodb-dir'] === 'string' ? values['dynamodb-dir'] : undefined,
    throughputRuns: typeof values['throughput-runs'] === 'string' ? values['throughput-runs'] : undefined,
  });
  if (!parsed.success) {
    throw new BenchUsageError(
      parsed.error.issues
        .map(
          (issue) =>
            `--${String(issue.path[0] ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`,
        )
        .join('; '),
    );
  }
  return parsed.data;
};
