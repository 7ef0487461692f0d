/**
 * The defaults of the poll and delivery settings, in one place: the use cases fall back to them, and the functions'
 * configuration (functions/platform/config.ts) derives its environment defaults from them. Constants only, so any
 * module can import them without pulling in the use cases.
 */
import type { DeliverySettings } from './deliver.js';
import type { PollSettings } from './poll-stream.js';
import type { ReconcileSettings } from './reconcile.js';
import type { RetrySchedule } from './retry-schedule.js';

export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = {
  horizonDays: 3,
  everyMs: 15 * 60_000,
  fastEveryMs: 5 * 60_000,
  slowEveryMs: 6 * 3_600_000,
};

export const DEFAULT_POLL_SETTINGS: PollSettings = {
  overlapMs: 5 * 60_000,
  settleMs: 5_000,
  sliceMs: 60 * 60_000,
  leaseMs: 30_000,
  heartbeatMs: 10_000,
  ledgerRetentionMs: 400 * 86_400_000,
  pageSize: 200,
  minRemainingMs: 60_000,
  ledgerConcurrency: 16,
  quickOverlapMs: 10_000,
  idleAfterMs: 5 * 60_000,
  bucketMs: 10_000,
  pageTimeoutMs: 240_000,
  checkpointMarginMs: 20_000,
  maxPagesPerPoll: 500,
  maxPagesPerWindow: 5,
  recheckMs: 6 * 3_600_000,
  reconcile: DEFAULT_RECONCILE_SETTINGS,
};

/** 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h until 96 h: ≈ 53 attempts. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  delaysSeconds: [5, 30, 120, 600, 1800, 3600, 7200],
  jitter: 0.2,
  horizonMs: 96 * 3_600_000,
};

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  retry: DEFAULT_RETRY_SCHEDULE,
  markerRetentionMs: 35 * 86_400_000,
  parallelPosts: 10,
  minRemainingMs: 20_000,
  windowMarginMs: 100,
  bookingWaitMs: 150,
  slowPostMs: 10_000,
  postsInFlightPerUrl: 8,
  busyWaitMs: 250,
  busyRetryMs: 2_000,
  slowDown: { forMs: 60_000, perWindow: 1 },
  defaultRetryAfterMs: 60_000,
  maxRetryAfterMs: 6 * 3_600_000,
  storeRetryMs: 10_000,
  random: Math.random,
};

/**
 * Time kept after the last POST of an invocation for its marker writes and the follow-up sends: the deployed
 * `minRemainingMs` is one attempt timeout plus this.
 */
export const DELIVERY_WRITE_MARGIN_MS = 5_000;

/** Default hook delivery knobs outside `DeliverySettings`: one POST's timeout and the per-URL rate. */
export const DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS = 15_000;
export const DEFAULT_HOOK_RATE_PER_SECOND = 25;
