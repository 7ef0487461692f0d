/**
 * When a failed hook delivery is tried again. The first retries come within seconds (most failures are brief: a
 * deploy, a blip), later ones spread out so a Zapier outage of days costs few requests; the horizon, counted from
 * the first attempt, decides when a delivery is given up and dead-lettered. docs/delivery.md has the table.
 */

export interface RetrySchedule {
  /** Wait after failed attempt n (index n − 1), seconds; the last entry repeats. */
  readonly delaysSeconds: readonly number[];
  /** Each wait is spread uniformly over ±`jitter` of itself, so retries of one burst do not come back together. */
  readonly jitter: number;
  /** Retrying stops at the first failure this long after the first attempt (then the dead-letter queue). */
  readonly horizonMs: number;
}

/** The default schedule (5 s … 2 h until 96 h) lives with the other defaults in settings.ts. */
export { DEFAULT_RETRY_SCHEDULE } from './settings.js';

/** The wait (ms) after failed attempt `attempt` (1-based), jittered with `random()` ∈ [0, 1). */
export const retryDelayMs = (attempt: number, schedule: RetrySchedule, random: () => number): number => {
  const delays = schedule.delaysSeconds;
  const base = delays[Math.min(Math.max(attempt, 1), delays.length) - 1] ?? 60;
  const factor = 1 - schedule.jitter + 2 * schedule.jitter * random();
  return Math.max(1000, Math.round(base * 1000 * factor));
};

/** True when a failure at `now` of a delivery first attempted at `firstAttemptAt` ends its retries. */
export const retriesExhausted = (firstAttemptAt: Date, now: Date, schedule: RetrySchedule): boolean =>
  now.getTime() - firstAttemptAt.getTime() >= schedule.horizonMs;
