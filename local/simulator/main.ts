/**
 * `npm run sim`: starts the Konnektive simulator alone.
 *
 * Flags (each also read from the environment variable in brackets; flags win):
 *   --port N            [SIM_PORT]          default 8085 (0 = a free port)
 *   --host H            [SIM_HOST]          default 127.0.0.1
 *   --seed N            [SIM_SEED]          default 1
 *   --time-zone Z       [SIM_TIME_ZONE]     default America/New_York
 *   --seed-orders N     [SIM_SEED_ORDERS]   orders seeded over the last 7 days at start, default 50
 *   --error-rate P      [SIM_ERROR_RATE]    probability of HTTP 5xx
 *   --hang-rate P       [SIM_HANG_RATE]     probability of a hang
 *   --hang-ms N         [SIM_HANG_MS]       how long a hang lasts, default 60000
 *   --garbage-rate P    [SIM_GARBAGE_RATE]  probability of a non-JSON body
 *   --latency-ms N      [SIM_LATENCY_MS]    added to every call
 *   --verbose           [SIM_VERBOSE=1]     one line per request (never secrets)
 *
 * Contract variants (how the real API's unknowns are answered; see README.md), applied over --contract:
 *   --contract P                  [SIM_CONTRACT]                 preset, default `default`
 *   --time-filters M              [SIM_TIME_FILTERS]             honoured | ignored
 *   --sorting M                   [SIM_SORTING]                  honoured | ignored
 *   --date-updated-moves-on M     [SIM_DATE_UPDATED_MOVES_ON]    both | conversion | cancel | neither
 *   --empty-text E=ID             [SIM_EMPTY_TEXT]               e.g. transactions=alt1 (repeatable, or
 *                                                                comma-separated; `all=ID` sets every endpoint)
 *   --permission-text ID          [SIM_PERMISSION_TEXT]          default | alt1 | alt2 | alt3
 *   --ip-text ID                  [SIM_IP_TEXT]                  default | alt1 | alt2 | alt3
 *   --refund-txn-type T           [SIM_REFUND_TXN_TYPE]          REFUND | VOID | VOID_SAME_DAY
 *   --page-latency-ms MIN-MAX     [SIM_PAGE_LATENCY_MS]          e.g. 20000-60000, or one number
 *   --campaign-dates M            [SIM_CAMPAIGN_DATES]           optional | required
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  CAMPAIGN_DATES_MODES,
  CONTRACT_PRESET_NAMES,
  type ContractPatch,
  DATE_UPDATED_MOVES,
  EMPTY_TEXT_IDS,
  type EmptyTextId,
  IP_TEXT_IDS,
  MAX_PAGE_LATENCY_MS,
  PERMISSION_TEXT_IDS,
  QUERY_NOUNS,
  type QueryNoun,
  REFUND_TXN_TYPES,
  SORTING_MODES,
  TIME_FILTER_MODES,
} from './contract.js';
import { DEMO_USER, type RunningSimulator, startSimulator } from './index.js';

const FLAGS = {
  port: 'SIM_PORT',
  host: 'SIM_HOST',
  seed: 'SIM_SEED',
  'time-zone': 'SIM_TIME_ZONE',
  'seed-orders': 'SIM_SEED_ORDERS',
  'error-rate': 'SIM_ERROR_RATE',
  'hang-rate': 'SIM_HANG_RATE',
  'hang-ms': 'SIM_HANG_MS',
  'garbage-rate': 'SIM_GARBAGE_RATE',
  'latency-ms': 'SIM_LATENCY_MS',
  contract: 'SIM_CONTRACT',
  'time-filters': 'SIM_TIME_FILTERS',
  sorting: 'SIM_SORTING',
  'date-updated-moves-on': 'SIM_DATE_UPDATED_MOVES_ON',
  'empty-text': 'SIM_EMPTY_TEXT',
  'permission-text': 'SIM_PERMISSION_TEXT',
  'ip-text': 'SIM_IP_TEXT',
  'refund-txn-type': 'SIM_REFUND_TXN_TYPE',
  'page-latency-ms': 'SIM_PAGE_LATENCY_MS',
  'campaign-dates': 'SIM_CAMPAIGN_DATES',
} as const;

/** Flags that may be given more than once (values joined with commas). */
const REPEATABLE = new Set<string>(['empty-text']);

const oneOf = <T extends string>(values: readonly T[]) =>
  z.enum(values as [T, ...T[]], { error: `must be one of ${values.join(', ')}` });

/** `orders=alt1,transactions=alt2` (or `all=alt2`) → per-endpoint phrasing ids. */
const emptyTexts = z.string().transform((value, ctx) => {
  const out: Partial<Record<QueryNoun, EmptyTextId>> = {};
  for (const pair of value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [endpoint = '', id = ''] = pair.split('=').map((p) => p.trim());
    const nouns: readonly string[] = endpoint === 'all' ? QUERY_NOUNS : [endpoint];
    if (!nouns.every((n) => (QUERY_NOUNS as readonly string[]).includes(n))) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown endpoint "${endpoint}" (use ${QUERY_NOUNS.join(', ')} or all)`,
      });
      return z.NEVER;
    }
    if (!(EMPTY_TEXT_IDS as readonly string[]).includes(id)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${pair}": the phrasing must be one of ${EMPTY_TEXT_IDS.join(', ')}`,
      });
      return z.NEVER;
    }
    for (const noun of nouns) out[noun as QueryNoun] = id as EmptyTextId;
  }
  return out;
});

/** `20000-60000` or `500` → `{minMs, maxMs}`. */
const latencyRange = z
  .string()
  .regex(/^\d+(-\d+)?$/, 'must be MIN-MAX in milliseconds (e.g. 20000-60000) or one number')
  .transform((value) => {
    const [min = '0', max = min] = value.split('-');
    return { minMs: Number(min), maxMs: Number(max) };
  })
  .refine((v) => v.minMs <= v.maxMs, 'MIN must not exceed MAX')
  .refine((v) => v.maxMs <= MAX_PAGE_LATENCY_MS, `must not exceed ${MAX_PAGE_LATENCY_MS} ms`);

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const probability = z
  .string()
  .regex(/^\d*\.?\d+$/, 'must be a number from 0 to 1')
  .transform(Number)
  .pipe(z.number().min(0).max(1));

const configSchema = z.object({
  port: int(0, 65_535).default(8085),
  host: z.string().min(1).default('127.0.0.1'),
  seed: int(-2_147_483_648, 4_294_967_295).default(1),
  'time-zone': z.string().min(1).default('America/New_York'),
  'seed-orders': int(0, 200_000).default(50),
  'error-rate': probability.default(0),
  'hang-rate': probability.default(0),
  'hang-ms': int(0, 3_600_000).default(60_000),
  'garbage-rate': probability.default(0),
  'latency-ms': int(0, 600_000).default(0),
  contract: oneOf(CONTRACT_PRESET_NAMES).optional(),
  'time-filters': oneOf(TIME_FILTER_MODES).optional(),
  sorting: oneOf(SORTING_MODES).optional(),
  'date-updated-moves-on': oneOf(DATE_UPDATED_MOVES).optional(),
  'empty-text': emptyTexts.optional(),
  'permission-text': oneOf(PERMISSION_TEXT_IDS).optional(),
  'ip-text': oneOf(IP_TEXT_IDS).optional(),
  'refund-txn-type': oneOf(REFUND_TXN_TYPES).optional(),
  'page-latency-ms': latencyRange.optional(),
  'campaign-dates': oneOf(CAMPAIGN_DATES_MODES).optional(),
});

type Config = z.infer<typeof configSchema>;

/** The contract the flags select: the preset, then each switch given. */
const contractOf = (config: Config): ContractPatch => ({
  ...(config.contract === undefined ? {} : { preset: config.contract }),
  ...(config['time-filters'] === undefined ? {} : { timeFilters: config['time-filters'] }),
  ...(config.sorting === undefined ? {} : { sorting: config.sorting }),
  ...(config['date-updated-moves-on'] === undefined
    ? {}
    : { dateUpdatedMovesOn: config['date-updated-moves-on'] }),
  ...(config['empty-text'] === undefined ? {} : { emptyTexts: config['empty-text'] }),
  ...(config['permission-text'] === undefined ? {} : { permissionText: config['permission-text'] }),
  ...(config['ip-text'] === undefined ? {} : { ipText: config['ip-text'] }),
  ...(config['refund-txn-type'] === undefined ? {} : { refundTxnType: config['refund-txn-type'] }),
  ...(config['page-latency-ms'] === undefined ? {} : { pageLatency: config['page-latency-ms'] }),
  ...(config['campaign-dates'] === undefined ? {} : { campaignDates: config['campaign-dates'] }),
});

/** A flag or value the CLI refuses. */
class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

const readConfig = (argv: string[], env: NodeJS.ProcessEnv) => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(
          Object.keys(FLAGS).map((name) => [
            name,
            { type: 'string' as const, multiple: REPEATABLE.has(name) },
          ]),
        ),
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const raw: Record<string, string> = {};
  for (const [flag, envName] of Object.entries(FLAGS)) {
    const given = parsed.values[flag];
    const value = Array.isArray(given) ? given.join(',') : (given ?? env[envName]);
    if (typeof value === 'string' && value !== '') raw[flag] = value.trim();
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ');
    throw new CliUsageError(`Invalid option: ${issues}`);
  }
  return {
    ...result.data,
    verbose: parsed.values.verbose === true || env.SIM_VERBOSE === '1',
    help: parsed.values.help === true,
  };
};

const main = async (): Promise<void> => {
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`konnektive-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write('Run with --help for the list of options.\n');
    process.exit(1);
  }
  if (config.help) {
    process.stdout.write(
      `Usage: npm run sim -- [--port N] [--host H] [--seed N] [--time-zone Z] [--seed-orders N]\n` +
        `       [--error-rate P] [--hang-rate P] [--hang-ms N] [--garbage-rate P] [--latency-ms N] [--verbose]\n` +
        `       [--contract ${CONTRACT_PRESET_NAMES.join('|')}]\n` +
        `       [--time-filters honoured|ignored] [--sorting honoured|ignored]\n` +
        `       [--date-updated-moves-on both|conversion|cancel|neither] [--empty-text ENDPOINT=ID ...]\n` +
        `       [--permission-text ID] [--ip-text ID] [--refund-txn-type REFUND|VOID|VOID_SAME_DAY]\n` +
        `       [--page-latency-ms MIN-MAX] [--campaign-dates optional|required]\n`,
    );
    return;
  }
  let running: RunningSimulator;
  try {
    running = await startSimulator({
      port: config.port,
      host: config.host,
      seed: config.seed,
      timeZone: config['time-zone'],
      faults: {
        errorRate: config['error-rate'],
        hangRate: config['hang-rate'],
        hangMs: config['hang-ms'],
        garbageRate: config['garbage-rate'],
        latencyMs: config['latency-ms'],
      },
      contract: contractOf(config),
      ...(config['seed-orders'] > 0 ? { seedOrders: { count: config['seed-orders'] } } : {}),
      ...(config.verbose ? { logger: (line: string) => process.stdout.write(`${line}\n`) } : {}),
    });
  } catch (error) {
    process.stderr.write(`konnektive-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const counts = running.sim.stats();
  process.stdout.write(
    `Konnektive simulator ready at ${running.url} — loginId ${DEMO_USER.loginId} password ${DEMO_USER.password}` +
      ` (time zone ${running.sim.timeZone}, seed ${config.seed}, ${counts.orders} orders,` +
      ` contract ${running.sim.contractPreset() ?? 'custom'}; control routes at ${running.url}/_sim/)\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Konnektive simulator stopping (${signal})\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`konnektive-simulator: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

await main();
