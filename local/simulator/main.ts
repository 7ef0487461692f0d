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
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
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
} as const;

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
        ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' as const }])),
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const raw: Record<string, string> = {};
  for (const [flag, envName] of Object.entries(FLAGS)) {
    const value = parsed.values[flag] ?? env[envName];
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
        `       [--error-rate P] [--hang-rate P] [--hang-ms N] [--garbage-rate P] [--latency-ms N] [--verbose]\n`,
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
      ` (time zone ${running.sim.timeZone}, seed ${config.seed}, ${counts.orders} orders; control routes at ${running.url}/_sim/)\n`,
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
