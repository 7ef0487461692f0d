/**
 * What on-call watches: one CloudWatch dashboard and the alarms, sent to an SNS topic the stateful stack owns (with
 * the stage's subscribers). Business metrics are the registry's (functions/shared/telemetry.ts), emitted by
 * Powertools under the stack's namespace with the dimension `service=<service name>`.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTION_NAMES } from '../../functions/core/actions/catalog.js';
import type { KonnektiveErrorClass } from '../../functions/core/konnektive.js';
import { ORDER_TYPES, TRANSACTION_TYPES } from '../../functions/core/model.js';
import { constructIdOf } from '../../functions/handlers/catalog.js';
import type { MetricDimensions, MetricName } from '../../functions/shared/telemetry.js';

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

/** Thresholds of the alarms, in one place so the README and the tests can quote them. */
export const ALARM_THRESHOLDS = {
  /** PollLagSeconds (Maximum) above this, in 2 of 3 five-minute periods. */
  pollLagSeconds: 600,
  /** Failed share of hook attempts over 15 minutes, in percent … */
  deliveryFailurePercent: 20,
  /** … counted only once there were at least this many attempts (a single failure out of two is no outage). */
  deliveryMinimumAttempts: 10,
} as const;

export interface OperationsMonitoringProps {
  /** `POWERTOOLS_METRICS_NAMESPACE`. */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` dimension. */
  readonly serviceName: string;
  /** Every function, keyed by handler name (alarm and widget labels). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly deliveryQueue: sqs.IQueue;
  readonly pollQueue: sqs.IQueue;
  /** Dead-letter queues by label; each gets a "not empty" alarm. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly httpApi: apigw.IHttpApi;
  /** Where alarms and their recoveries are sent. */
  readonly alarmTopic: sns.ITopic;
}

export class OperationsMonitoring extends Construct {
  public readonly alarmTopic: sns.ITopic;
  public readonly dashboard: cloudwatch.Dashboard;
  /** Alarms by construct ID. */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Console link to the dashboard. */
  public readonly dashboardUrl: string;

  private readonly props: OperationsMonitoringProps;
  private readonly alarmList: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    this.props = props;

    this.alarmTopic = props.alarmTopic;

    this.createAlarms();
    this.alarms = this.alarmList;

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

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      // Silence (no data) means nothing happened: no traffic, no failures. Stalls are caught by the DLQ and
      // function-error alarms, which do get data when something breaks.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarmList[id] = alarm;
    return alarm;
  }

  private createAlarms(): void {
    for (const [label, queue] of Object.entries(this.props.deadLetterQueues)) {
      this.alarm(`${label}DeadLetterQueueNotEmpty`, {
        alarmDescription: `${label} dead-letter queue has messages: inspect them, fix the cause, redrive to the source queue`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    this.alarm('PollLag', {
      alarmDescription: `Some (connection, stream) has not been polled up to date for more than ${ALARM_THRESHOLDS.pollLagSeconds / 60} minutes`,
      metric: this.metric('PollLagSeconds', { statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: ALARM_THRESHOLDS.pollLagSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    const period = Duration.minutes(15);
    const min = ALARM_THRESHOLDS.deliveryMinimumAttempts;
    this.alarm('DeliveryFailureRate', {
      alarmDescription: `More than ${ALARM_THRESHOLDS.deliveryFailurePercent}% of hook attempts failed over 15 minutes (at least ${min} attempts)`,
      metric: new cloudwatch.MathExpression({
        expression: `IF((FILL(delivered, 0) + FILL(failed, 0)) >= ${min}, 100 * FILL(failed, 0) / (FILL(delivered, 0) + FILL(failed, 0)), 0)`,
        usingMetrics: {
          delivered: this.metric('HookDelivered', { period }),
          failed: this.metric('HookFailed', { period }),
        },
        period,
        label: 'Hook failure rate (%)',
      }),
      threshold: ALARM_THRESHOLDS.deliveryFailurePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.alarm('KonnektiveAuthFailures', {
      alarmDescription:
        'Konnektive rejected stored credentials (password changed or API user disabled): the merchant must reconnect',
      metric: this.metric('KonnektiveErrors', { dimensions: { errorClass: 'auth' } }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    this.alarm('KonnektiveNotWhitelisted', {
      alarmDescription:
        'Konnektive refused our egress IP: whitelist every EgressIps address on the API user (see README, Deploy)',
      metric: this.metric('KonnektiveErrors', { dimensions: { errorClass: 'not_whitelisted' } }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    for (const [name, fn] of Object.entries(this.props.functions)) {
      this.alarm(`${constructIdOf(name)}Errors`, {
        alarmDescription: `Lambda ${name} threw (unhandled error or timeout)`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
  }

  private widgets(): cloudwatch.IWidget[][] {
    const eventTypes = [...ORDER_TYPES, ...TRANSACTION_TYPES];
    const functions = Object.entries(this.props.functions);
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });
    const perFunction = (title: string, pick: (fn: lambda.IFunction, label: string) => cloudwatch.IMetric) =>
      graph(
        title,
        functions.map(([name, fn]) => pick(fn, name)),
        { legendPosition: cloudwatch.LegendPosition.RIGHT, width: 12 },
      );
    const label = (name: string) => ({ label: name });

    return [
      [
        graph('Events detected by type', [
          ...eventTypes.map((type) => this.metric('EventsDetected', { dimensions: { type }, label: type })),
          this.metric('EventsPublished', label('published')),
        ]),
        graph('Hook deliveries', [
          this.metric('HookDelivered', label('delivered')),
          this.metric('HookFailed', label('failed (will retry)')),
          this.metric('HookDeadLettered', label('dead-lettered')),
          this.metric('HookGone', label('gone (410, unsubscribed)')),
        ]),
        graph(
          'Poll lag (max seconds) and poll errors',
          [this.metric('PollLagSeconds', { statistic: cloudwatch.Stats.MAXIMUM, label: 'lag (max s)' })],
          {
            right: [
              this.metric('PollsRequested', label('polls requested')),
              this.metric('PollErrors', label('poll errors')),
              this.metric('RecordsRejected', label('records rejected')),
            ],
            leftAnnotations: [{ value: ALARM_THRESHOLDS.pollLagSeconds, label: 'alarm' }],
          },
        ),
      ],
      [
        graph(
          'Konnektive latency (ms)',
          ['p50', 'p90', 'p99'].map((stat) =>
            this.metric('KonnektiveLatency', { statistic: stat, label: stat, period: Duration.minutes(5) }),
          ),
        ),
        graph(
          'Konnektive errors by class',
          KONNEKTIVE_ERROR_CLASSES.map((errorClass) =>
            this.metric('KonnektiveErrors', { dimensions: { errorClass }, label: errorClass }),
          ),
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
      ],
      [
        graph(
          'Dead-letter queue depth',
          Object.entries(this.props.deadLetterQueues).map(([name, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({
              label: name,
              statistic: cloudwatch.Stats.MAXIMUM,
            }),
          ),
        ),
        graph(
          'Queue backlog',
          [
            this.props.deliveryQueue.metricApproximateNumberOfMessagesVisible({ label: 'delivery visible' }),
            this.props.pollQueue.metricApproximateNumberOfMessagesVisible({ label: 'poll visible' }),
          ],
          {
            right: [
              this.props.deliveryQueue.metricApproximateAgeOfOldestMessage({
                label: 'delivery oldest (s)',
                statistic: cloudwatch.Stats.MAXIMUM,
              }),
            ],
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
      [
        perFunction('Lambda errors', (fn, label) => fn.metricErrors({ label })),
        perFunction('Lambda throttles', (fn, label) => fn.metricThrottles({ label })),
      ],
      [
        perFunction('Lambda duration p99 (ms)', (fn, label) =>
          fn.metricDuration({ label, statistic: 'p99' }),
        ),
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms',
          alarms: Object.values(this.alarmList),
          width: 12,
          height: 6,
        }),
      ],
    ];
  }
}
