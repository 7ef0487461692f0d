/**
 * Alarms, their routes and the dashboard, as synthesized. Each alarm is checked against the alarm table
 * (lib/constructs/alarm-table.ts) and, for what matters to on-call, against literal values here: what pages, what
 * treats silence as a failure, and the metric each alarm watches.
 */
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { constructIdOf } from '../../functions/handlers/catalog.js';
import { ALARMS, type AlarmId, type AlarmSpec } from '../../lib/constructs/alarm-table.js';
import {
  EXPECTED_HANDLERS,
  followImport,
  logicalIdOf,
  referencedId,
  resourceOf,
  type SynthesizedApp,
  synthesize,
} from './support.js';

interface MetricStat {
  Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] };
  Period: number;
  Stat: string;
}

interface AlarmProperties {
  AlarmDescription: string;
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  ExtendedStatistic?: string;
  Period?: number;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  Metrics?: { Id: string; Expression?: string; MetricStat?: MetricStat; ReturnData?: boolean }[];
}

const SERVICE_DIMENSION = { Name: 'service', Value: 'konnektive-zapier' };

describe('monitoring', () => {
  let synthesized: SynthesizedApp;
  const propertiesOf = (constructId: string): AlarmProperties => {
    const alarm = synthesized.service.monitoring.alarms[constructId];
    if (!alarm) throw new Error(`no alarm ${constructId}`);
    return resourceOf(synthesized.serviceTemplate, logicalIdOf(alarm))
      .Properties as unknown as AlarmProperties;
  };
  const allAlarms = () =>
    Object.values(synthesized.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties as AlarmProperties,
    );
  /** The stateful-stack topic an action list points at: 'page', 'ticket' or undefined. */
  const routeOf = (actions: unknown[]): string | undefined => {
    const ids = actions.map((action) => referencedId(followImport(action, synthesized.statefulTemplate)));
    const { page, ticket } = synthesized.stateful.alarmTopics;
    if (ids.length !== 1) return undefined;
    if (ids[0] === logicalIdOf(page)) return 'page';
    if (ids[0] === logicalIdOf(ticket)) return 'ticket';
    return undefined;
  };
  const inputsOf = (alarm: AlarmProperties) =>
    Object.fromEntries(
      (alarm.Metrics ?? [])
        .filter((metric) => metric.MetricStat)
        .map((metric) => [metric.Id, metric.MetricStat]),
    ) as Record<string, MetricStat>;
  const expressionOf = (alarm: AlarmProperties) =>
    alarm.Metrics?.find((metric) => metric.Expression)?.Expression;
  const perFunctionIds = () => EXPECTED_HANDLERS.map((name) => `${constructIdOf(name)}FailureRate`);
  /** Construct IDs of every alarm with the table entry it comes from. */
  const expectedAlarms = (): [string, AlarmId][] =>
    (Object.keys(ALARMS) as AlarmId[]).flatMap((id) =>
      (ALARMS[id] as AlarmSpec).perFunction
        ? perFunctionIds().map((constructId): [string, AlarmId] => [constructId, id])
        : [[id, id] as [string, AlarmId]],
    );

  beforeAll(() => {
    synthesized = synthesize({});
  });

  describe('the alarm table', () => {
    it('is synthesized exactly: one alarm per entry, one failure-rate alarm per function, nothing else', () => {
      const ids = expectedAlarms().map(([constructId]) => constructId);
      expect(Object.keys(synthesized.service.monitoring.alarms).sort()).toEqual([...ids].sort());
      expect(allAlarms()).toHaveLength(ids.length);
      expect(ids).toHaveLength(Object.keys(ALARMS).length - 1 + EXPECTED_HANDLERS.length);
    });

    it('gives every alarm the threshold, comparison, periods, missing-data treatment and route of its entry', () => {
      for (const [constructId, id] of expectedAlarms()) {
        const spec: AlarmSpec = ALARMS[id];
        const alarm = propertiesOf(constructId);
        expect(alarm, constructId).toMatchObject({
          Threshold: spec.threshold,
          ComparisonOperator: spec.comparison,
          EvaluationPeriods: spec.evaluationPeriods,
          DatapointsToAlarm: spec.datapointsToAlarm,
          TreatMissingData: spec.missingData,
        });
        const period = alarm.Period ?? Object.values(inputsOf(alarm))[0]?.Period;
        expect(period, constructId).toBe(spec.periodMinutes * 60);
        expect(routeOf(alarm.AlarmActions), constructId).toBe(spec.route);
        expect(routeOf(alarm.OKActions), `${constructId} recovery`).toBe(spec.route);
        expect(alarm.AlarmDescription, constructId).toContain(`[${spec.route}]`);
        expect(alarm.AlarmDescription, constructId).toContain(`docs/runbook.md#${id.toLowerCase()}`);
      }
    });
  });

  describe('routes', () => {
    it('pages only when users are affected now', () => {
      const paging = Object.entries(synthesized.service.monitoring.routes)
        .filter(([, route]) => route === 'page')
        .map(([id]) => id)
        .sort();
      expect(paging).toEqual(
        [
          'StreamStaleness',
          'MonitorHeartbeatMissing',
          'DispatcherHeartbeatMissing',
          'InvalidConnectionsInUse',
          'DeliveryDeadLetterQueueNotEmpty',
          'DeliveryFailureRate',
          'DetectionLatencyFarOverTarget',
        ].sort(),
      );
    });

    it('sends every other alarm to the ticket topic, function failure rates included', () => {
      const tickets = Object.entries(synthesized.service.monitoring.routes)
        .filter(([, route]) => route === 'ticket')
        .map(([id]) => id);
      expect(tickets).toEqual(
        expect.arrayContaining([
          'DetectionLatencyOverTarget',
          'PollErrorRate',
          'StuckLeases',
          'StoredCredentialsRejected',
          'KonnektiveNotWhitelisted',
          'KonnektiveSlow',
          'PollDeadLetterQueueNotEmpty',
          'ScheduleDeadLetterQueueNotEmpty',
          ...perFunctionIds(),
        ]),
      );
      for (const alarm of allAlarms()) expect(['page', 'ticket']).toContain(routeOf(alarm.AlarmActions));
    });

    it('treats missing data as breaching exactly for the heartbeats and the stream monitor gauges', () => {
      const breaching = Object.keys(synthesized.service.monitoring.alarms)
        .filter((id) => propertiesOf(id).TreatMissingData === 'breaching')
        .sort();
      expect(breaching).toEqual(
        [
          'StreamStaleness',
          'MonitorHeartbeatMissing',
          'DispatcherHeartbeatMissing',
          'InvalidConnectionsInUse',
          'StuckLeases',
        ].sort(),
      );
    });

    it('creates no topic and no subscription of its own (they live in the stateful stack)', () => {
      synthesized.serviceTemplate.resourceCountIs('AWS::SNS::Topic', 0);
      synthesized.serviceTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('freshness (the stream monitor and the dispatcher)', () => {
    it('pages when the worst stream of an active connection is over 10 minutes stale for 5 minutes', () => {
      expect(propertiesOf('StreamStaleness')).toMatchObject({
        Namespace: 'KonnektiveZapier',
        MetricName: 'StreamStalenessSeconds',
        Dimensions: [SERVICE_DIMENSION],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 600,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        TreatMissingData: 'breaching',
      });
    });

    it.each([
      ['MonitorHeartbeatMissing', 'MonitorHeartbeat'],
      ['DispatcherHeartbeatMissing', 'DispatcherHeartbeat'],
    ])('%s: pages after 5 minutes without a %s', (id, metricName) => {
      expect(propertiesOf(id)).toMatchObject({
        MetricName: metricName,
        Dimensions: [SERVICE_DIMENSION],
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 5,
        TreatMissingData: 'breaching',
      });
    });

    it('pages while a connection marked invalid still has subscriptions, and does not clear on silence', () => {
      expect(propertiesOf('InvalidConnectionsInUse')).toMatchObject({
        MetricName: 'InvalidConnectionsInUse',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 10,
        TreatMissingData: 'breaching',
      });
    });

    it('files a ticket when a lease stays stuck for 10 minutes', () => {
      expect(propertiesOf('StuckLeases')).toMatchObject({
        MetricName: 'StuckLeases',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 1,
        EvaluationPeriods: 10,
        TreatMissingData: 'breaching',
      });
    });
  });

  describe('rates, not single errors', () => {
    it('pages when more than 20% of at least 10 hook attempts fail over 15 minutes', () => {
      const alarm = propertiesOf('DeliveryFailureRate');
      expect(alarm).toMatchObject({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' });
      expect(expressionOf(alarm)).toBe(
        'IF((FILL(delivered, 0) + FILL(failed, 0)) >= 10, 100 * (FILL(failed, 0)) / (FILL(delivered, 0) + FILL(failed, 0)), 0)',
      );
      expect(inputsOf(alarm).delivered).toMatchObject({
        Metric: { MetricName: 'HookDelivered' },
        Period: 900,
        Stat: 'Sum',
      });
      expect(inputsOf(alarm).failed).toMatchObject({
        Metric: { MetricName: 'HookFailed' },
        Period: 900,
        Stat: 'Sum',
      });
    });

    it('files a ticket when more than 20% of at least 10 requested polls fail over 15 minutes', () => {
      const alarm = propertiesOf('PollErrorRate');
      expect(alarm).toMatchObject({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' });
      expect(expressionOf(alarm)).toBe(
        'IF((FILL(requested, 0)) >= 10, 100 * (FILL(errors, 0)) / (FILL(requested, 0)), 0)',
      );
      expect(inputsOf(alarm).errors).toMatchObject({
        Metric: { MetricName: 'PollErrors' },
        Period: 900,
        Stat: 'Sum',
      });
      expect(inputsOf(alarm).requested).toMatchObject({
        Metric: { MetricName: 'PollsRequested' },
        Period: 900,
        Stat: 'Sum',
      });
    });

    it.each(EXPECTED_HANDLERS)(
      'files a ticket when more than 20 percent of at least 10 invocations of %s fail or are throttled',
      (name) => {
        const alarm = propertiesOf(`${constructIdOf(name)}FailureRate`);
        expect(alarm).toMatchObject({ Threshold: 20, ComparisonOperator: 'GreaterThanThreshold' });
        expect(expressionOf(alarm)).toBe(
          'IF((FILL(invocations, 0) + FILL(throttles, 0)) >= 10, 100 * (FILL(errors, 0) + FILL(throttles, 0)) / (FILL(invocations, 0) + FILL(throttles, 0)), 0)',
        );
        const functionRef = { Ref: logicalIdOf(synthesized.service.functions[name].function) };
        for (const [input, metricName] of [
          ['errors', 'Errors'],
          ['throttles', 'Throttles'],
          ['invocations', 'Invocations'],
        ]) {
          expect(inputsOf(alarm)[input as string], input).toEqual({
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: metricName,
              Dimensions: [{ Name: 'FunctionName', Value: functionRef }],
            },
            Period: 900,
            Stat: 'Sum',
          });
        }
      },
    );

    it('no longer alarms on a single Lambda error or on Konnektive auth errors (connect attempts count there)', () => {
      for (const alarm of allAlarms()) {
        expect(alarm.MetricName).not.toBe('Errors');
        expect(alarm.Dimensions ?? []).not.toContainEqual({ Name: 'errorClass', Value: 'auth' });
      }
    });
  });

  describe('latency', () => {
    it.each([
      ['DetectionLatencyOverTarget', 20_000, 3, 'ticket'],
      ['DetectionLatencyFarOverTarget', 120_000, 6, 'page'],
    ])(
      '%s: p99 of DetectionLatency above %i ms for %i five-minute periods → %s',
      (id, threshold, periods, route) => {
        const alarm = propertiesOf(id);
        expect(alarm).toMatchObject({
          MetricName: 'DetectionLatency',
          Dimensions: [SERVICE_DIMENSION],
          ExtendedStatistic: 'p99',
          Period: 300,
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: periods,
          DatapointsToAlarm: periods,
          TreatMissingData: 'notBreaching',
        });
        expect(routeOf(alarm.AlarmActions)).toBe(route);
      },
    );

    it('files a ticket when the p90 of Konnektive attempts is over 10 s for 15 minutes', () => {
      expect(propertiesOf('KonnektiveSlow')).toMatchObject({
        MetricName: 'KonnektiveLatency',
        ExtendedStatistic: 'p90',
        Period: 300,
        Threshold: 10_000,
        EvaluationPeriods: 3,
      });
    });
  });

  describe('Konnektive refusals', () => {
    it('files a ticket on the first stored password Konnektive refuses (StoredCredentialsRejected)', () => {
      expect(propertiesOf('StoredCredentialsRejected')).toMatchObject({
        MetricName: 'StoredCredentialsRejected',
        Dimensions: [SERVICE_DIMENSION],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('files a ticket when our egress IP is refused 10 times in 15 minutes', () => {
      expect(propertiesOf('KonnektiveNotWhitelisted')).toMatchObject({
        MetricName: 'KonnektiveErrors',
        Dimensions: expect.arrayContaining([
          SERVICE_DIMENSION,
          { Name: 'errorClass', Value: 'not_whitelisted' },
        ]),
        Statistic: 'Sum',
        Period: 900,
        Threshold: 10,
      });
    });
  });

  describe('dead letters', () => {
    it.each([
      ['DeliveryDeadLetterQueueNotEmpty', () => synthesized.stateful.delivery.deadLetterQueue, 'page'],
      [
        'PollDeadLetterQueueNotEmpty',
        () => synthesized.stateful.pollDeadLetters.pollDeadLetterQueue,
        'ticket',
      ],
      [
        'ScheduleDeadLetterQueueNotEmpty',
        () => synthesized.stateful.pollDeadLetters.scheduleDeadLetterQueue,
        'ticket',
      ],
    ])("%s: as soon as the stateful stack's queue holds a message → %s", (id, queue, route) => {
      const alarm = propertiesOf(id);
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(followImport(alarm.Dimensions?.[0]?.Value, synthesized.statefulTemplate)).toEqual({
        'Fn::GetAtt': [logicalIdOf(queue()), 'QueueName'],
      });
      expect(routeOf(alarm.AlarmActions)).toBe(route);
    });
  });

  describe('the stream monitor', () => {
    const monitorId = () => logicalIdOf(synthesized.service.functions['monitor-streams'].function);

    it('runs every minute on its own schedule, with bounded retries and the schedule dead-letter queue', () => {
      const deadLetterArn = new Capture();
      synthesized.serviceTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [monitorId(), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: deadLetterArn },
        },
      });
      expect(followImport(deadLetterArn.asObject(), synthesized.statefulTemplate)).toEqual({
        'Fn::GetAtt': [logicalIdOf(synthesized.stateful.pollDeadLetters.scheduleDeadLetterQueue), 'Arn'],
      });
      synthesized.serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: monitorId() },
        MaximumRetryAttempts: 0,
      });
    });

    it('runs outside the VPC (it never calls Konnektive, so NAT trouble cannot silence it)', () => {
      const properties = resourceOf(synthesized.serviceTemplate, monitorId()).Properties ?? {};
      expect(properties.VpcConfig).toBeUndefined();
    });

    it('judges leases by the poll timeout plus a minute', () => {
      const properties = resourceOf(synthesized.serviceTemplate, monitorId()).Properties as {
        Environment: { Variables: Record<string, unknown> };
      };
      expect(properties.Environment.Variables.MONITOR_MAX_POLL_SECONDS).toBe('360');
    });
  });

  describe('per-connection Contributor Insights rules', () => {
    /** A rule body: JSON text around tokens; tokens become the logical ID they reference. */
    const bodyOf = (ruleName: string) => {
      const rule = Object.values(
        synthesized.serviceTemplate.findResources('AWS::CloudWatch::InsightRule'),
      ).find((candidate) => candidate.Properties.RuleName === ruleName);
      const body = rule?.Properties.RuleBody as string | { 'Fn::Join': [string, unknown[]] };
      const text =
        typeof body === 'string'
          ? body
          : body['Fn::Join'][1]
              .map((part) => (typeof part === 'string' ? part : referencedId(part)))
              .join('');
      return JSON.parse(text) as {
        LogGroupNames: string[];
        LogFormat: string;
        Contribution: { Keys: string[]; ValueOf?: string; Filters: unknown[] };
        AggregateOn: string;
      };
    };

    it('creates two rules, named after the stack, enabled', () => {
      synthesized.serviceTemplate.resourceCountIs('AWS::CloudWatch::InsightRule', 2);
      synthesized.serviceTemplate.hasResourceProperties('AWS::CloudWatch::InsightRule', {
        RuleName: 'KonnektiveZapier-test-Service-poll-errors-by-connection',
        RuleState: 'ENABLED',
      });
    });

    it('counts poll warnings and errors by connection and stream, in the poll function log group', () => {
      const body = bodyOf(synthesized.service.monitoring.insightRules.pollErrors.ruleName);
      expect(body).toMatchObject({
        LogFormat: 'JSON',
        LogGroupNames: [logicalIdOf(synthesized.service.poller.pollFunction.logGroup)],
        Contribution: {
          Keys: ['$.connectionId', '$.stream'],
          Filters: [
            { Match: '$.level', In: ['WARN', 'ERROR'] },
            { Match: '$.connectionId', IsPresent: true },
          ],
        },
        AggregateOn: 'Count',
      });
    });

    it("ranks streams by the monitor's staleness lines, in the monitor log group", () => {
      const body = bodyOf(synthesized.service.monitoring.insightRules.staleness.ruleName);
      expect(body).toMatchObject({
        LogGroupNames: [logicalIdOf(synthesized.service.streamMonitor.monitorFunction.logGroup)],
        Contribution: {
          Keys: ['$.connectionId', '$.stream'],
          ValueOf: '$.stalenessSeconds',
          Filters: [{ Match: '$.message', In: ['stream health'] }],
        },
        AggregateOn: 'Sum',
      });
    });

    it('creates no metric per tenant: no business metric has a connection dimension', () => {
      for (const alarm of allAlarms()) {
        expect((alarm.Dimensions ?? []).map((dimension) => dimension.Name)).not.toContain('connectionId');
      }
    });
  });

  describe('dashboard', () => {
    interface Widget {
      type: string;
      properties: {
        title?: string;
        metrics?: unknown[][];
        insightRule?: { ruleName: string; orderBy: string };
        alarms?: unknown[];
        query?: string;
      };
    }
    let widgets: Widget[];
    /** Every graphed metric as "Namespace/Name", its dimensions and its stat. */
    let graphed: { id: string; dimensions: Record<string, string>; stat?: string }[];

    beforeAll(() => {
      const dashboard = Object.values(
        synthesized.serviceTemplate.findResources('AWS::CloudWatch::Dashboard'),
      )[0];
      // The body is a Fn::Join of JSON text and tokens (region, queue names…); tokens become a placeholder string.
      const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
      const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as {
        widgets: Widget[];
      };
      widgets = body.widgets;
      graphed = widgets.flatMap((widget) =>
        (widget.properties.metrics ?? []).map((line) => {
          const [namespace, name, ...rest] = line.filter((item) => typeof item === 'string') as string[];
          const options = line.find((item) => typeof item === 'object') as { stat?: string } | undefined;
          const dimensions: Record<string, string> = {};
          for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i] as string] = rest[i + 1] as string;
          return { id: `${namespace}/${name}`, dimensions, ...(options?.stat ? { stat: options.stat } : {}) };
        }),
      );
    });

    const hasMetric = (id: string, dimensions: Record<string, string> = {}, stat?: string) =>
      graphed.some(
        (metric) =>
          metric.id === id &&
          metric.dimensions.service === 'konnektive-zapier' &&
          (stat === undefined || metric.stat === stat) &&
          Object.entries(dimensions).every(([key, value]) => metric.dimensions[key] === value),
      );

    it.each([
      'Stream staleness and poll lag (max s)',
      'Streams in use, stuck leases, invalid connections in use',
      'Heartbeats (per minute)',
      'Detection latency (ms)',
      'Delivery latency (ms)',
      'Konnektive latency per attempt (ms)',
      'Events detected by type',
      'Polls: requested, failed, records rejected',
      'Hook deliveries',
      'Delivery: deferred, handed back, markers lost',
      'Konnektive errors by class',
      'Actions: calls (left) and errors (right)',
      'Queue depth',
      'Age of oldest message (s)',
      'Dead-letter queue depth',
      'Top connections by poll errors',
      'Top streams by staleness (s)',
      'Lambda errors',
      'Lambda throttles',
      'Lambda duration p99 (ms)',
      'Page alarms',
      'Ticket alarms',
    ])('has the widget "%s"', (title) => {
      expect(widgets.map((widget) => widget.properties.title)).toContain(title);
    });

    it('graphs detection, delivery and Konnektive latency at p50, p90 and p99', () => {
      for (const name of ['DetectionLatency', 'DeliveryLatency', 'KonnektiveLatency']) {
        for (const stat of ['p50', 'p90', 'p99']) {
          expect(hasMetric(`KonnektiveZapier/${name}`, {}, stat), `${name} ${stat}`).toBe(true);
        }
      }
    });

    it('graphs events per type, every Konnektive error class and every action, all with the service dimension', () => {
      for (const type of ['NEW_SALE', 'CANCELLED', 'NEW_LEAD', 'DECLINE', 'REFUND']) {
        expect(hasMetric('KonnektiveZapier/EventsDetected', { type }), type).toBe(true);
      }
      const errorClasses = ['auth', 'not_whitelisted', 'permission', 'validation', 'declined', 'redirect'];
      for (const errorClass of [...errorClasses, 'not_found', 'transient', 'api']) {
        expect(hasMetric('KonnektiveZapier/KonnektiveErrors', { errorClass }), errorClass).toBe(true);
      }
      for (const action of [
        'create_sale',
        'create_lead',
        'update_fulfillment',
        'cancel_order',
        'update_customer',
      ]) {
        expect(hasMetric('KonnektiveZapier/ActionCalls', { action }), action).toBe(true);
        expect(hasMetric('KonnektiveZapier/ActionErrors', { action }), action).toBe(true);
      }
    });

    it('graphs errors, throttles and duration of all 18 functions and the depth of the 3 dead-letter queues', () => {
      for (const name of ['Errors', 'Throttles', 'Duration']) {
        expect(graphed.filter((metric) => metric.id === `AWS/Lambda/${name}`)).toHaveLength(
          EXPECTED_HANDLERS.length,
        );
      }
      const dlq = widgets.find((widget) => widget.properties.title === 'Dead-letter queue depth');
      expect(dlq?.properties.metrics).toHaveLength(3);
    });

    it('graphs the top contributors of both Contributor Insights rules', () => {
      const rules = widgets.flatMap((widget) =>
        widget.properties.insightRule ? [widget.properties.insightRule] : [],
      );
      const { pollErrors, staleness } = synthesized.service.monitoring.insightRules;
      expect(rules).toEqual([
        expect.objectContaining({ ruleName: pollErrors.ruleName, orderBy: 'Sum' }),
        expect.objectContaining({ ruleName: staleness.ruleName, orderBy: 'Maximum' }),
      ]);
    });

    it('shows the page and the ticket alarms in two status widgets', () => {
      const page = widgets.find((widget) => widget.properties.title === 'Page alarms');
      const ticket = widgets.find((widget) => widget.properties.title === 'Ticket alarms');
      expect(page?.properties.alarms).toHaveLength(7);
      expect(ticket?.properties.alarms).toHaveLength(
        Object.keys(synthesized.service.monitoring.alarms).length - 7,
      );
    });

    it('is linked from the DashboardUrl output', () => {
      synthesized.serviceTemplate.hasOutput('DashboardUrl', {
        Value: {
          'Fn::Join': [
            '',
            Match.arrayWith([
              Match.stringLikeRegexp('#dashboards:name=$'),
              { Ref: logicalIdOf(synthesized.service.monitoring.dashboard) },
            ]),
          ],
        },
      });
    });
  });
});
