/** Use-case settings derived from parsed configuration. */
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../core/triggers/deliver.js';
import { DEFAULT_POLL_SETTINGS, type PollSettings } from '../core/triggers/poll-stream.js';

export const pollSettingsFrom = (values: {
  POLL_OVERLAP_SECONDS: number;
  POLL_SETTLE_SECONDS: number;
  POLL_SLICE_MINUTES: number;
  POLL_LEASE_SECONDS: number;
  LEDGER_RETENTION_DAYS: number;
}): PollSettings => ({
  ...DEFAULT_POLL_SETTINGS,
  overlapMs: values.POLL_OVERLAP_SECONDS * 1000,
  settleMs: values.POLL_SETTLE_SECONDS * 1000,
  sliceMs: values.POLL_SLICE_MINUTES * 60_000,
  leaseMs: values.POLL_LEASE_SECONDS * 1000,
  ledgerRetentionMs: values.LEDGER_RETENTION_DAYS * 86_400_000,
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

/** Time kept after the last POST of an invocation for its marker writes and the follow-up sends. */
export const DELIVERY_WRITE_MARGIN_MS = 5_000;
