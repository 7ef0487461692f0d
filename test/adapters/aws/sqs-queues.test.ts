import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeliveryQueueControl, SqsPollRequestQueue } from '../../../functions/adapters/sqs/sqs-queues.js';

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

  it('fails loudly when SQS refuses part of a batch', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'x', SenderFault: false, Message: 'nope' }] });
    await expect(
      new SqsPollRequestQueue(client(), 'q').enqueue([{ connectionId: 'c', stream: 'orders' }]),
    ).rejects.toThrow('nope');
  });
});

describe('SqsDeliveryQueueControl', () => {
  it('schedules a retry by changing the message visibility (capped at the SQS maximum)', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const control = new SqsDeliveryQueueControl(client(), 'https://sqs/deliveries', 'https://sqs/dlq');
    await control.retryLater('rh-1', 120);
    await control.retryLater('rh-2', 99_999);
    const inputs = sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { QueueUrl: 'https://sqs/deliveries', ReceiptHandle: 'rh-1', VisibilityTimeout: 120 },
      { QueueUrl: 'https://sqs/deliveries', ReceiptHandle: 'rh-2', VisibilityTimeout: 43_199 },
    ]);
  });

  it('dead-letters with the reason as a message attribute', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    await new SqsDeliveryQueueControl(client(), 'q', 'https://sqs/dlq').deadLetter(
      '{"x":1}',
      'retries exhausted',
    );
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs/dlq',
      MessageBody: '{"x":1}',
      MessageAttributes: { reason: { DataType: 'String', StringValue: 'retries exhausted' } },
    });
  });
});
