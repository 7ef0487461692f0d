/**
 * An SQS queue as the ops use cases see it (functions/core/operations/dead-letters.ts): received messages stay hidden
 * for a minute while a command handles them, and are released (visible again at once) or deleted.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { OpsQueue, OpsQueueMessage } from '../../functions/core/operations/dead-letters.js';

/** How long a received message stays hidden while a command handles it. */
export const OPS_VISIBILITY_SECONDS = 60;
const MAX_BATCH_BYTES = 240 * 1024;

/** Sends `bodies` in batches of at most 10 entries and 240 KB; throws when SQS refuses any. */
export const sendBodies = async (client: SQSClient, queueUrl: string, bodies: readonly string[]) => {
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const response = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    if (response.Failed && response.Failed.length > 0) {
      throw new Error(
        `SQS refused ${response.Failed.length} message(s): ${response.Failed[0]?.Message ?? ''}`,
      );
    }
    batch = [];
    bytes = 0;
  };
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (batch.length === 10 || bytes + size > MAX_BATCH_BYTES) await flush();
    batch.push(body);
    bytes += size;
  }
  await flush();
};

export const sqsOpsQueue = (client: SQSClient, queueUrl: string): OpsQueue => ({
  count: async () => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return Object.values(Attributes).reduce((sum, value) => sum + (Number(value) || 0), 0);
  },
  receive: async (max) => {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        VisibilityTimeout: OPS_VISIBILITY_SECONDS,
        // A short wait: short polls sample a subset of SQS's servers and may come back empty from a queue with messages.
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['reason'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    return Messages.flatMap((message): OpsQueueMessage[] => {
      if (!message.MessageId || !message.ReceiptHandle) return [];
      const sent = Number(message.Attributes?.SentTimestamp);
      return [
        {
          id: message.MessageId,
          handle: message.ReceiptHandle,
          body: message.Body ?? '',
          ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
          ...(message.MessageAttributes?.reason?.StringValue
            ? { reason: message.MessageAttributes.reason.StringValue }
            : {}),
        },
      ];
    });
  },
  release: async (messages) => {
    for (let i = 0; i < messages.length; i += 10) {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.slice(i, i + 10).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.handle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  },
  delete: async (message) => {
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.handle }));
  },
  send: (bodies) => sendBodies(client, queueUrl, bodies),
});
