/**
 * The service's telemetry identity and every business metric it emits, as data: the functions emit them through
 * `emitMetric` (functions/shared/observability.ts) and the monitoring construct (lib/) graphs and alarms on them,
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
  EventsDetected: { unit: 'Count', dimensions: ['type'], description: 'new events published, by event type' },
  EventsPublished: { unit: 'Count', dimensions: [], description: 'new events published, all types' },
  PollLagSeconds: {
    unit: 'Seconds',
    dimensions: [],
    description: 'now minus the high-water mark after a poll',
  },
  RecordsRejected: {
    unit: 'Count',
    dimensions: [],
    description: 'Konnektive records that failed validation',
  },
  PollErrors: { unit: 'Count', dimensions: [], description: 'polls that failed' },
  PollsRequested: { unit: 'Count', dimensions: [], description: 'poll requests the dispatcher queued' },
  HookDelivered: { unit: 'Count', dimensions: [], description: 'hook POSTs answered 2xx' },
  HookFailed: { unit: 'Count', dimensions: [], description: 'hook POSTs that failed (retried)' },
  HookGone: { unit: 'Count', dimensions: [], description: 'hooks answering 410 (subscription deleted)' },
  HookDeadLettered: {
    unit: 'Count',
    dimensions: [],
    description: 'deliveries moved to the dead-letter queue',
  },
  DeliveryLatency: { unit: 'Milliseconds', dimensions: [], description: 'detection to delivered' },
  KonnektiveLatency: { unit: 'Milliseconds', dimensions: [], description: 'one Konnektive HTTP attempt' },
  KonnektiveErrors: { unit: 'Count', dimensions: ['errorClass'], description: 'failed Konnektive attempts' },
  ActionCalls: { unit: 'Count', dimensions: ['action'], description: 'action requests' },
  ActionErrors: { unit: 'Count', dimensions: ['action'], description: 'action requests that failed' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

/** The dimension values a metric needs (none for an undimensioned metric). */
export type MetricDimensions<N extends MetricName> = Record<
  (typeof METRICS)[N]['dimensions'][number],
  string
>;
