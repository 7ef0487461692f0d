/**
 * The ops commands against a stage: CloudFormation, SQS and EventBridge mocked at the SDK boundary (no local
 * emulator), the tables on DynamoDB Local.
 */
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { TABLES, type TableKey } from '../../functions/adapters/dynamodb/tables.js';
import type { DetectedEvent } from '../../functions/core/model.js';
import { deliveryMessageSchema } from '../../functions/core/triggers/schemas.js';
import { awsBackend } from '../../scripts/ops/aws-backend.js';
import { OpsError } from '../../scripts/ops/backend.js';
import { createTestTables, type TestTables } from '../adapters/dynamodb/support.js';

const cfn = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);
const events = mockClient(EventBridgeClient);

const URL = (name: string) => `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
const QUEUES = {
  DeliveryQueue: URL('delivery'),
  DeliveryDeadLetterQueue: URL('delivery-dlq'),
  PollerPollDeadLetterQueue: URL('poll-dlq'),
  PollerScheduleDeadLetterQueue: URL('schedule-dlq'),
};
const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/kz-bus';
const TMP_QUEUE = URL('kz-ops-replay-test');

let tables: TestTables;
beforeAll(async () => {
  tables = await createTestTables('ops-aws');
  const stores = createDynamoDbStores({ client: tables.doc, tableNames: tables.names });
  await stores.connections.upsert(
    {
      connectionId: 'conn_1',
      loginId: 'api-user',
      encryptedPassword: 'ciphertext',
      timeZone: 'UTC',
      label: 'Store',
      status: 'invalid',
    },
    new Date('2026-11-25T12:00:00Z'),
  );
  for (const id of ['sub_1', 'sub_2']) {
    await stores.subscriptions.put({
      subscriptionId: id,
      connectionId: 'conn_1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: `https://hooks.zapier.com/hooks/catch/1/${id}/`,
      createdAt: '2026-11-25T12:00:00.000Z',
    });
  }
});
afterAll(() => tables.dispose());

const summary = (logicalId: string, type: string, physicalId: string) => ({
  LogicalResourceId: `${logicalId}A1B2C3D4`,
  PhysicalResourceId: physicalId,
  ResourceType: type,
  ResourceStatus: 'CREATE_COMPLETE' as const,
  LastUpdatedTimestamp: new Date(),
});

beforeEach(() => {
  cfn.reset();
  sqs.reset();
  events.reset();
  cfn.on(ListStackResourcesCommand, { StackName: 'KonnektiveZapier-test-Stateful' }).resolves({
    StackResourceSummaries: [
      ...(Object.keys(TABLES) as TableKey[]).map((key) =>
        summary(TABLES[key].id, 'AWS::DynamoDB::Table', tables.names[key]),
      ),
      ...Object.entries(QUEUES).map(([id, url]) => summary(id, 'AWS::SQS::Queue', url)),
      summary('EventBus', 'AWS::Events::EventBus', 'kz-bus'),
      summary('EventArchive', 'AWS::Events::Archive', 'kz-archive'),
    ],
  });
  cfn.on(ListStackResourcesCommand, { StackName: 'KonnektiveZapier-test-Service' }).resolves({
    StackResourceSummaries: [summary('PollerPollQueue', 'AWS::SQS::Queue', URL('polls'))],
  });
});

const backend = () =>
  awsBackend({
    stage: 'test',
    region: 'us-east-1',
    clients: {
      cloudFormation: new CloudFormationClient({ region: 'us-east-1' }),
      documents: tables.doc,
      sqs: new SQSClient({ region: 'us-east-1' }),
      events: new EventBridgeClient({ region: 'us-east-1' }),
    },
    replay: { sleep: async () => undefined, replayName: 'kz-ops-replay-test' },
  });

const event = (eventId: string): DetectedEvent => ({
  eventId,
  connectionId: 'conn_1',
  trigger: 'order',
  type: 'NEW_SALE',
  recordId: eventId,
  occurredAt: '2026-11-25T12:30:00.000Z',
  detectedAt: '2026-11-25T12:30:05.000Z',
  payload: {
    id: eventId,
    event: 'order.new_sale',
    occurredAt: '2026-11-25T12:30:00.000Z',
    connection: 'Store',
  },
});
const deadLetter = (id: string) => ({
  MessageId: id,
  ReceiptHandle: `rh-${id}`,
  Body: JSON.stringify({
    event: event(id),
    targets: ['sub_1'],
    attempt: 50,
    firstAttemptAt: '2026-11-21T12:00:00Z',
  }),
  Attributes: { SentTimestamp: String(Date.parse('2026-11-25T12:00:00Z')) },
  MessageAttributes: { reason: { DataType: 'String', StringValue: 'retries exhausted' } },
});

describe('awsBackend', () => {
  it('resolves the stage from its stacks and lists connections from its tables; retests one', async () => {
    const ops = await backend();
    const [connection] = await ops.listConnections();
    expect(connection).toMatchObject({
      connectionId: 'conn_1',
      status: 'invalid',
      subscriptions: { total: 2, byType: { 'order.NEW_SALE': 2 } },
      streams: [{ stream: 'orders', subscriptions: 2, lease: 'free' }],
    });
    expect(JSON.stringify(connection)).not.toContain('ciphertext');
    expect(await ops.retestConnection('conn_1')).toMatchObject({ marked: true });
    expect((await ops.listConnections())[0]?.retestRequestedAt).toBeDefined();
    await expect(ops.retestConnection('conn_none')).rejects.toThrow(new OpsError('No connection conn_none'));
    ops.close();
  });

  it('fails in one line when a stack cannot be read', async () => {
    cfn.on(ListStackResourcesCommand, { StackName: 'KonnektiveZapier-test-Service' }).rejects(
      Object.assign(new Error('Stack with id KonnektiveZapier-test-Service does not exist'), {
        name: 'ValidationError',
      }),
    );
    await expect(backend()).rejects.toThrow(
      new OpsError(
        'cannot read stack KonnektiveZapier-test-Service: ValidationError: Stack with id KonnektiveZapier-test-Service does not exist',
      ),
    );
  });

  it('dlq list: counts every queue and samples one, releasing what it received', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        ApproximateNumberOfMessages: '2',
        ApproximateNumberOfMessagesNotVisible: '1',
        ApproximateNumberOfMessagesDelayed: '0',
      },
    });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    sqs
      .on(ReceiveMessageCommand, { QueueUrl: QUEUES.DeliveryDeadLetterQueue })
      .resolvesOnce({ Messages: [deadLetter('e1'), deadLetter('e2')] })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    const ops = await backend();
    const reports = await ops.listDeadLetters({ sample: 5 });
    expect(reports.map((r) => [r.queue, r.count, r.sample.length])).toEqual([
      ['delivery', 3, 2],
      ['poll', 3, 0],
      ['schedule', 3, 0],
    ]);
    expect(reports[0]?.sample[0]).toMatchObject({ eventId: 'e1', reason: 'retries exhausted', attempt: 50 });
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand);
    expect(released.map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: QUEUES.DeliveryDeadLetterQueue,
        Entries: [
          { Id: '0', ReceiptHandle: 'rh-e1', VisibilityTimeout: 0 },
          { Id: '1', ReceiptHandle: 'rh-e2', VisibilityTimeout: 0 },
        ],
      },
    ]);
    ops.close();
  });

  it('dlq redrive: sends to the source queue, then deletes; poll dead letters go to the poll queue; schedule refused', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    sqs
      .on(ReceiveMessageCommand, { QueueUrl: QUEUES.PollerPollDeadLetterQueue })
      .resolvesOnce({
        Messages: [
          { MessageId: 'p1', ReceiptHandle: 'rh-p1', Body: '{"connectionId":"conn_1","stream":"orders"}' },
        ],
      })
      .resolves({ Messages: [] });
    sqs
      .on(ReceiveMessageCommand, { QueueUrl: QUEUES.DeliveryDeadLetterQueue })
      .resolvesOnce({ Messages: [deadLetter('e1'), deadLetter('e2')] })
      .resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    const ops = await backend();
    expect(await ops.redriveDeadLetters({ queue: 'delivery', max: 10, fresh: false })).toEqual({
      queue: 'delivery',
      redriven: 2,
      fresh: false,
      remaining: 0,
    });
    const [sent] = sqs.commandCalls(SendMessageBatchCommand);
    expect(sent?.args[0].input.QueueUrl).toBe(QUEUES.DeliveryQueue);
    expect(sent?.args[0].input.Entries?.map((entry) => entry.MessageBody)).toEqual([
      deadLetter('e1').Body,
      deadLetter('e2').Body,
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input.ReceiptHandle)).toEqual([
      'rh-e1',
      'rh-e2',
    ]);

    await ops.redriveDeadLetters({ queue: 'poll', max: 10, fresh: false });
    expect(sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.QueueUrl).toBe(URL('polls'));

    await expect(ops.redriveDeadLetters({ queue: 'schedule', max: 10, fresh: false })).rejects.toThrow(
      /^schedule dead letters are missed scheduler ticks/,
    );
    ops.close();
  });

  const replayMocks = () => {
    events.on(DescribeArchiveCommand).resolves({ EventSourceArn: BUS_ARN });
    events
      .on(PutRuleCommand)
      .resolves({ RuleArn: 'arn:aws:events:us-east-1:123456789012:rule/kz-bus/kz-ops-replay-test' });
    events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
    events.on(StartReplayCommand).resolves({ State: 'STARTING' });
    events.on(RemoveTargetsCommand).resolves({});
    events.on(DeleteRuleCommand).resolves({});
    sqs.on(CreateQueueCommand).resolves({ QueueUrl: TMP_QUEUE });
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: TMP_QUEUE })
      .resolves({ Attributes: { QueueArn: 'arn:aws:sqs:us-east-1:123456789012:kz-ops-replay-test' } });
    sqs.on(SetQueueAttributesCommand).resolves({});
    sqs.on(DeleteQueueCommand).resolves({});
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  };
  const envelope = (e: DetectedEvent) =>
    JSON.stringify({
      version: '0',
      source: 'konnektive-zapier',
      'detail-type': 'KonnektiveEventDetected',
      'replay-name': 'kz-ops-replay-test',
      detail: e,
    });

  it('replay: the archive replayed through a temporary rule and queue to the named subscription only, then removed', async () => {
    replayMocks();
    events.on(DescribeReplayCommand).resolvesOnce({ State: 'RUNNING' }).resolves({ State: 'COMPLETED' });
    sqs
      .on(ReceiveMessageCommand, { QueueUrl: TMP_QUEUE })
      .resolvesOnce({ Messages: [] })
      .resolvesOnce({
        Messages: [
          { MessageId: 'm1', ReceiptHandle: 'r1', Body: envelope(event('e1')) },
          { MessageId: 'm2', ReceiptHandle: 'r2', Body: envelope(event('e2')) },
        ],
      })
      .resolves({ Messages: [] });
    const ops = await backend();
    const result = await ops.replay({
      from: '2026-11-25T12:00:00Z',
      to: '2026-11-25T13:00:00Z',
      subscriptionId: 'sub_2',
    });
    expect(result).toMatchObject({
      queued: 2,
      subscriptionId: 'sub_2',
      connectionId: 'conn_1',
      eventIds: ['e1', 'e2'],
    });

    const [rule] = events.commandCalls(PutRuleCommand);
    expect(JSON.parse(rule?.args[0].input.EventPattern ?? '{}')).toEqual({
      'replay-name': ['kz-ops-replay-test'],
      source: ['konnektive-zapier'],
      detail: { connectionId: ['conn_1'], trigger: ['order'], type: ['NEW_SALE'] },
    });
    const policy = JSON.parse(
      sqs.commandCalls(SetQueueAttributesCommand)[0]?.args[0].input.Attributes?.Policy ?? '{}',
    );
    expect(policy.Statement[0].Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/kz-bus/kz-ops-replay-test' },
    });
    expect(events.commandCalls(StartReplayCommand)[0]?.args[0].input).toMatchObject({
      ReplayName: 'kz-ops-replay-test',
      EventSourceArn: BUS_ARN,
      EventStartTime: new Date('2026-11-25T12:00:00Z'),
      EventEndTime: new Date('2026-11-25T13:00:00Z'),
      Destination: {
        Arn: BUS_ARN,
        FilterArns: ['arn:aws:events:us-east-1:123456789012:rule/kz-bus/kz-ops-replay-test'],
      },
    });
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => {
      expect(call.args[0].input.QueueUrl).toBe(QUEUES.DeliveryQueue);
      return (call.args[0].input.Entries ?? []).map((entry) =>
        deliveryMessageSchema.parse(JSON.parse(entry.MessageBody ?? '')),
      );
    });
    expect(sent.map((m) => [m.event.eventId, m.targets, m.redeliver, m.attempt])).toEqual([
      ['e1', ['sub_2'], true, 1],
      ['e2', ['sub_2'], true, 1],
    ]);
    expect(events.commandCalls(RemoveTargetsCommand)).toHaveLength(1);
    expect(events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteQueueCommand)[0]?.args[0].input.QueueUrl).toBe(TMP_QUEUE);
    ops.close();
  });

  it('replay: a failed replay is one line, and the temporary rule and queue are still removed', async () => {
    replayMocks();
    events.on(DescribeReplayCommand).resolves({ State: 'FAILED', StateReason: 'archive is being deleted' });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    const ops = await backend();
    await expect(
      ops.replay({ from: '2026-11-25T12:00:00Z', to: '2026-11-25T13:00:00Z', subscriptionId: 'sub_1' }),
    ).rejects.toThrow(
      new OpsError('replay: ReplayFailedError: replay kz-ops-replay-test FAILED: archive is being deleted'),
    );
    expect(events.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    await expect(
      ops.replay({ from: '2026-11-25T12:00:00Z', to: '2026-11-25T13:00:00Z', subscriptionId: 'sub_nope' }),
    ).rejects.toThrow(new OpsError('No subscription sub_nope'));
    ops.close();
  });
});
