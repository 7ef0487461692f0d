import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeliveryQueue, SqsPollRequestQueue } from '../../../functions/adapters/sqs/sqs-queues.js';
import { type DeliveryMessage, deliveryMessageSchema } from '../../../functions/core/triggers/schemas.js';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());
const client = () => new SQSClient({ region: 'us-east-1' });

describe('SqsPollRequestQueue', () => {
  it('sends poll requests in batches of 10', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const requests = Array.from({ length: 12 }, (_, i) => ({
      connectionId: `c${i}`,
      stream: 'orders' as const,
    }));
    await new SqsPollRequestQueue(client(), 'https://sqs/polls').enqueue(requests);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 2]);
    expect(JSON.parse(calls[0]?.args[0].input.Entries?.[0]?.MessageBody ?? '{}')).toEqual({
      connectionId: 'c0',
      stream: 'orders',
    });
  });

  it('sends a spaced request with its DelaySeconds, outside the body', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const dueAt = '2026-01-01T00:00:20.000Z';
    const expiresAt = '2026-01-01T00:00:30.000Z';
    await new SqsPollRequestQueue(client(), 'q').enqueue([
      { connectionId: 'c', stream: 'orders', overlap: 'full', delaySeconds: 0 },
      { connectionId: 'c', stream: 'orders', overlap: 'quick', dueAt, expiresAt, delaySeconds: 20 },
    ]);
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((entry) => entry.DelaySeconds)).toEqual([undefined, 20]);
    expect(JSON.parse(entries[1]?.MessageBody ?? '{}')).toEqual({
      connectionId: 'c',
      stream: 'orders',
      overlap: 'quick',
      dueAt,
      expiresAt,
    });
  });

  it('fails loudly when SQS refuses part of a batch', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'x', SenderFault: false, Message: 'nope' }] });
    await expect(
      new SqsPollRequestQueue(client(), 'q').enqueue([{ connectionId: 'c', stream: 'orders' }]),
    ).rejects.toThrow('SQS refused 1 poll request(s): nope');
  });
});

const message = (overrides: Partial<DeliveryMessage> = {}): DeliveryMessage => ({
  event: {
    eventId: 'NEW_SALE-A',
    connectionId: 'c1',
    trigger: 'order',
    type: 'NEW_SALE',
    recordId: 'A',
    occurredAt: '2026-11-25T12:00:00.000Z',
    detectedAt: '2026-11-25T12:00:01.000Z',
    payload: {
      id: 'NEW_SALE-A',
      event: 'order.NEW_SALE',
      occurredAt: '2026-11-25T12:00:00.000Z',
      connection: 'm',
    },
  },
  attempt: 1,
  firstAttemptAt: '2026-11-25T12:00:01.000Z',
  ...overrides,
});

describe('SqsDeliveryQueue', () => {
  const NOW = new Date('2026-11-25T12:00:10.300Z');
  const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

  it('re-sends fresh messages with a delay up to 15 minutes; a longer wait keeps its notBefore for the hop', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsDeliveryQueue(client(), 'https://sqs/deliveries', 'https://sqs/dlq');
    const messages = [
      message(),
      message({ targets: ['s1'], attempt: 2, notBefore: at(5_000) }),
      message({ targets: ['s2'], booking: { from: 1, to: 2 }, notBefore: at(700) }),
      message({ targets: ['s3'], attempt: 9, notBefore: at(2 * 3_600_000) }),
      message({ notBefore: at(-60_000) }),
    ];
    await queue.send(messages, NOW);
    const [call] = sqs.commandCalls(SendMessageBatchCommand);
    const entries = call?.args[0].input.Entries ?? [];
    expect(call?.args[0].input.QueueUrl).toBe('https://sqs/deliveries');
    expect(entries.map((entry) => entry.DelaySeconds)).toEqual([0, 5, 1, 900, 0]);
    expect(entries.map((entry) => deliveryMessageSchema.parse(JSON.parse(entry.MessageBody ?? '')))).toEqual(
      messages,
    );
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('splits sends into batches of at most 10 messages and 240 KiB', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsDeliveryQueue(client(), 'q', 'dlq');
    await queue.send(
      Array.from({ length: 12 }, () => message()),
      NOW,
    );
    const big = message();
    big.event.payload = { ...big.event.payload, notes: 'x'.repeat(100 * 1024) };
    await queue.send([big, big, big], NOW);
    const sizes = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 2, 2, 1]);
  });

  it('fails loudly when SQS refuses a message, so the record is retried', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'x', SenderFault: false, Message: 'throttled' }],
    });
    await expect(new SqsDeliveryQueue(client(), 'q', 'dlq').send([message()], NOW)).rejects.toThrow(
      'SQS refused 1 delivery message(s): throttled',
    );
  });

  it('dead-letters with the reason as a message attribute', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const queue = new SqsDeliveryQueue(client(), 'q', 'https://sqs/dlq');
    await queue.deadLetter('{"x":1}', 'malformed message');
    await queue.deadLetter(message({ targets: ['s1'] }), 'retries exhausted');
    const inputs = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toEqual({
      QueueUrl: 'https://sqs/dlq',
      MessageBody: '{"x":1}',
      MessageAttributes: { reason: { DataType: 'String', StringValue: 'malformed message' } },
    });
    expect(JSON.parse(inputs[1]?.MessageBody ?? '')).toEqual(message({ targets: ['s1'] }));
  });
});
