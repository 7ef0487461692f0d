/**
 * Local stand-ins for the EventBridge bus (+ its rule into the delivery queue) and the SQS queues' control
 * operations, with the same message shapes as AWS so the very same handlers consume them.
 */
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import {
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
} from '../../functions/adapters/eventbridge/event-bridge-publisher.js';
import type { DetectedEvent } from '../../functions/core/model.js';
import type { DeliveryQueue, EventPublisher } from '../../functions/core/ports.js';
import { queueDelaySeconds } from '../../functions/core/triggers/deliver.js';
import type { PollRequestQueue, QueuedPollRequest } from '../../functions/core/triggers/dispatch.js';
import type { DeliveryMessage } from '../../functions/core/triggers/schemas.js';
import type { LocalEventArchive } from './local-event-archive.js';
import type { LocalQueue, ReceivedMessage } from './local-queue.js';

/**
 * The bus: wraps each event in EventBridge's envelope and routes it (the one rule) into the delivery queue; with an
 * archive, keeps every event for replay first, as the bus archive does in AWS.
 */
export class LocalEventBus implements EventPublisher {
  constructor(
    private readonly deliveryQueue: LocalQueue,
    private readonly archive?: LocalEventArchive,
  ) {}

  async publish(events: DetectedEvent[]): Promise<void> {
    this.archive?.append(events);
    for (const event of events) {
      this.deliveryQueue.send(
        JSON.stringify({
          version: '0',
          id: randomUUID(),
          'detail-type': EVENT_DETAIL_TYPE,
          source: EVENT_SOURCE,
          account: '000000000000',
          time: event.detectedAt,
          region: 'local',
          resources: [],
          detail: event,
        }),
      );
    }
  }
}

export class LocalPollRequestQueue implements PollRequestQueue {
  constructor(private readonly queue: LocalQueue) {}

  /** The same bodies and delays as on SQS. */
  async enqueue(requests: QueuedPollRequest[]): Promise<void> {
    for (const { delaySeconds, ...request } of requests) {
      this.queue.send(JSON.stringify(request), delaySeconds ? { delaySeconds } : {});
    }
  }
}

/** The delivery queue's port on a local queue: the same delays (whole seconds, ≤ 900 s) and bodies as on SQS. */
export class LocalDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly queue: LocalQueue,
    private readonly deadLetterQueue: LocalQueue,
  ) {}

  async send(messages: DeliveryMessage[], now: Date): Promise<void> {
    for (const message of messages) {
      this.queue.send(JSON.stringify(message), { delaySeconds: queueDelaySeconds(message, now) });
    }
  }

  async deadLetter(body: DeliveryMessage | string, reason: string): Promise<void> {
    this.deadLetterQueue.send(typeof body === 'string' ? body : JSON.stringify(body), { reason });
  }
}

/** Received local messages as the SQS event Lambda would get. */
export const toSqsEvent = (queueName: string, messages: ReceivedMessage[]): SQSEvent => ({
  Records: messages.map(
    (message): SQSRecord => ({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
      awsRegion: 'local',
    }),
  ),
});
