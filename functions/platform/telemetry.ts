/**
 * The service's telemetry identity and every business metric it emits, as data: the functions emit them through
 * `emitMetric` (functions/platform/observability.ts) and the monitoring construct (lib/) graphs and alarms on them,
 * so a metric is named, typed and dimensioned in one place. No Powertools import here: `lib/` reads this file.
 */

/** `POWERTOOLS_SERVICE_NAME` the stack sets, and the default when it is unset: every metric's `service` dimension. */
export const SERVICE_NAME = 'konnektive-zapier';
/** `POWERTOOLS_METRICS_NAMESPACE` the stack sets, and the default when it is unset. */
export const METRICS_NAMESPACE = 'KonnektiveZapier';

export type MetricUnitName = 'Count' | 'Seconds' | 'Milliseconds';

export interface MetricDefinition {
  readonly unit: MetricUnitName;
  /** Dimensions besides `service`; a dimensioned metric is emitted on its own so they never leak onto others. */
  readonly dimensions: readonly string[];
  readonly description: string;
}

export const METRICS = {
  // Detection: the poller.
  EventsDetected: { unit: 'Count', dimensions: ['type'], description: 'new events published, by event type' },
  EventsPublished: { unit: 'Count', dimensions: [], description: 'new events published, all types' },
  DetectionLatency: {
    unit: 'Milliseconds',
    dimensions: [],
    description: "record time (the event's occurredAt in Konnektive) to detected (published by a poll)",
  },
  PollLagSeconds: {
    unit: 'Seconds',
    dimensions: [],
    description: 'now minus the high-water mark after a successful poll',
  },
  RecordsRejected: {
    unit: 'Count',
    dimensions: [],
    description: 'Konnektive records that failed validation',
  },
  PollErrors: { unit: 'Count', dimensions: [], description: 'polls that failed' },
  KonnektiveCallsPerPoll: {
    unit: 'Count',
    dimensions: [],
    description: 'Konnektive pages one poll requested (the cost of a tick; the reconciliation included)',
  },
  PollStrategyChanged: {
    unit: 'Count',
    dimensions: ['strategy'],
    description:
      'a stream moved to this read strategy (time-window, newest-first, day-scan): evidence about the API, a re-check or a probe',
  },
  ReconciledEvents: {
    unit: 'Count',
    dimensions: [],
    description:
      'events the reconciliation by dateCreated found that the dateUpdated stream could not see (dateUpdated did not move)',
  },
  PollsRequested: { unit: 'Count', dimensions: [], description: 'poll requests the dispatcher queued' },
  PollsSkipped: {
    unit: 'Count',
    dimensions: ['reason'],
    description:
      'poll requests that read nothing: stale (its successor was due), busy (another poll holds the lease), idle (a quick poll of a quiet stream)',
  },
  DispatcherHeartbeat: {
    unit: 'Count',
    dimensions: [],
    description: '1 per dispatcher tick that queued its poll requests (missing = polling stopped)',
  },
  // Stream health: the monitor, from the tables alone (no Konnektive call), so it reports while polls fail.
  StreamStalenessSeconds: {
    unit: 'Seconds',
    dimensions: [],
    description:
      'now minus the high-water mark, the largest over the streams in use of active connections (0 when none)',
  },
  StreamsInUse: {
    unit: 'Count',
    dimensions: [],
    description: '(connection, stream) pairs with at least one subscription',
  },
  StuckLeases: {
    unit: 'Count',
    dimensions: [],
    description: 'streams in use whose poll lease is held past its expiry or longer than a poll can run',
  },
  InvalidConnectionsInUse: {
    unit: 'Count',
    dimensions: [],
    description: 'connections marked invalid (or gone) that still have subscriptions: their Zaps get nothing',
  },
  MonitorHeartbeat: {
    unit: 'Count',
    dimensions: [],
    description: '1 per stream-monitor run (missing = the stream metrics above are not being published)',
  },
  // Delivery.
  HookDelivered: { unit: 'Count', dimensions: [], description: 'hook POSTs answered 2xx' },
  HookFailed: { unit: 'Count', dimensions: [], description: 'hook POSTs that failed (retried)' },
  HookGone: { unit: 'Count', dimensions: [], description: 'hooks answering 410 (subscription deleted)' },
  HookDeadLettered: {
    unit: 'Count',
    dimensions: [],
    description:
      'targets (subscriptions) of deliveries moved to the dead-letter queue (retries exhausted), or unreadable messages',
  },
  HookDeferred: {
    unit: 'Count',
    dimensions: [],
    description:
      "targets queued again without an attempt: the URL's rate window not open yet, its POSTs in flight, time, a store error",
  },
  HookMarkerLost: {
    unit: 'Count',
    dimensions: [],
    description:
      'hooks answered 2xx whose delivered marker could not be written (a copy of the message would post again)',
  },
  DeliveryHandedBack: {
    unit: 'Count',
    dimensions: [],
    description:
      'delivery messages not started because the invocation was running out of time, sent back at once',
  },
  DeliveryLatency: {
    unit: 'Milliseconds',
    dimensions: [],
    description: "record time (the event's occurredAt in Konnektive) to delivered (hook answered 2xx)",
  },
  // Konnektive and actions.
  KonnektiveLatency: { unit: 'Milliseconds', dimensions: [], description: 'one Konnektive HTTP attempt' },
  KonnektiveErrors: { unit: 'Count', dimensions: ['errorClass'], description: 'failed Konnektive attempts' },
  StoredCredentialsRejected: {
    unit: 'Count',
    dimensions: [],
    description:
      'a stored password Konnektive now refuses (poll, action, dropdown, samples; never a connect attempt): ' +
      'the connection was marked invalid',
  },
  ActionCalls: { unit: 'Count', dimensions: ['action'], description: 'action requests' },
  ActionErrors: { unit: 'Count', dimensions: ['action'], description: 'action requests that failed' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

/**
 * The message of the stream monitor's one log line per stream in use (fields: connectionId, stream,
 * connectionStatus, stalenessSeconds, hwm, lease). The per-connection staleness rule and the runbook's queries
 * select on it.
 */
export const STREAM_HEALTH_MESSAGE = 'stream health';

/** The dimension values a metric needs (none for an undimensioned metric). */
export type MetricDimensions<N extends MetricName> = Record<
  (typeof METRICS)[N]['dimensions'][number],
  string
>;
