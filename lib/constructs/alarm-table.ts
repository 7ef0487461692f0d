/**
 * Every alarm of the service, as data: its route, condition, threshold, periods and missing-data treatment. The
 * monitoring construct builds the alarms from this table, the README's alarm table and docs/runbook.md quote it,
 * and the infra tests check the synthesized alarms against it. Plain data (no CDK import).
 *
 * Routes: `page` = users are affected now (events late or lost); `ticket` = degraded, fix in working hours.
 * Missing data is `breaching` only for metrics that are published every minute whatever happens (heartbeats and the
 * stream monitor's gauges): their silence is the failure. Counters and latencies are silent when nothing happened,
 * so their silence is `notBreaching`; the heartbeats and staleness alarms cover a silence that means "stopped".
 */

export type AlarmRoute = 'page' | 'ticket';

export type AlarmComparison = 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';

export interface AlarmSpec {
  readonly route: AlarmRoute;
  /** What is measured, in words (README, runbook, the alarm's description). */
  readonly metric: string;
  /** The condition in words, with its threshold and duration. */
  readonly condition: string;
  readonly threshold: number;
  readonly comparison: AlarmComparison;
  /** Length of one evaluated datapoint. */
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly missingData: 'breaching' | 'notBreaching';
  /** For rates: the fewest events in a period for the rate to count (below it the period reads 0). */
  readonly minimumCount?: number;
  /** One alarm per Lambda function (construct ID `<Function>FailureRate`) instead of one alarm. */
  readonly perFunction?: boolean;
}

/** `periods` consecutive datapoints of `periodMinutes` each, all over the threshold. */
const sustained = (periodMinutes: number, periods: number) =>
  ({ periodMinutes, evaluationPeriods: periods, datapointsToAlarm: periods }) as const;

/** The delivery and detection target: an event reaches its Zap within 20 s at p99. */
export const LATENCY_TARGET_MS = 20_000;

/**
 * Every alarm, keyed by construct ID (the per-function entry is the template of one alarm per function). Each has a
 * section in docs/runbook.md headed by its ID.
 */
export const ALARMS = {
  // ---- page: users affected now --------------------------------------------------------------------------------
  StreamStaleness: {
    route: 'page',
    metric: 'StreamStalenessSeconds (Maximum): now − high-water mark, worst stream of an active connection',
    condition: 'a stream in use has not been read up to date for over 10 minutes, 5 minutes in a row',
    threshold: 600,
    comparison: 'GreaterThanThreshold',
    ...sustained(1, 5),
    missingData: 'breaching',
  },
  MonitorHeartbeatMissing: {
    route: 'page',
    metric: 'MonitorHeartbeat (Sum): one per stream-monitor run',
    condition: 'the stream monitor has not run for 5 minutes',
    threshold: 1,
    comparison: 'LessThanThreshold',
    ...sustained(1, 5),
    missingData: 'breaching',
  },
  DispatcherHeartbeatMissing: {
    route: 'page',
    metric: 'DispatcherHeartbeat (Sum): one per dispatcher tick that queued its polls',
    condition: 'no poll has been dispatched for 5 minutes',
    threshold: 1,
    comparison: 'LessThanThreshold',
    ...sustained(1, 5),
    missingData: 'breaching',
  },
  InvalidConnectionsInUse: {
    route: 'page',
    metric: 'InvalidConnectionsInUse (Maximum): connections marked invalid that still have subscriptions',
    condition:
      'a connection whose password Konnektive refuses still has Zaps, for 10 minutes (they get nothing)',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(1, 10),
    missingData: 'breaching',
  },
  DeliveryDeadLetterQueueNotEmpty: {
    route: 'page',
    metric: 'ApproximateNumberOfMessagesVisible (Maximum) of the delivery dead-letter queue',
    condition: 'an event could not be delivered for 4 days (or was malformed) and waits in the DLQ',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(1, 1),
    missingData: 'notBreaching',
  },
  DeliveryFailureRate: {
    route: 'page',
    metric: '100 × HookFailed / (HookDelivered + HookFailed) over 15 minutes',
    condition: 'more than 20% of at least 10 hook POSTs failed in 15 minutes',
    threshold: 20,
    comparison: 'GreaterThanThreshold',
    ...sustained(15, 1),
    missingData: 'notBreaching',
    minimumCount: 10,
  },
  DetectionLatencyFarOverTarget: {
    route: 'page',
    metric: 'DetectionLatency p99: record time → detected',
    condition: 'p99 over 2 minutes (6× the target) for 30 minutes',
    threshold: 6 * LATENCY_TARGET_MS,
    comparison: 'GreaterThanThreshold',
    ...sustained(5, 6),
    missingData: 'notBreaching',
  },
  // ---- ticket: degraded ------------------------------------------------------------------------------------------
  DetectionLatencyOverTarget: {
    route: 'ticket',
    metric: 'DetectionLatency p99: record time → detected',
    condition: 'p99 over the 20 s target for 15 minutes',
    threshold: LATENCY_TARGET_MS,
    comparison: 'GreaterThanThreshold',
    ...sustained(5, 3),
    missingData: 'notBreaching',
  },
  PollErrorRate: {
    route: 'ticket',
    metric: '100 × PollErrors / PollsRequested over 15 minutes',
    condition: 'more than 20% of at least 10 polls failed in 15 minutes',
    threshold: 20,
    comparison: 'GreaterThanThreshold',
    ...sustained(15, 1),
    missingData: 'notBreaching',
    minimumCount: 10,
  },
  StuckLeases: {
    route: 'ticket',
    metric: 'StuckLeases (Maximum): streams whose poll lease outlived its poll',
    condition: 'a lease has been stuck for 10 minutes',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(1, 10),
    missingData: 'breaching',
  },
  StoredCredentialsRejected: {
    route: 'ticket',
    metric:
      'StoredCredentialsRejected (Sum): a stored password refused by Konnektive (never a connect attempt)',
    condition: 'Konnektive refused a stored password (connection marked invalid)',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(5, 1),
    missingData: 'notBreaching',
  },
  KonnektiveNotWhitelisted: {
    route: 'ticket',
    metric: 'KonnektiveErrors{errorClass=not_whitelisted} (Sum)',
    condition: 'Konnektive refused our egress IP at least 10 times in 15 minutes',
    threshold: 10,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(15, 1),
    missingData: 'notBreaching',
  },
  KonnektiveSlow: {
    route: 'ticket',
    metric: 'KonnektiveLatency p90: one Konnektive HTTP attempt',
    condition: 'p90 over 10 s for 15 minutes',
    threshold: 10_000,
    comparison: 'GreaterThanThreshold',
    ...sustained(5, 3),
    missingData: 'notBreaching',
  },
  PollDeadLetterQueueNotEmpty: {
    route: 'ticket',
    metric: 'ApproximateNumberOfMessagesVisible (Maximum) of the poll dead-letter queue',
    condition: 'a poll request failed 3 times for a reason other than Konnektive',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(1, 1),
    missingData: 'notBreaching',
  },
  ScheduleDeadLetterQueueNotEmpty: {
    route: 'ticket',
    metric: 'ApproximateNumberOfMessagesVisible (Maximum) of the schedule dead-letter queue',
    condition: 'the scheduler could not invoke the dispatcher or the monitor after its retries',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    ...sustained(1, 1),
    missingData: 'notBreaching',
  },
  FunctionFailureRate: {
    route: 'ticket',
    metric: '100 × (Errors + Throttles) / (Invocations + Throttles) of one function over 15 minutes',
    condition:
      'more than 20% of at least 10 invocations of one function failed or were throttled in 15 minutes',
    threshold: 20,
    comparison: 'GreaterThanThreshold',
    ...sustained(15, 1),
    missingData: 'notBreaching',
    minimumCount: 10,
    perFunction: true,
  },
} as const satisfies Record<string, AlarmSpec>;

export type AlarmId = keyof typeof ALARMS;

/** Where an alarm's section is in the runbook. */
export const runbookAnchor = (id: AlarmId): string => `docs/runbook.md#${id.toLowerCase()}`;
