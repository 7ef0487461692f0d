/**
 * The defaults of the poll and delivery settings, in one place: the use cases fall back to them, and the functions'
 * configuration (functions/shared/config.ts) derives its environment defaults from them. Constants only, so any
 * module can import them without pulling in the use cases.
 */
import type { DeliverySettings } from './deliver.js';
import type { PollSettings } from './poll-stream.js';
import type { ReconcileSettings } from './reconcile.js';

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
  leaseMs: 15 * 60_000,
  heartbeatMs: 5 * 60_000,
  ledgerRetentionMs: 400 * 86_400_000,
  pageSize: 200,
  minRemainingMs: 60_000,
  ledgerConcurrency: 16,
  quickOverlapMs: 10_000,
  bucketMs: 10_000,
  pageTimeoutMs: 240_000,
  checkpointMarginMs: 20_000,
  maxPagesPerPoll: 500,
  maxPagesPerWindow: 5,
  recheckMs: 6 * 3_600_000,
  reconcile: DEFAULT_RECONCILE_SETTINGS,
};

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  baseDelaySeconds: 30,
  maxDelaySeconds: 3600,
  retryHorizonMs: 96 * 3_600_000,
  markerRetentionMs: 35 * 86_400_000,
  concurrency: 8,
  random: Math.random,
};

/** Default hook delivery knobs outside `DeliverySettings`: one POST's timeout and the per-URL rate. */
export const DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS = 15_000;
export const DEFAULT_HOOK_RATE_PER_SECOND = 25;
