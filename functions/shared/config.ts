/**
 * Configuration: every environment variable the functions read, parsed once with zod at cold start.
 * `process.env` is read here and nowhere else; a missing or malformed variable fails fast with its name.
 */
import * as z from 'zod';
import { TABLES, type TableKey } from '../adapters/dynamodb/tables.js';

const csv = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  );

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Region, (locally) the DynamoDB endpoint, and the table names; each function gets only the tables it uses. */
export const storageConfig = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  ...(Object.fromEntries(
    Object.values(TABLES).map((table) => [table.envVar, z.string().min(1).optional()]),
  ) as Record<(typeof TABLES)[TableKey]['envVar'], z.ZodOptional<z.ZodString>>),
});
export type StorageConfig = z.output<typeof storageConfig>;

/** Reaching Konnektive, and what to tell a merchant whose whitelist lacks our egress IPs. */
export const konnektiveConfig = z.object({
  KONNEKTIVE_API_URL: z.url().default('https://api.konnektive.com'),
  KONNEKTIVE_QUERY_TIMEOUT_MS: positiveInt(30_000),
  /** Below API Gateway's 29 s integration cap so an action answers before the gateway gives up. */
  KONNEKTIVE_WRITE_TIMEOUT_MS: positiveInt(25_000),
  EGRESS_IPS: csv,
});

/** Where a subscription's targetUrl may point: our fixed egress must never reach arbitrary URLs. */
export const hookConfig = z.object({
  HOOK_URL_ALLOWLIST: csv.pipe(z.array(z.string().min(1)).min(1)).default(['https://hooks.zapier.com/']),
});

/** KMS key for credentials (AWS). */
export const cipherConfig = z.object({ KMS_KEY_ID: z.string().min(1) });

/** Polling knobs (design §2.3). */
export const pollConfig = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  POLL_OVERLAP_SECONDS: positiveInt(300),
  POLL_SETTLE_SECONDS: z.coerce.number().int().nonnegative().default(5),
  POLL_SLICE_MINUTES: positiveInt(60),
  POLL_LEASE_SECONDS: positiveInt(900),
  LEDGER_RETENTION_DAYS: positiveInt(400),
});

/** Queue the dispatcher fills with (connection, stream) poll requests. */
export const dispatchConfig = z.object({ POLL_QUEUE_URL: z.string().min(1) });

/** Delivery knobs (docs/delivery.md). */
export const deliveryConfig = z.object({
  DELIVERY_QUEUE_URL: z.string().min(1),
  DELIVERY_DLQ_URL: z.string().min(1),
  DELIVERY_ATTEMPT_TIMEOUT_MS: positiveInt(15_000),
  /** Keep retrying a failing hook this long before dead-lettering (≥ 3 days). */
  DELIVERY_RETRY_HOURS: positiveInt(96),
  HOOK_RATE_PER_SECOND: positiveInt(25),
});

/** Thrown at cold start when the environment is incomplete. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses `env` (default: the process environment) with `schema`, naming every bad variable. */
export const loadConfig = <S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> => {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
};

/** The physical name of one table; throws at cold start when the function was not given it. */
export const tableName = (config: StorageConfig, key: TableKey): string => {
  const envVar = TABLES[key].envVar;
  const name = config[envVar];
  if (!name) throw new ConfigError(`Invalid configuration: ${envVar} is required by this function`);
  return name;
};
