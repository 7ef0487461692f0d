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
    stack = new StatefulStack(new App(), 'Stateful');
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
      new StatefulStack(new App(), 'Custom', { archiveRetention: Duration.days(90) }),
    );
    custom.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });

  it('derives the bus name from the stack, so stages never share a bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: Match.stringLikeRegexp('^Stateful'),
    });
  });
});
