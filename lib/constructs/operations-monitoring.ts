/**
 * What on-call watches: the alarms of the alarm table (./alarm-table.ts), each sent with its recovery to the `page`
 * or `ticket` topic of the stateful stack, one CloudWatch dashboard laid out around the questions on-call asks (are
 * events fresh, how late are they, what fails, for whom), and the per-connection Contributor Insights rules.
 * Business metrics are the registry's (functions/platform/telemetry.ts), emitted by Powertools under the stack's
 * namespace with the dimension `service=<service name>`.
 *
 * Hand-written rather than with cdk-monitoring-constructs: the alarms need what that library expresses only with
 * extra composite alarms or not at all (rates that count only above a minimum of events, missing data breaching for
 * the heartbeats and gauges only, two routes), and the tests assert the exact metric of each alarm.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTION_NAMES } from '../../functions/core/actions/catalog.js';
import type { KonnektiveErrorClass } from '../../functions/core/konnektive.js';
import { ORDER_TYPES, TRANSACTION_TYPES } from '../../functions/core/model.js';
import { POLL_STRATEGIES } from '../../functions/core/triggers/cursor-state.js';
import { POLL_SKIP_REASONS } from '../../functions/core/triggers/dispatch.js';
import { constructIdOf } from '../../functions/handlers/catalog.js';
import {
  type MetricDimensions,
  type MetricName,
  STREAM_HEALTH_MESSAGE,
} from '../../functions/platform/telemetry.js';
import {
  ALARMS,
  type AlarmComparison,
  type AlarmId,
  type AlarmRoute,
  type AlarmSpec,
  LATENCY_TARGET_MS,
  runbookAnchor,
} from './alarm-table.js';
import { ConnectionInsightRule, ContributorInsightsWidget } from './contributor-insights.js';

/** `errorClass` values of `KonnektiveErrors`. */
export const KONNEKTIVE_ERROR_CLASSES = [
  'auth',
  'not_whitelisted',
  'permission',
  'validation',
  'declined',
  'redirect',
  'not_found',
  'transient',
  'api',
] as const satisfies readonly KonnektiveErrorClass[];

/** The dead-letter queues, by the label their alarm is named after. */
export interface DeadLetterQueues {
  readonly Delivery: sqs.IQueue;
  readonly Poll: sqs.IQueue;
  readonly Schedule: sqs.IQueue;
}

export interface OperationsMonitoringProps {
  /** `POWERTOOLS_METRICS_NAMESPACE`. */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension. */
  readonly serviceName: string;
  /** Every function, keyed by handler name (alarm and widget labels). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The poll function's log group: poll failures by connection. */
  readonly pollLogGroup: logs.ILogGroup;
  /** The stream monitor's log group: staleness by connection. */
  readonly monitorLogGroup: logs.ILogGroup;
  readonly deliveryQueue: sqs.IQueue;
  readonly pollQueue: sqs.IQueue;
  readonly deadLetterQueues: DeadLetterQueues;
  readonly httpApi: apigw.IHttpApi;
  /** Where alarms and their recoveries go, by route (the stateful stack's topics). */
  readonly alarmTopics: Readonly<Record<AlarmRoute, sns.ITopic>>;
}

const COMPARISON: Readonly<Record<AlarmComparison, cloudwatch.ComparisonOperator>> = {
  GreaterThanThreshold: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  GreaterThanOrEqualToThreshold: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  LessThanThreshold: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
};

/** `IF(total >= minimum, 100 * failed / total, 0)`, with absent series read as 0. */
const percentWhenEnough = (failed: string, total: string, minimum: number): string =>
  `IF((${total}) >= ${minimum}, 100 * (${failed}) / (${total}), 0)`;

export class OperationsMonitoring extends Construct {
  public readonly alarmTopics: Readonly<Record<AlarmRoute, sns.ITopic>>;
  public readonly dashboard: cloudwatch.Dashboard;
  /** Alarms by construct ID. */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** The route of each alarm, by construct ID. */
  public readonly routes: Readonly<Record<string, AlarmRoute>>;
  /** Per-connection Contributor Insights rules. */
  public readonly insightRules: {
    readonly pollErrors: ConnectionInsightRule;
    readonly staleness: ConnectionInsightRule;
  };
  /** Console link to the dashboard. */
  public readonly dashboardUrl: string;

  private readonly props: OperationsMonitoringProps;
  private readonly alarmList: Record<string, cloudwatch.Alarm> = {};
  private readonly routeList: Record<string, AlarmRoute> = {};
  /** The alarmed rates, graphed too. */
  private readonly rates: Partial<Record<'delivery' | 'polls', cloudwatch.MathExpression>> = {};

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    this.props = props;
    this.alarmTopics = props.alarmTopics;

    this.createAlarms();
    this.alarms = this.alarmList;
    this.routes = this.routeList;

    this.insightRules = {
      pollErrors: new ConnectionInsightRule(this, 'PollErrorsByConnection', {
        name: 'poll-errors-by-connection',
        logGroups: [props.pollLogGroup],
        keys: ['$.connectionId', '$.stream'],
        // Every warning or error the poller logs about a (connection, stream): Konnektive refusals and failures.
        filters: [
          { Match: '$.level', In: ['WARN', 'ERROR'] },
          { Match: '$.connectionId', IsPresent: true },
        ],
        aggregateOn: 'Count',
      }),
      staleness: new ConnectionInsightRule(this, 'StalenessByConnection', {
        name: 'staleness-by-connection',
        logGroups: [props.monitorLogGroup],
        keys: ['$.connectionId', '$.stream'],
        filters: [{ Match: '$.message', In: [STREAM_HEALTH_MESSAGE] }],
        aggregateOn: 'Sum',
        valueField: '$.stalenessSeconds',
      }),
    };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: this.widgets(),
    });
    const region = Stack.of(this).region;
    this.dashboardUrl = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /** A business metric with the `service` dimension plus `options.dimensions`. */
  metric<N extends MetricName>(
    metricName: N,
    options: {
      dimensions?: Partial<MetricDimensions<N>>;
      statistic?: string;
      period?: Duration;
      label?: string;
    } = {},
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName,
      dimensionsMap: { service: this.props.serviceName, ...options.dimensions },
      statistic: options.statistic ?? cloudwatch.Stats.SUM,
      period: options.period ?? Duration.minutes(5),
      ...(options.label ? { label: options.label } : {}),
    });
  }

  /** The alarm of table entry `id` on `metric`, sent with its recovery to the entry's route. */
  private alarm(
    id: AlarmId,
    metric: cloudwatch.IMetric,
    options: { constructId?: string; subject?: string } = {},
  ) {
    const spec: AlarmSpec = ALARMS[id];
    const constructId = options.constructId ?? id;
    const alarm = new cloudwatch.Alarm(this, constructId, {
      alarmDescription: `[${spec.route}] ${options.subject ? `${options.subject}: ` : ''}${spec.condition}. Runbook: ${runbookAnchor(id)}`,
      metric,
      threshold: spec.threshold,
      comparisonOperator: COMPARISON[spec.comparison],
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData:
        spec.missingData === 'breaching'
          ? cloudwatch.TreatMissingData.BREACHING
          : cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const topic = this.props.alarmTopics[spec.route];
    alarm.addAlarmAction(new SnsAction(topic));
    alarm.addOkAction(new SnsAction(topic));
    this.alarmList[constructId] = alarm;
    this.routeList[constructId] = spec.route;
    return alarm;
  }

  private createAlarms(): void {
    const period = (id: AlarmId) => Duration.minutes(ALARMS[id].periodMinutes);
    const { MAXIMUM, SUM } = cloudwatch.Stats;

    // Freshness, from the stream monitor and the dispatcher: published every minute, so silence breaches.
    this.alarm(
      'StreamStaleness',
      this.metric('StreamStalenessSeconds', { statistic: MAXIMUM, period: period('StreamStaleness') }),
    );
    this.alarm(
      'MonitorHeartbeatMissing',
      this.metric('MonitorHeartbeat', { statistic: SUM, period: period('MonitorHeartbeatMissing') }),
    );
    this.alarm(
      'DispatcherHeartbeatMissing',
      this.metric('DispatcherHeartbeat', { statistic: SUM, period: period('DispatcherHeartbeatMissing') }),
    );
    this.alarm(
      'InvalidConnectionsInUse',
      this.metric('InvalidConnectionsInUse', {
        statistic: MAXIMUM,
        period: period('InvalidConnectionsInUse'),
      }),
    );
    this.alarm(
      'StuckLeases',
      this.metric('StuckLeases', { statistic: MAXIMUM, period: period('StuckLeases') }),
    );

    // Dead letters: SQS stops publishing for a queue idle for hours, so silence is an empty queue.
    const deadLetterAlarms = {
      Delivery: 'DeliveryDeadLetterQueueNotEmpty',
      Poll: 'PollDeadLetterQueueNotEmpty',
      Schedule: 'ScheduleDeadLetterQueueNotEmpty',
    } as const satisfies Record<keyof DeadLetterQueues, AlarmId>;
    for (const [label, id] of Object.entries(deadLetterAlarms) as [keyof DeadLetterQueues, AlarmId][]) {
      this.alarm(
        id,
        this.props.deadLetterQueues[label].metricApproximateNumberOfMessagesVisible({
          period: period(id),
          statistic: MAXIMUM,
        }),
      );
    }

    // Rates over 15 minutes, counted only above a minimum of attempts.
    const delivery = ALARMS.DeliveryFailureRate;
    this.rates.delivery = new cloudwatch.MathExpression({
      expression: percentWhenEnough(
        'FILL(failed, 0)',
        'FILL(delivered, 0) + FILL(failed, 0)',
        delivery.minimumCount,
      ),
      usingMetrics: {
        delivered: this.metric('HookDelivered', { period: period('DeliveryFailureRate') }),
        failed: this.metric('HookFailed', { period: period('DeliveryFailureRate') }),
      },
      period: period('DeliveryFailureRate'),
      label: 'hook failure rate (%, 15 min)',
    });
    this.alarm('DeliveryFailureRate', this.rates.delivery);
    const polls = ALARMS.PollErrorRate;
    this.rates.polls = new cloudwatch.MathExpression({
      expression: percentWhenEnough('FILL(errors, 0)', 'FILL(requested, 0)', polls.minimumCount),
      usingMetrics: {
        errors: this.metric('PollErrors', { period: period('PollErrorRate') }),
        requested: this.metric('PollsRequested', { period: period('PollErrorRate') }),
      },
      period: period('PollErrorRate'),
      label: 'poll error rate (%, 15 min)',
    });
    this.alarm('PollErrorRate', this.rates.polls);
    const functions = ALARMS.FunctionFailureRate;
    for (const [name, fn] of Object.entries(this.props.functions)) {
      const fnPeriod = period('FunctionFailureRate');
      this.alarm(
        'FunctionFailureRate',
        new cloudwatch.MathExpression({
          expression: percentWhenEnough(
            'FILL(errors, 0) + FILL(throttles, 0)',
            'FILL(invocations, 0) + FILL(throttles, 0)',
            functions.minimumCount,
          ),
          usingMetrics: {
            errors: fn.metricErrors({ period: fnPeriod, statistic: SUM }),
            throttles: fn.metricThrottles({ period: fnPeriod, statistic: SUM }),
            invocations: fn.metricInvocations({ period: fnPeriod, statistic: SUM }),
          },
          period: fnPeriod,
          label: `${name} failed or throttled (%)`,
        }),
        { constructId: `${constructIdOf(name)}FailureRate`, subject: `Lambda ${name}` },
      );
    }

    // Latency: what users feel, record time → detected.
    for (const id of ['DetectionLatencyOverTarget', 'DetectionLatencyFarOverTarget'] as const) {
      this.alarm(id, this.metric('DetectionLatency', { statistic: 'p99', period: period(id) }));
    }

    // Konnektive.
    this.alarm(
      'StoredCredentialsRejected',
      this.metric('StoredCredentialsRejected', {
        statistic: SUM,
        period: period('StoredCredentialsRejected'),
      }),
    );
    this.alarm(
      'KonnektiveNotWhitelisted',
      this.metric('KonnektiveErrors', {
        dimensions: { errorClass: 'not_whitelisted' },
        statistic: SUM,
        period: period('KonnektiveNotWhitelisted'),
      }),
    );
    this.alarm(
      'KonnektiveSlow',
      this.metric('KonnektiveLatency', { statistic: 'p90', period: period('KonnektiveSlow') }),
    );
  }

  private widgets(): cloudwatch.IWidget[][] {
    const eventTypes = [...ORDER_TYPES, ...TRANSACTION_TYPES];
    const functions = Object.entries(this.props.functions);
    const minute = Duration.minutes(1);
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });
    const perFunction = (title: string, pick: (fn: lambda.IFunction, label: string) => cloudwatch.IMetric) =>
      graph(
        title,
        functions.map(([name, fn]) => pick(fn, name)),
        { legendPosition: cloudwatch.LegendPosition.RIGHT },
      );
    const label = (name: string) => ({ label: name });
    /** The largest value of each period: depths, ages and gauges. */
    const max = (name: string) => ({ label: name, statistic: cloudwatch.Stats.MAXIMUM });
    const percentiles = (name: 'DetectionLatency' | 'DeliveryLatency' | 'KonnektiveLatency') =>
      ['p50', 'p90', 'p99'].map((statistic) => this.metric(name, { statistic, label: statistic }));
    const target = { value: LATENCY_TARGET_MS, label: 'target p99' };
    const alarmsOf = (route: AlarmRoute) =>
      Object.entries(this.alarmList)
        .filter(([id]) => this.routeList[id] === route)
        .map(([, alarm]) => alarm);
    const header = (markdown: string) => new cloudwatch.TextWidget({ markdown, width: 24, height: 1 });

    return [
      [header('## Freshness: is every stream in use read up to date?')],
      [
        graph(
          'Stream staleness and poll lag (max s)',
          [
            this.metric('StreamStalenessSeconds', {
              statistic: cloudwatch.Stats.MAXIMUM,
              period: minute,
              label: 'staleness: now − hwm, worst stream (monitor)',
            }),
            this.metric('PollLagSeconds', {
              statistic: cloudwatch.Stats.MAXIMUM,
              period: minute,
              label: 'lag after a successful poll',
            }),
          ],
          { leftAnnotations: [{ value: ALARMS.StreamStaleness.threshold, label: 'page' }] },
        ),
        graph('Streams in use, stuck leases, invalid connections in use', [
          this.metric('StreamsInUse', {
            statistic: cloudwatch.Stats.MAXIMUM,
            period: minute,
            label: 'streams in use',
          }),
          this.metric('StuckLeases', {
            statistic: cloudwatch.Stats.MAXIMUM,
            period: minute,
            label: 'stuck leases',
          }),
          this.metric('InvalidConnectionsInUse', {
            statistic: cloudwatch.Stats.MAXIMUM,
            period: minute,
            label: 'invalid connections in use',
          }),
        ]),
        graph('Heartbeats (per minute)', [
          this.metric('DispatcherHeartbeat', { period: minute, label: 'dispatcher ticks' }),
          this.metric('MonitorHeartbeat', { period: minute, label: 'monitor runs' }),
        ]),
      ],
      [header('## Latency: record time in Konnektive → detected → delivered (ms)')],
      [
        graph('Detection latency (ms)', percentiles('DetectionLatency'), { leftAnnotations: [target] }),
        graph('Delivery latency (ms)', percentiles('DeliveryLatency'), { leftAnnotations: [target] }),
        graph('Konnektive latency per attempt (ms)', percentiles('KonnektiveLatency')),
      ],
      [header('## Events, polls and deliveries')],
      [
        graph('Events detected by type', [
          ...eventTypes.map((type) => this.metric('EventsDetected', { dimensions: { type }, label: type })),
          this.metric('EventsPublished', label('published (all types)')),
        ]),
        graph(
          'Polls: requested, failed, records rejected',
          [
            this.metric('PollsRequested', label('polls requested')),
            ...POLL_SKIP_REASONS.map((reason) =>
              this.metric('PollsSkipped', { dimensions: { reason }, label: `skipped: ${reason}` }),
            ),
            this.metric('PollErrors', label('poll errors')),
            this.metric('RecordsRejected', label('records rejected (schema drift)')),
          ],
          { right: this.rates.polls ? [this.rates.polls] : [] },
        ),
        graph(
          'Polling: Konnektive calls per poll, strategy changes, reconciled events',
          [
            this.metric('KonnektiveCallsPerPoll', {
              statistic: cloudwatch.Stats.AVERAGE,
              label: 'calls per poll (average)',
            }),
            this.metric('KonnektiveCallsPerPoll', max('calls per poll (max)')),
          ],
          {
            right: [
              ...POLL_STRATEGIES.map((strategy) =>
                this.metric('PollStrategyChanged', { dimensions: { strategy }, label: `→ ${strategy}` }),
              ),
              this.metric('ReconciledEvents', label('found by the reconciliation')),
            ],
          },
        ),
        graph(
          'Hook deliveries',
          [
            this.metric('HookDelivered', label('delivered')),
            this.metric('HookFailed', label('failed (will retry)')),
            this.metric('HookDeadLettered', label('dead-lettered')),
            this.metric('HookGone', label('gone (410, unsubscribed)')),
          ],
          { right: this.rates.delivery ? [this.rates.delivery] : [] },
        ),
        graph('Delivery: deferred, handed back, markers lost', [
          this.metric('HookDeferred', label('deferred (rate window, POSTs in flight, time, store)')),
          this.metric('DeliveryHandedBack', label('handed back (invocation out of time)')),
          this.metric('HookMarkerLost', label('delivered, marker not written')),
        ]),
      ],
      [header('## Konnektive and actions')],
      [
        graph(
          'Konnektive errors by class',
          KONNEKTIVE_ERROR_CLASSES.map((errorClass) =>
            this.metric('KonnektiveErrors', { dimensions: { errorClass }, label: errorClass }),
          ),
          { right: [this.metric('StoredCredentialsRejected', label('stored password refused'))] },
        ),
        graph(
          'Actions: calls (left) and errors (right)',
          ACTION_NAMES.map((action) => this.metric('ActionCalls', { dimensions: { action }, label: action })),
          {
            right: ACTION_NAMES.map((action) =>
              this.metric('ActionErrors', { dimensions: { action }, label: `${action} errors` }),
            ),
          },
        ),
        graph(
          'HTTP API',
          [
            this.props.httpApi.metricClientError({ label: '4xx' }),
            this.props.httpApi.metricServerError({ label: '5xx' }),
          ],
          { right: [this.props.httpApi.metricLatency({ label: 'latency p99', statistic: 'p99' })] },
        ),
      ],
      [header('## Queues')],
      [
        graph('Queue depth', [
          this.props.deliveryQueue.metricApproximateNumberOfMessagesVisible(max('delivery visible')),
          this.props.deliveryQueue.metricApproximateNumberOfMessagesNotVisible(
            max('delivery waiting for retry or in flight'),
          ),
          this.props.pollQueue.metricApproximateNumberOfMessagesVisible(max('poll visible')),
        ]),
        graph('Age of oldest message (s)', [
          this.props.deliveryQueue.metricApproximateAgeOfOldestMessage(max('delivery')),
          this.props.pollQueue.metricApproximateAgeOfOldestMessage(max('poll')),
        ]),
        graph(
          'Dead-letter queue depth',
          Object.entries(this.props.deadLetterQueues).map(([name, queue]) =>
            (queue as sqs.IQueue).metricApproximateNumberOfMessagesVisible(max(name)),
          ),
        ),
      ],
      [header('## Per connection (Contributor Insights over the logs; no metric per tenant)')],
      [
        new ContributorInsightsWidget({
          title: 'Top connections by poll errors',
          ruleName: this.insightRules.pollErrors.ruleName,
          orderBy: 'Sum',
        }),
        new ContributorInsightsWidget({
          title: 'Top streams by staleness (s)',
          ruleName: this.insightRules.staleness.ruleName,
          orderBy: 'Maximum',
        }),
        new cloudwatch.LogQueryWidget({
          title: 'Unhealthy streams (latest monitor lines)',
          logGroupNames: [this.props.monitorLogGroup.logGroupName],
          queryLines: [
            'fields @timestamp, connectionId, stream, connectionStatus, stalenessSeconds, lease',
            `filter message = '${STREAM_HEALTH_MESSAGE}' and level = 'WARN'`,
            'sort @timestamp desc',
            'limit 50',
          ],
          width: 8,
          height: 6,
        }),
      ],
      [header('## Functions')],
      [
        perFunction('Lambda errors', (fn, name) => fn.metricErrors({ label: name })),
        perFunction('Lambda throttles', (fn, name) => fn.metricThrottles({ label: name })),
        perFunction('Lambda duration p99 (ms)', (fn, name) =>
          fn.metricDuration({ label: name, statistic: 'p99' }),
        ),
      ],
      [header('## Alarms')],
      [
        new cloudwatch.AlarmStatusWidget({
          title: 'Page alarms',
          alarms: alarmsOf('page'),
          width: 12,
          height: 6,
        }),
        new cloudwatch.AlarmStatusWidget({
          title: 'Ticket alarms',
          alarms: alarmsOf('ticket'),
          width: 12,
          height: 6,
        }),
      ],
    ];
  }
}
