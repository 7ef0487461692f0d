import { Capture, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_DETAIL_TYPE as PUBLISHED_DETAIL_TYPE,
  EVENT_SOURCE as PUBLISHED_SOURCE,
} from '../../functions/adapters/eventbridge/event-bridge-publisher.js';
import { DEFAULT_RETRY_SCHEDULE } from '../../functions/core/triggers/settings.js';
import type { HandlerName } from '../../functions/handlers/catalog.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/platform/telemetry.js';
import {
  DELIVER_FUNCTION_TIMEOUT,
  DELIVER_MAX_CONCURRENCY,
  DELIVERY_MAX_RECEIVE_COUNT,
} from '../../lib/constructs/hook-delivery.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../../lib/stateful-stack.js';
import {
  environmentOf,
  followImport,
  logicalIdOf,
  referencedId,
  resourceOf,
  type SynthesizedApp,
  synthesize,
} from './support.js';

/** The routes of docs/http-api.md and the handler behind each. */
const ROUTES: [string, HandlerName][] = [
  ['POST /sessions', 'create-session'],
  ['GET /me', 'get-me'],
  ['DELETE /sessions/current', 'revoke-session'],
  ['POST /subscriptions', 'create-subscription'],
  ['GET /subscriptions', 'list-subscriptions'],
  ['DELETE /subscriptions/{id}', 'delete-subscription'],
  ['GET /triggers/{trigger}/samples', 'get-samples'],
  ['POST /actions/{action}', 'run-action'],
  ['GET /orders', 'find-orders'],
  ['GET /customers', 'find-customers'],
  ['GET /campaigns', 'list-campaigns'],
  ['GET /campaigns/{campaignId}/products', 'list-campaign-products'],
  ['POST /contract-probe', 'probe-contract'],
  ['GET /openapi.json', 'get-openapi'],
];

describe('wiring', () => {
  let synthesized: SynthesizedApp;
  const fnId = (name: HandlerName) => logicalIdOf(synthesized.service.functions[name].function);
  /** A value of the service template with a cross-stack import replaced by what the stateful stack exports. */
  const imported = (value: unknown) => followImport(value, synthesized.statefulTemplate);

  beforeAll(() => {
    synthesized = synthesize();
  });

  describe('HTTP API', () => {
    it('has exactly the documented routes', () => {
      const routes = Object.values(synthesized.serviceTemplate.findResources('AWS::ApiGatewayV2::Route'));
      expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(
        ROUTES.map(([key]) => key).sort(),
      );
    });

    it.each(ROUTES)('sends %s to %s', (routeKey, name) => {
      const template = synthesized.serviceTemplate;
      const route = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).find(
        (candidate) => candidate.Properties.RouteKey === routeKey,
      );
      const target = route?.Properties.Target as { 'Fn::Join': [string, unknown[]] };
      const integrationId = referencedId(target['Fn::Join'][1][1]);
      const integration = resourceOf(template, integrationId ?? '');
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId(name), 'Arn'] },
      });
    });

    it('throttles every route, and the unauthenticated session route harder', () => {
      synthesized.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        RouteSettings: { 'POST /sessions': { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 } },
      });
    });

    it('writes JSON access logs without headers or bodies to a log group with retention', () => {
      const { serviceTemplate: template, service } = synthesized;
      const logGroupId = logicalIdOf(service.api.accessLogGroup);
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
      expect(stage?.Properties.AccessLogSettings.DestinationArn).toEqual({
        'Fn::GetAtt': [logGroupId, 'Arn'],
      });
      const format = JSON.parse(stage?.Properties.AccessLogSettings.Format as string) as Record<
        string,
        string
      >;
      expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey' });
      expect(Object.values(format).some((value) => /header|body|authorization/i.test(value))).toBe(false);
      expect(resourceOf(template, logGroupId).Properties).toMatchObject({ RetentionInDays: 30 });
    });

    it('outputs the API URL', () => {
      synthesized.serviceTemplate.hasOutput('ApiUrl', {
        Value: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([{ Ref: logicalIdOf(synthesized.service.api.httpApi) }])],
        }),
      });
    });
  });

  describe('custom domain', () => {
    const DOMAIN = {
      domainName: 'zapier-api.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f3e6f6e-1111-2222-3333-444455556666',
    };

    it("maps the API's default stage onto the stateful stack's domain and outputs https://<domain>/ as ApiUrl", () => {
      const variant = synthesize({ customDomain: DOMAIN }, { bundle: false });
      variant.statefulTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 1);
      variant.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
      variant.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
        DomainName: 'zapier-api.example.com',
        ApiId: { Ref: logicalIdOf(variant.service.api.httpApi) },
        Stage: '$default',
      });
      variant.serviceTemplate.hasOutput('ApiUrl', { Value: 'https://zapier-api.example.com/' });
      expect(variant.service.dependencies).toContain(variant.stateful);
    });

    it('maps nothing without a custom domain', () => {
      synthesized.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    });
  });

  describe('polling', () => {
    it("ticks the dispatcher every minute with a bounded retry policy and the stateful stack's dead-letter queue", () => {
      const { serviceTemplate: template, stateful } = synthesized;
      const deadLetterArn = new Capture();
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [fnId('dispatch-polls'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: deadLetterArn },
          RoleArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        },
      });
      expect(imported(deadLetterArn.asObject())).toEqual({
        'Fn::GetAtt': [logicalIdOf(stateful.pollDeadLetters.scheduleDeadLetterQueue), 'Arn'],
      });
    });

    it('carries the poll cadence of the stage into the dispatcher (10 s by default, within a 60 s tick)', () => {
      const cadence = (app: typeof synthesized) => {
        const variables = environmentOf(
          app.serviceTemplate,
          logicalIdOf(app.service.functions['dispatch-polls'].function),
        );
        return [variables.POLL_INTERVAL_SECONDS, variables.SCHEDULER_TICK_SECONDS];
      };
      expect(cadence(synthesized)).toEqual(['10', '60']);
      const variant = synthesize({ pollIntervalSeconds: 15 }, { bundle: false });
      expect(variant.service.pollIntervalSeconds).toBe(15);
      expect(cadence(variant)).toEqual(['15', '60']);
    });

    it('gives the poller and the stream monitor one lease, far shorter than the poll function timeout', () => {
      const { serviceTemplate: template } = synthesized;
      const lease = environmentOf(template, fnId('poll-stream')).POLL_LEASE_SECONDS;
      expect(lease).toBe('30');
      expect(environmentOf(template, fnId('monitor-streams')).POLL_LEASE_SECONDS).toBe(lease);
      const timeout = resourceOf(template, fnId('poll-stream')).Properties?.Timeout as number;
      expect(Number(lease)).toBeLessThan(timeout);
      expect(Number(lease) * 3).toBeLessThan(timeout);
      expect(environmentOf(template, fnId('poll-stream')).POLL_SETTLE_SECONDS).toBe('2');
    });

    it('does not retry a failed dispatch at the Lambda level (the next tick re-dispatches)', () => {
      synthesized.serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId('dispatch-polls') },
        MaximumRetryAttempts: 0,
      });
    });

    it('feeds poll requests one at a time to the poller, with partial batch failures and a dead-letter queue', () => {
      const { serviceTemplate: template, service, stateful } = synthesized;
      const queue = resourceOf(template, logicalIdOf(service.poller.pollQueue)).Properties as {
        VisibilityTimeout: number;
        RedrivePolicy: { deadLetterTargetArn: unknown; maxReceiveCount: number };
      };
      expect(queue.VisibilityTimeout).toBe(6 * 300);
      expect(queue.RedrivePolicy.maxReceiveCount).toBe(3);
      expect(imported(queue.RedrivePolicy.deadLetterTargetArn)).toEqual({
        'Fn::GetAtt': [logicalIdOf(stateful.pollDeadLetters.pollDeadLetterQueue), 'Arn'],
      });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId('poll-stream') },
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(service.poller.pollQueue), 'Arn'] },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('tells the dispatcher its queue and the poller its bus', () => {
      const { serviceTemplate: template, service, statefulTemplate } = synthesized;
      const variables = (name: HandlerName) => environmentOf(template, fnId(name));
      expect(variables('dispatch-polls').POLL_QUEUE_URL).toEqual({
        Ref: logicalIdOf(service.poller.pollQueue),
      });
      expect(followImport(variables('poll-stream').EVENT_BUS_NAME, statefulTemplate)).toEqual({
        Ref: logicalIdOf(synthesized.stateful.eventBus),
      });
    });
  });

  describe('delivery', () => {
    it('routes detected events from the bus to the delivery queue, with a dead-letter queue for the rule, all in the stateful stack', () => {
      const { statefulTemplate: template, stateful } = synthesized;
      synthesized.serviceTemplate.resourceCountIs('AWS::Events::Rule', 0);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalIdOf(stateful.eventBus) },
        EventPattern: { source: ['konnektive-zapier'], 'detail-type': ['KonnektiveEventDetected'] },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalIdOf(stateful.delivery.queue), 'Arn'] },
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [logicalIdOf(stateful.delivery.deadLetterQueue), 'Arn'] },
            },
          }),
        ],
      });
    });

    it('lets only the rule send to the delivery queue, over TLS', () => {
      const { statefulTemplate: template, stateful } = synthesized;
      const ruleId = logicalIdOf(stateful.delivery.rule);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(stateful.delivery.queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
            }),
          ]),
        },
      });
    });

    it('lets no crash loop dead-letter a message before the retry horizon: receives × visibility ≥ horizon', () => {
      const { serviceTemplate, statefulTemplate, stateful } = synthesized;
      const deliverTimeout = resourceOf(serviceTemplate, fnId('deliver-events')).Properties
        ?.Timeout as number;
      const queue = resourceOf(statefulTemplate, logicalIdOf(stateful.delivery.queue)).Properties as {
        VisibilityTimeout: number;
        MessageRetentionPeriod: number;
        RedrivePolicy: { deadLetterTargetArn: unknown; maxReceiveCount: number };
      };
      expect(deliverTimeout).toBe(DELIVER_FUNCTION_TIMEOUT.toSeconds());
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * deliverTimeout);
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(stateful.delivery.deadLetterQueue), 'Arn'] },
        maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT,
      });
      // A copy is received again only after a failed or crashed invocation, once per visibility timeout.
      const crashLoopSeconds = queue.RedrivePolicy.maxReceiveCount * queue.VisibilityTimeout;
      expect(crashLoopSeconds).toBeGreaterThanOrEqual(DEFAULT_RETRY_SCHEDULE.horizonMs / 1000);
      expect(DEFAULT_RETRY_SCHEDULE.horizonMs).toBeGreaterThanOrEqual(3 * 24 * 3_600_000);
      // Every copy outlives its crash loop; delayed copies wait at most 15 min.
      expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(queue.MessageRetentionPeriod).toBeGreaterThan(crashLoopSeconds);
      expect(
        resourceOf(statefulTemplate, logicalIdOf(stateful.delivery.deadLetterQueue)).Properties
          ?.MessageRetentionPeriod,
      ).toBe(14 * 24 * 3600);
    });

    it("feeds the deliverer ten messages at a time, capped in concurrency, from the stateful stack's queue, with partial batch failures", () => {
      const { serviceTemplate: template, stateful } = synthesized;
      const sourceArn = new Capture();
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId('deliver-events') },
        EventSourceArn: sourceArn,
        BatchSize: 10,
        ScalingConfig: { MaximumConcurrency: DELIVER_MAX_CONCURRENCY },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(imported(sourceArn.asObject())).toEqual({
        'Fn::GetAtt': [logicalIdOf(stateful.delivery.queue), 'Arn'],
      });
      expect(DELIVER_MAX_CONCURRENCY).toBeGreaterThanOrEqual(2);
      expect(DELIVER_MAX_CONCURRENCY).toBeLessThanOrEqual(1000);
    });

    it('gives the deliverer its hook-rate table: one rate per hook URL across every container', () => {
      const { serviceTemplate: template } = synthesized;
      expect(environmentOf(template, fnId('deliver-events')).HOOK_RATES_TABLE).toBeDefined();
    });

    it('tells the deliverer its queue and dead-letter queue', () => {
      const { serviceTemplate: template, stateful } = synthesized;
      const variables = environmentOf(template, fnId('deliver-events'));
      expect(imported(variables.DELIVERY_QUEUE_URL)).toEqual({ Ref: logicalIdOf(stateful.delivery.queue) });
      expect(imported(variables.DELIVERY_DLQ_URL)).toEqual({
        Ref: logicalIdOf(stateful.delivery.deadLetterQueue),
      });
    });
  });

  it.each([
    ['service', 1],
    ['stateful', 4],
  ] as const)(
    'encrypts every queue of the %s stack (%i) and refuses non-TLS access to it',
    (stack, count) => {
      const template = stack === 'service' ? synthesized.serviceTemplate : synthesized.statefulTemplate;
      const queues = template.findResources('AWS::SQS::Queue');
      expect(Object.keys(queues)).toHaveLength(count);
      for (const [id, queue] of Object.entries(queues)) {
        expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    },
  );
  it('uses the event source, detail type, namespace and service name the functions use', () => {
    expect(EVENT_SOURCE).toBe(PUBLISHED_SOURCE);
    expect(EVENT_DETAIL_TYPE).toBe(PUBLISHED_DETAIL_TYPE);
    expect(METRICS_NAMESPACE).toBe('KonnektiveZapier');
    expect(SERVICE_NAME).toBe('konnektive-zapier');
  });
});
