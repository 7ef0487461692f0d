/**
 * The defaults of the poll and delivery settings, in one place: the use cases fall back to them, and the functions'
 * configuration (functions/shared/config.ts) derives its environment defaults from them. Constants only, so any
 * module can import them without pulling in the use cases.
 */
import type { DeliverySettings } from './deliver.js';
import type { PollSettings } from './poll-stream.js';

export const DEFAULT_POLL_SETTINGS: PollSettings = {
  overlapMs: 5 * 60_000,
  settleMs: 5_000,
  sliceMs: 60 * 60_000,
  leaseMs: 15 * 60_000,
  ledgerRetentionMs: 400 * 86_400_000,
  pageSize: 200,
  minRemainingMs: 60_000,
  ledgerConcurrency: 16,
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
