import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_HANDLERS, followImport, logicalIdOf, type SynthesizedApp, synthesize } from './support.js';

interface AlarmProperties {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  Period?: number;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string }; Period: number };
  }[];
}

describe('monitoring', () => {
  let synthesized: SynthesizedApp;
  const alarms = () =>
    Object.values(synthesized.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties as AlarmProperties,
    );
  const businessAlarm = (metricName: string, dimension?: [string, string]) =>
    alarms().find(
      (alarm) =>
        alarm.MetricName === metricName &&
        alarm.Namespace === 'KonnektiveZapier' &&
        (!dimension ||
          alarm.Dimensions?.some(
            (candidate) => candidate.Name === dimension[0] && candidate.Value === dimension[1],
          )),
    );

  beforeAll(() => {
    synthesized = synthesize({});
  });

  it("sends every alarm and its recovery to the stateful stack's page topic, and treats missing data as not breaching", () => {
    const topicRef = { Ref: logicalIdOf(synthesized.stateful.alarmTopics.page) };
    const follow = (actions: unknown[]) =>
      actions.map((action) => followImport(action, synthesized.statefulTemplate));
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(follow(alarm.AlarmActions)).toEqual([topicRef]);
      expect(follow(alarm.OKActions)).toEqual([topicRef]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it.each([
    ['delivery', () => synthesized.stateful.delivery.deadLetterQueue],
    ['poll', () => synthesized.stateful.pollDeadLetters.pollDeadLetterQueue],
    ['scheduler', () => synthesized.stateful.pollDeadLetters.scheduleDeadLetterQueue],
  ])("alarms as soon as the stateful stack's %s dead-letter queue holds a message", (_label, queue) => {
    const queueName = { 'Fn::GetAtt': [logicalIdOf(queue()), 'QueueName'] };
    const alarm = alarms().find(
      (candidate) =>
        candidate.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        candidate.Dimensions?.length === 1 &&
        candidate.Dimensions[0]?.Name === 'QueueName' &&
        JSON.stringify(followImport(candidate.Dimensions[0]?.Value, synthesized.statefulTemplate)) ===
          JSON.stringify(queueName),
    );
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms when poll lag stays above 10 minutes in 2 of 3 periods', () => {
    expect(businessAlarm('PollLagSeconds')).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 600,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Dimensions: [{ Name: 'service', Value: 'konnektive-zapier' }],
    });
  });

  it('alarms when more than 20% of at least 10 hook attempts fail over 15 minutes', () => {
    const alarm = alarms().find((candidate) => candidate.Metrics?.some((metric) => metric.Expression));
    expect(alarm).toMatchObject({
      Threshold: 20,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
    const expression = alarm?.Metrics?.find((metric) => metric.Expression);
    expect(expression?.Expression).toBe(
      'IF((FILL(delivered, 0) + FILL(failed, 0)) >= 10, 100 * FILL(failed, 0) / (FILL(delivered, 0) + FILL(failed, 0)), 0)',
    );
    const inputs = Object.fromEntries(
      (alarm?.Metrics ?? [])
        .filter((metric) => metric.MetricStat)
        .map((metric) => [metric.Id, metric.MetricStat]),
    );
    expect(inputs.delivered).toMatchObject({
      Metric: { MetricName: 'HookDelivered' },
      Period: 900,
      Stat: 'Sum',
    });
    expect(inputs.failed).toMatchObject({ Metric: { MetricName: 'HookFailed' }, Period: 900, Stat: 'Sum' });
  });

  it.each([['auth'], ['not_whitelisted']])(
    'alarms on the first Konnektive %s error within 5 minutes',
    (errorClass) => {
      expect(businessAlarm('KonnektiveErrors', ['errorClass', errorClass])).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Dimensions: expect.arrayContaining([
          { Name: 'service', Value: 'konnektive-zapier' },
          { Name: 'errorClass', Value: errorClass },
        ]),
      });
    },
  );

  it.each(EXPECTED_HANDLERS)('alarms when %s throws', (name) => {
    const functionRef = { Ref: logicalIdOf(synthesized.service.functions[name].function) };
    const alarm = alarms().find(
      (candidate) =>
        candidate.MetricName === 'Errors' &&
        JSON.stringify(candidate.Dimensions) ===
          JSON.stringify([{ Name: 'FunctionName', Value: functionRef }]),
    );
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('has no alarm beyond those (3 DLQs, lag, failure rate, 2 Konnektive classes, 16 functions)', () => {
    expect(alarms()).toHaveLength(3 + 1 + 1 + 2 + EXPECTED_HANDLERS.length);
  });

  it('creates no topic and no subscription of its own (they live in the stateful stack)', () => {
    synthesized.serviceTemplate.resourceCountIs('AWS::SNS::Topic', 0);
    synthesized.serviceTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  describe('dashboard', () => {
    interface Widget {
      properties: { title?: string; metrics?: unknown[][] };
    }
    let widgets: Widget[];
    /** Every graphed metric as "Namespace/Name" plus its dimensions. */
    let graphed: { id: string; dimensions: Record<string, string> }[];

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
          const dimensions: Record<string, string> = {};
          for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i] as string] = rest[i + 1] as string;
          return { id: `${namespace}/${name}`, dimensions };
        }),
      );
    });

    const hasMetric = (id: string, dimensions: Record<string, string> = {}) =>
      graphed.some(
        (metric) =>
          metric.id === id &&
          metric.dimensions.service === 'konnektive-zapier' &&
          Object.entries(dimensions).every(([key, value]) => metric.dimensions[key] === value),
      );

    it.each([
      'Events detected by type',
      'Hook deliveries',
      'Poll lag (max seconds) and poll errors',
      'Konnektive latency (ms)',
      'Konnektive errors by class',
      'Actions: calls (left) and errors (right)',
      'Dead-letter queue depth',
      'Lambda errors',
      'Lambda throttles',
      'Lambda duration p99 (ms)',
    ])('has the widget "%s"', (title) => {
      expect(widgets.map((widget) => widget.properties.title)).toContain(title);
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
      const counters = ['HookDelivered', 'HookFailed', 'HookDeadLettered', 'HookGone', 'PollLagSeconds'];
      for (const metric of [...counters, 'KonnektiveLatency', 'PollErrors', 'EventsPublished']) {
        expect(hasMetric(`KonnektiveZapier/${metric}`), metric).toBe(true);
      }
    });

    it('graphs errors, throttles and duration of all 16 functions and the depth of the 3 dead-letter queues', () => {
      for (const name of ['Errors', 'Throttles', 'Duration']) {
        expect(graphed.filter((metric) => metric.id === `AWS/Lambda/${name}`)).toHaveLength(
          EXPECTED_HANDLERS.length,
        );
      }
      const dlqTitle = widgets.find((widget) => widget.properties.title === 'Dead-letter queue depth');
      expect(dlqTitle?.properties.metrics).toHaveLength(3);
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
