/**
 * SQS adapters: the poll-request queue the dispatcher fills, and the delivery queue's retry control (per-message
 * backoff through ChangeMessageVisibility, explicit dead-lettering once the retry horizon is over).
 */
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { PollRequest, PollRequestQueue } from '../../core/triggers/dispatch.js';

export class SqsPollRequestQueue implements PollRequestQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(requests: PollRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 10) {
      const chunk = requests.slice(i, i + 10);
      const response = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((request, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(request),
          })),
        }),
      );
      if (response.Failed && response.Failed.length > 0) {
        throw new Error(
          `SQS refused ${response.Failed.length} poll request(s): ${response.Failed[0]?.Message ?? ''}`,
        );
      }
    }
  }
}

/** What the deliver handler needs from its queue beyond "fail this message". */
export interface DeliveryQueueControl {
  /** Makes the message visible again after `delaySeconds` (the per-message backoff). */
  retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
  /** Moves a message whose retries are exhausted to the dead-letter queue (then it is deleted from the source). */
  deadLetter(body: string, reason: string): Promise<void>;
}

export class SqsDeliveryQueueControl implements DeliveryQueueControl {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {}

  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_199, Math.round(delaySeconds))),
      }),
    );
  }

  async deadLetter(body: string, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.deadLetterQueueUrl,
        MessageBody: body,
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
      }),
    );
  }
}
