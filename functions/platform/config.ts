/**
 * Configuration: every environment variable the functions read, parsed once with zod at cold start.
 * `process.env` is read here and nowhere else; a missing or malformed variable fails fast with its name.
 */
import * as z from 'zod';
import { TABLES, type TableKey } from '../adapters/dynamodb/tables.js';
import { KONNEKTIVE_TIMEOUTS } from '../adapters/konnektive/endpoints.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../core/monitoring/assess-streams.js';
import { DEFAULT_DISPATCH_SETTINGS } from '../core/triggers/dispatch.js';
import {
  DEFAULT_DELIVERY_SETTINGS,
  DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS,
  DEFAULT_HOOK_RATE_PER_SECOND,
  DEFAULT_POLL_SETTINGS,
} from '../core/triggers/settings.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './telemetry.js';

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

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Where Konnektive is, and where hooks may point, unless configured otherwise (the CDK app defaults to these). */
export const DEFAULT_KONNEKTIVE_API_URL = 'https://api.konnektive.com';
export const DEFAULT_HOOK_URL_ALLOWLIST: readonly string[] = ['https://hooks.zapier.com/'];

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
  KONNEKTIVE_API_URL: z.url().default(DEFAULT_KONNEKTIVE_API_URL),
  KONNEKTIVE_QUERY_TIMEOUT_MS: positiveInt(KONNEKTIVE_TIMEOUTS.queryMs),
  KONNEKTIVE_WRITE_TIMEOUT_MS: positiveInt(KONNEKTIVE_TIMEOUTS.writeMs),
  EGRESS_IPS: csv,
});

/** Where a subscription's targetUrl may point: our fixed egress must never reach arbitrary URLs. */
export const hookConfig = z.object({
  HOOK_URL_ALLOWLIST: csv.pipe(z.array(z.string().min(1)).min(1)).default([...DEFAULT_HOOK_URL_ALLOWLIST]),
});

/** KMS key for credentials (AWS). */
export const cipherConfig = z.object({ KMS_KEY_ID: z.string().min(1) });

/** Polling knobs (docs/polling.md). */
export const pollConfig = z.object({
  EVENT_BUS_NAME: z.string().min(1),
  POLL_OVERLAP_SECONDS: positiveInt(DEFAULT_POLL_SETTINGS.overlapMs / SECOND_MS),
  POLL_SETTLE_SECONDS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(DEFAULT_POLL_SETTINGS.settleMs / SECOND_MS),
  POLL_SLICE_MINUTES: positiveInt(DEFAULT_POLL_SETTINGS.sliceMs / MINUTE_MS),
  POLL_LEASE_SECONDS: positiveInt(DEFAULT_POLL_SETTINGS.leaseMs / SECOND_MS),
  LEDGER_RETENTION_DAYS: positiveInt(DEFAULT_POLL_SETTINGS.ledgerRetentionMs / DAY_MS),
  /** Per-attempt timeout of one Konnektive page in a poll (never beyond the invocation's remaining time). */
  POLL_PAGE_TIMEOUT_SECONDS: positiveInt(DEFAULT_POLL_SETTINGS.pageTimeoutMs / SECOND_MS),
});

/**
 * What the stream monitor judges leases by: the poller's lease length (the same variable and default as
 * `pollConfig`) and how long a poll can run at most (the stack sets it from the poll function's timeout).
 */
export const monitorConfig = z.object({
  POLL_LEASE_SECONDS: positiveInt(DEFAULT_STREAM_HEALTH_SETTINGS.leaseMs / SECOND_MS),
  MONITOR_MAX_POLL_SECONDS: positiveInt(DEFAULT_STREAM_HEALTH_SETTINGS.maxPollMs / SECOND_MS),
});

/**
 * Queue the dispatcher fills with (connection, stream) poll requests, and the cadence: a poll of each stream every
 * `POLL_INTERVAL_SECONDS` within each scheduler tick of `SCHEDULER_TICK_SECONDS`.
 */
export const dispatchConfig = z.object({
  POLL_QUEUE_URL: z.string().min(1),
  POLL_INTERVAL_SECONDS: positiveInt(DEFAULT_DISPATCH_SETTINGS.intervalSeconds),
  SCHEDULER_TICK_SECONDS: positiveInt(DEFAULT_DISPATCH_SETTINGS.tickSeconds),
});

/** Delivery knobs (docs/delivery.md). */
export const deliveryConfig = z.object({
  DELIVERY_QUEUE_URL: z.string().min(1),
  DELIVERY_DLQ_URL: z.string().min(1),
  DELIVERY_ATTEMPT_TIMEOUT_MS: positiveInt(DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS),
  /** Keep retrying a failing hook this long before dead-lettering (≥ 3 days). */
  DELIVERY_RETRY_HOURS: positiveInt(DEFAULT_DELIVERY_SETTINGS.retry.horizonMs / HOUR_MS),
  HOOK_RATE_PER_SECOND: positiveInt(DEFAULT_HOOK_RATE_PER_SECOND),
});

/** The service name and metrics namespace the stack gives every function (defaults: the same values). */
export const powertoolsConfig = z.object({
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default(SERVICE_NAME),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default(METRICS_NAMESPACE),
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
