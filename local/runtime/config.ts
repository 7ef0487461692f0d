/**
 * The local runtime's environment contract (fixed: docs/architecture.md, Interfaces others rely on): PORT, KONNEKTIVE_API_URL, POLL_INTERVAL_SECONDS,
 * HOOK_URL_ALLOWLIST, DATA_DIR; plus LOG_FORMAT. Bad values fail before anything starts, with the variable's name.
 */
import { z } from 'zod';

const LOCAL_DEFAULT_ALLOWLIST = ['https://hooks.zapier.com/', 'http://127.0.0.1', 'http://localhost'];

export const runtimeEnvSchema = z.object({
  PORT: z.coerce
    .number({ error: 'PORT must be a number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be 0–65535')
    .max(65_535, 'PORT must be 0–65535')
    .default(3000),
  KONNEKTIVE_API_URL: z.url({ error: 'KONNEKTIVE_API_URL must be an absolute http(s) URL' }).optional(),
  POLL_INTERVAL_SECONDS: z.coerce
    .number({ error: 'POLL_INTERVAL_SECONDS must be a number of seconds' })
    .positive('POLL_INTERVAL_SECONDS must be greater than 0')
    .max(3600, 'POLL_INTERVAL_SECONDS must be at most 3600')
    .default(5),
  HOOK_URL_ALLOWLIST: z
    .string()
    .optional()
    .transform((value) =>
      value === undefined || value.trim() === ''
        ? LOCAL_DEFAULT_ALLOWLIST
        : value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean),
    ),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_FORMAT: z
    .enum(['pretty', 'json'], { error: 'LOG_FORMAT must be "pretty" or "json"' })
    .default('pretty'),
  /**
   * Seconds between scheduler ticks; each tick queues a poll of every stream per POLL_INTERVAL_SECONDS, spaced by
   * queue delays, as the dispatcher does in AWS. Default: the interval (one poll per tick). 60 runs it like AWS.
   */
  SCHEDULER_TICK_SECONDS: z.coerce
    .number({ error: 'SCHEDULER_TICK_SECONDS must be a number of seconds' })
    .positive('SCHEDULER_TICK_SECONDS must be greater than 0')
    .max(900, 'SCHEDULER_TICK_SECONDS must be at most 900')
    .optional(),
  /** Settle lag of the poller, seconds (AWS default 5). */
  POLL_SETTLE_SECONDS: z.coerce.number().int().nonnegative().default(2),
  /**
   * How long a failing hook is retried before it is dead-lettered, seconds (default: as in AWS, 96 h). Shorter to try
   * the dead-letter path and `npm run ops -- --local dlq …`; 0 dead-letters at the first failure.
   */
  DELIVERY_RETRY_SECONDS: z.coerce
    .number({ error: 'DELIVERY_RETRY_SECONDS must be a number of seconds' })
    .int('DELIVERY_RETRY_SECONDS must be a whole number')
    .nonnegative('DELIVERY_RETRY_SECONDS must be 0 or more')
    .optional(),
});

export type RuntimeEnv = z.output<typeof runtimeEnvSchema>;

export class RuntimeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeConfigError';
  }
}

/** Parses the runtime environment; empty strings count as unset. */
export const parseRuntimeEnv = (env: Record<string, string | undefined>): RuntimeEnv => {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = runtimeEnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new RuntimeConfigError(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data;
};
