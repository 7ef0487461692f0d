/**
 * SQS adapters: the poll-request queue the dispatcher fills, and the delivery queue (retries and deferrals as
 * delayed messages, explicit dead-lettering once the retry horizon is over).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../../core/ports.js';
import { queueDelaySeconds } from '../../core/triggers/deliver.js';
import type { PollRequestQueue, QueuedPollRequest } from '../../core/triggers/dispatch.js';
import type { DeliveryMessage } from '../../core/triggers/schemas.js';
import { awsSdk } from '../aws-sdk.js';

/** Entries per SendMessageBatch and bytes per batch (SQS allows 10 entries and 256 KiB in all). */
const MAX_BATCH_ENTRIES = 10;
const MAX_BATCH_BYTES = 240 * 1024;

/** Sends bodies in as few SendMessageBatch calls as SQS allows; throws when SQS refuses any entry. */
const sendAll = async (
  client: SQSClient,
  queueUrl: string,
  messages: Array<{ body: string; delaySeconds?: number }>,
  what: string,
): Promise<void> => {
  let batch: Array<{ Id: string; MessageBody: string; DelaySeconds?: number }> = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const response = await client.send(
      new awsSdk.sqs.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch }),
    );
    if (response.Failed && response.Failed.length > 0) {
      throw new Error(`SQS refused ${response.Failed.length} ${what}: ${response.Failed[0]?.Message ?? ''}`);
    }
    batch = [];
    bytes = 0;
  };
  for (const { body, delaySeconds } of messages) {
    const size = Buffer.byteLength(body);
    if (batch.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES) await flush();
    batch.push({
      Id: String(batch.length),
      MessageBody: body,
      ...(delaySeconds === undefined ? {} : { DelaySeconds: delaySeconds }),
    });
    bytes += size;
  }
  await flush();
};

export class SqsPollRequestQueue implements PollRequestQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(requests: QueuedPollRequest[]): Promise<void> {
    await sendAll(
      this.client,
      this.queueUrl,
      requests.map(({ delaySeconds, ...request }) => ({
        body: JSON.stringify(request),
        ...(delaySeconds ? { delaySeconds } : {}),
      })),
      'poll request(s)',
    );
  }
}

/**
 * The delivery queue on SQS: retries and deferrals are fresh messages sent with a delay (at most 15 minutes; a longer
 * wait is finished by the consumer re-sending what arrives early), never messages held in flight, so a long Zapier
 * outage does not run into SQS's limit of in-flight messages per queue. Exhausted deliveries go to the dead-letter
 * queue with the reason as a message attribute.
 */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {}

  async send(messages: DeliveryMessage[], now: Date): Promise<void> {
    await sendAll(
      this.client,
      this.queueUrl,
      messages.map((message) => ({
        body: JSON.stringify(message),
        delaySeconds: queueDelaySeconds(message, now),
      })),
      'delivery message(s)',
    );
  }

  async deadLetter(body: DeliveryMessage | string, reason: string): Promise<void> {
    await this.client.send(
      new awsSdk.sqs.SendMessageCommand({
        QueueUrl: this.deadLetterQueueUrl,
        MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
      }),
    );
  }
}
