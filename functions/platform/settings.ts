/** Use-case settings derived from parsed configuration. */
import {
  DEFAULT_STREAM_HEALTH_SETTINGS,
  type StreamHealthSettings,
} from '../core/monitoring/assess-streams.js';
import type { DeliverySettings } from '../core/triggers/deliver.js';
import type { DispatchSettings } from '../core/triggers/dispatch.js';
import type { PollSettings } from '../core/triggers/poll-stream.js';
import {
  DEFAULT_DELIVERY_SETTINGS,
  DEFAULT_POLL_SETTINGS,
  DELIVERY_WRITE_MARGIN_MS,
} from '../core/triggers/settings.js';

export const pollSettingsFrom = (values: {
  POLL_OVERLAP_SECONDS: number;
  POLL_SETTLE_SECONDS: number;
  POLL_SLICE_MINUTES: number;
  POLL_LEASE_SECONDS: number;
  LEDGER_RETENTION_DAYS: number;
  POLL_PAGE_TIMEOUT_SECONDS: number;
}): PollSettings => ({
  ...DEFAULT_POLL_SETTINGS,
  overlapMs: values.POLL_OVERLAP_SECONDS * 1000,
  settleMs: values.POLL_SETTLE_SECONDS * 1000,
  sliceMs: values.POLL_SLICE_MINUTES * 60_000,
  leaseMs: values.POLL_LEASE_SECONDS * 1000,
  // Renewed three times a lease for as long as the poll runs.
  heartbeatMs: Math.floor((values.POLL_LEASE_SECONDS * 1000) / 3),
  ledgerRetentionMs: values.LEDGER_RETENTION_DAYS * 86_400_000,
  pageTimeoutMs: values.POLL_PAGE_TIMEOUT_SECONDS * 1000,
});

export const dispatchSettingsFrom = (values: {
  POLL_INTERVAL_SECONDS: number;
  SCHEDULER_TICK_SECONDS: number;
}): DispatchSettings => ({
  tickSeconds: values.SCHEDULER_TICK_SECONDS,
  intervalSeconds: values.POLL_INTERVAL_SECONDS,
  spread: true,
});

export const deliverySettingsFrom = (values: {
  DELIVERY_RETRY_HOURS: number;
  DELIVERY_ATTEMPT_TIMEOUT_MS: number;
}): DeliverySettings => ({
  ...DEFAULT_DELIVERY_SETTINGS,
  retry: { ...DEFAULT_DELIVERY_SETTINGS.retry, horizonMs: values.DELIVERY_RETRY_HOURS * 3_600_000 },
  // No POST starts unless one attempt and the writes after it fit in what is left of the invocation.
  minRemainingMs: values.DELIVERY_ATTEMPT_TIMEOUT_MS + DELIVERY_WRITE_MARGIN_MS,
});

export const streamHealthSettingsFrom = (values: {
  POLL_LEASE_SECONDS: number;
  MONITOR_MAX_POLL_SECONDS: number;
}): StreamHealthSettings => ({
  ...DEFAULT_STREAM_HEALTH_SETTINGS,
  leaseMs: values.POLL_LEASE_SECONDS * 1000,
  maxPollMs: values.MONITOR_MAX_POLL_SECONDS * 1000,
});
