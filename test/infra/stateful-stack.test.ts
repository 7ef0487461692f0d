import { App, Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableKey } from '../../functions/adapters/dynamodb/tables.js';
import { StatefulStack } from '../../lib/stateful-stack.js';
import { logicalIdOf, resourceOf } from './support.js';

describe('StatefulStack', () => {
  let stack: StatefulStack;
  let template: Template;

  beforeAll(() => {
    stack = new StatefulStack(new App(), 'Stateful', {
      azCount: 2,
      alarmSubscribers: {
        page: { emails: ['oncall@example.com'], httpsEndpoints: ['https://events.pagerduty.example/x'] },
        ticket: { emails: ['ops@example.com', 'dev@example.com'], httpsEndpoints: [] },
      },
    });
    template = Template.fromStack(stack);
  });

  it('creates exactly one table per definition in functions/adapters/dynamodb/tables.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(TABLES).length);
  });

  describe.each(Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][])(
    'table %s',
    (key, definition) => {
      it('has the key schema of its definition', () => {
        const keySchema: { AttributeName: string; KeyType: string }[] = [
          { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        ];
        const attributes: { AttributeName: string; AttributeType: string }[] = [
          { AttributeName: definition.partitionKey.name, AttributeType: definition.partitionKey.type },
        ];
        if ('sortKey' in definition) {
          keySchema.push({ AttributeName: definition.sortKey.name, KeyType: 'RANGE' });
          attributes.push({ AttributeName: definition.sortKey.name, AttributeType: definition.sortKey.type });
        }
        const table = resourceOf(template, logicalIdOf(stack.tables[key]));
        expect(table.Properties?.KeySchema).toEqual(keySchema);
        expect(table.Properties?.AttributeDefinitions).toEqual(attributes);
      });

      it('is on-demand, point-in-time recoverable, deletion-protected and retained', () => {
        const table = resourceOf(template, logicalIdOf(stack.tables[key]));
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        expect(table.Properties).toMatchObject({
          BillingMode: 'PAY_PER_REQUEST',
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        });
      });

      it(`has TTL ${'ttlAttribute' in definition ? `on ${definition.ttlAttribute}` : 'off'}`, () => {
        const table = resourceOf(template, logicalIdOf(stack.tables[key]));
        if ('ttlAttribute' in definition) {
          expect(table.Properties?.TimeToLiveSpecification).toEqual({
            AttributeName: definition.ttlAttribute,
            Enabled: true,
          });
        } else {
          expect(table.Properties?.TimeToLiveSpecification).toBeUndefined();
        }
      });

      it('has no hard-coded physical name', () => {
        expect(resourceOf(template, logicalIdOf(stack.tables[key])).Properties?.TableName).toBeUndefined();
      });
    },
  );

  it('has a rotating credentials key that survives stack deletion', () => {
    const key = resourceOf(template, logicalIdOf(stack.credentialsKey));
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    template.resourceCountIs('AWS::KMS::Alias', 0);
  });

  it('archives every event the poller publishes for 30 days of replay', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.eventBus), 'Arn'] },
      EventPattern: { source: ['konnektive-zapier'] },
      RetentionDays: 30,
    });
  });

  it('lets the archive retention be configured', () => {
    const custom = Template.fromStack(
      new StatefulStack(new App(), 'Custom', { azCount: 2, archiveRetention: Duration.days(90) }),
    );
    custom.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });

  it('derives the bus name from the stack, so stages never share a bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: Match.stringLikeRegexp('^Stateful'),
    });
  });

  describe('egress Elastic IPs', () => {
    it('allocates one VPC Elastic IP per AZ', () => {
      template.resourceCountIs('AWS::EC2::EIP', 2);
      expect(stack.elasticIps).toHaveLength(2);
      for (const eip of stack.elasticIps) {
        expect(resourceOf(template, logicalIdOf(eip)).Properties).toMatchObject({ Domain: 'vpc' });
      }
    });

    it('keeps every Elastic IP when the stack is deleted or the resource replaced', () => {
      for (const eip of stack.elasticIps) {
        const resource = resourceOf(template, logicalIdOf(eip));
        expect(resource.DeletionPolicy).toBe('Retain');
        expect(resource.UpdateReplacePolicy).toBe('Retain');
      }
    });

    it('names each Elastic IP after the stack and its ordinal, without pinning an address', () => {
      stack.elasticIps.forEach((eip, index) => {
        const properties = resourceOf(template, logicalIdOf(eip)).Properties;
        expect(properties?.Tags).toEqual([{ Key: 'Name', Value: `Stateful-egress-${index + 1}` }]);
        expect(properties?.Address).toBeUndefined();
        expect(properties?.PublicIpv4Pool).toBeUndefined();
      });
    });

    it('hands the service its allocation ids and public addresses, in the same order', () => {
      expect(stack.egressAddresses.map((address) => stack.resolve(address))).toEqual(
        stack.elasticIps.map((eip) => ({
          allocationId: { 'Fn::GetAtt': [logicalIdOf(eip), 'AllocationId'] },
          publicIp: { 'Fn::GetAtt': [logicalIdOf(eip), 'PublicIp'] },
        })),
      );
    });

    it('outputs the addresses, comma-separated, as EgressIps', () => {
      template.hasOutput('EgressIps', {
        Value: {
          'Fn::Join': [
            ',',
            stack.elasticIps.map((eip) => ({ 'Fn::GetAtt': [logicalIdOf(eip), 'PublicIp'] })),
          ],
        },
      });
    });

    it('follows azCount', () => {
      const single = Template.fromStack(new StatefulStack(new App(), 'Single', { azCount: 1 }));
      single.resourceCountIs('AWS::EC2::EIP', 1);
    });

    it.each([0, -1, 1.5])('rejects azCount %s', (azCount) => {
      expect(() => new StatefulStack(new App(), 'Bad', { azCount })).toThrow(
        /azCount must be a positive integer/,
      );
    });
  });

  describe('alarm topics', () => {
    const topicRef = (route: 'page' | 'ticket') => ({ Ref: logicalIdOf(stack.alarmTopics[route]) });

    it.each([
      ['page', 'email', 'oncall@example.com'],
      ['page', 'https', 'https://events.pagerduty.example/x'],
      ['ticket', 'email', 'ops@example.com'],
      ['ticket', 'email', 'dev@example.com'],
    ] as const)('subscribes the %s topic to %s %s', (route, protocol, endpoint) => {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        TopicArn: topicRef(route),
        Protocol: protocol,
        Endpoint: endpoint,
      });
    });

    it('subscribes no one else', () => {
      template.resourceCountIs('AWS::SNS::Subscription', 4);
    });

    it.each(['page', 'ticket'] as const)(
      'lets only TLS publish to the %s topic, and this account’s CloudWatch alarms',
      (route) => {
        template.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [topicRef(route)],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sns:Publish',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
              Match.objectLike({
                Effect: 'Allow',
                Action: 'sns:Publish',
                Principal: { Service: 'cloudwatch.amazonaws.com' },
                Condition: Match.objectLike({
                  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                }),
              }),
            ]),
          },
        });
      },
    );

    it.each([
      ['PageTopicArn', 'page'],
      ['TicketTopicArn', 'ticket'],
    ] as const)('outputs %s', (output, route) => {
      template.hasOutput(output, { Value: topicRef(route) });
    });

    it('creates both topics without subscribers when none are configured', () => {
      const quiet = Template.fromStack(new StatefulStack(new App(), 'Quiet', { azCount: 1 }));
      quiet.resourceCountIs('AWS::SNS::Topic', 2);
      quiet.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('queues', () => {
    const queues = () => ({
      delivery: stack.delivery.queue,
      'delivery dead-letter': stack.delivery.deadLetterQueue,
      'poll dead-letter': stack.pollDeadLetters.pollDeadLetterQueue,
      'schedule dead-letter': stack.pollDeadLetters.scheduleDeadLetterQueue,
    });

    it('holds the delivery queue and every dead-letter queue', () => {
      template.resourceCountIs('AWS::SQS::Queue', 4);
      expect(stack.queues).toEqual({
        delivery: stack.delivery.queue,
        deliveryDeadLetter: stack.delivery.deadLetterQueue,
        pollDeadLetter: stack.pollDeadLetters.pollDeadLetterQueue,
        scheduleDeadLetter: stack.pollDeadLetters.scheduleDeadLetterQueue,
      });
    });

    it.each(['delivery', 'delivery dead-letter', 'poll dead-letter', 'schedule dead-letter'] as const)(
      'keeps the %s queue (and its messages) when the stack is deleted or the queue replaced',
      (name) => {
        const queue = resourceOf(template, logicalIdOf(queues()[name]));
        expect(queue.DeletionPolicy).toBe('Retain');
        expect(queue.UpdateReplacePolicy).toBe('Retain');
        expect(queue.Properties?.QueueName).toBeUndefined();
      },
    );

    it('routes the bus to the delivery queue from this stack, so a service replacement loses no event', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalIdOf(stack.eventBus) },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack.delivery.queue), 'Arn'] } })],
      });
    });
  });

  describe('custom domain', () => {
    const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f3e6f6e-1111-2222-3333-444455556666';
    const withDomain = (hostedZone?: { id: string; name: string }) => {
      const domainStack = new StatefulStack(new App(), 'Domain', {
        env: { account: '123456789012', region: 'eu-west-1' },
        azCount: 1,
        customDomain: {
          domainName: 'zapier-api.example.com',
          certificateArn: CERTIFICATE,
          ...(hostedZone ? { hostedZone } : {}),
        },
      });
      return { domainStack, domainTemplate: Template.fromStack(domainStack) };
    };

    it('creates a regional TLS 1.2 API domain on the committed certificate (no lookup)', () => {
      const { domainTemplate } = withDomain();
      domainTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: 'zapier-api.example.com',
        DomainNameConfigurations: [
          Match.objectLike({
            CertificateArn: CERTIFICATE,
            EndpointType: 'REGIONAL',
            SecurityPolicy: 'TLS_1_2',
          }),
        ],
      });
    });

    it('aliases the name to the domain in the committed hosted zone', () => {
      const { domainStack, domainTemplate } = withDomain({
        id: 'Z0123456789ABCDEFGHIJ',
        name: 'example.com',
      });
      const domainId = logicalIdOf(domainStack.apiDomain as NonNullable<typeof domainStack.apiDomain>);
      domainTemplate.hasResourceProperties('AWS::Route53::RecordSet', {
        HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        Name: 'zapier-api.example.com.',
        Type: 'A',
        AliasTarget: {
          DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
          HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
        },
      });
      expect(domainTemplate.findOutputs('ApiDomainTarget')).toEqual({});
    });

    it('outputs the target to point DNS at when no hosted zone is given', () => {
      const { domainStack, domainTemplate } = withDomain();
      const domainId = logicalIdOf(domainStack.apiDomain as NonNullable<typeof domainStack.apiDomain>);
      domainTemplate.resourceCountIs('AWS::Route53::RecordSet', 0);
      domainTemplate.hasOutput('ApiDomainTarget', {
        Value: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
      });
    });

    it('creates no domain when none is configured', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
      expect(stack.apiDomain).toBeUndefined();
    });
  });
});
