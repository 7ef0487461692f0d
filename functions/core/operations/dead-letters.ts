/**
 * Dead letters for on-call: how many each dead-letter queue holds, a sample of what they are (never a payload, a
 * hook URL or any other body text: only ids, the event's kind and where its delivery stood), and moving them back to
 * the queue they came from. The same use cases run in AWS (SQS) and locally (the runtime's queues) through
 * {@link OpsQueue}; docs/delivery.md says what a redriven delivery message does.
 */
import * as z from 'zod';
import { jsonOrUndefined } from '../json.js';
import type { Clock } from '../ports.js';
import { deliveryMessageSchema, deliveryQueueBodySchema, pollRequestSchema } from '../triggers/schemas.js';

/** The dead-letter queues: undeliverable hook deliveries, failed poll requests, missed scheduler ticks. */
export const DEAD_LETTER_QUEUES = ['delivery', 'poll', 'schedule'] as const;
export type DeadLetterQueueName = (typeof DEAD_LETTER_QUEUES)[number];

/** One received message; `handle` releases or deletes it. */
export interface OpsQueueMessage {
  id: string;
  handle: string;
  body: string;
  /** When it was sent to this queue (ISO-8601), when known. */
  sentAt?: string | undefined;
  /** Why it was dead-lettered, when the sender said (the deliverer's `reason` attribute). */
  reason?: string | undefined;
}

/** A queue as ops commands use it: counted, received from (hidden while handled), released, deleted, sent to. */
export interface OpsQueue {
  /** Every message it holds (visible, in flight and delayed; approximate on SQS). */
  count(): Promise<number>;
  /** Up to `max` (≤ 10) messages, hidden from other receivers until released or deleted. */
  receive(max: number): Promise<OpsQueueMessage[]>;
  /** Makes received messages visible again at once. */
  release(messages: readonly OpsQueueMessage[]): Promise<void>;
  delete(message: OpsQueueMessage): Promise<void>;
  send(bodies: readonly string[]): Promise<void>;
}

/** What a dead letter is, from its body, without any of its content that could be customer data or a secret. */
export const deadLetterSummarySchema = z.object({
  id: z.string(),
  sentAt: z.string().optional(),
  reason: z.string().optional(),
  kind: z.enum(['delivery', 'bus-event', 'poll-request', 'scheduled-event', 'unreadable']),
  eventId: z.string().optional(),
  connectionId: z.string().optional(),
  /** `trigger.TYPE` of a delivery; the stream of a poll request. */
  what: z.string().optional(),
  recordId: z.string().optional(),
  targets: z.array(z.string()).optional(),
  attempt: z.number().optional(),
  firstAttemptAt: z.string().optional(),
  redeliver: z.boolean().optional(),
  bytes: z.number().int().nonnegative(),
});
export type DeadLetterSummary = z.output<typeof deadLetterSummarySchema>;

export const deadLetterReportSchema = z.object({
  queue: z.enum(DEAD_LETTER_QUEUES),
  count: z.number().int().nonnegative(),
  sample: z.array(deadLetterSummarySchema),
});
export type DeadLetterReport = z.output<typeof deadLetterReportSchema>;
export const deadLetterReportsSchema = z.object({ queues: z.array(deadLetterReportSchema) });

const eventDetectedSchema = z.looseObject({ 'detail-type': z.string(), source: z.string() });

export const summarizeDeadLetter = (message: Omit<OpsQueueMessage, 'handle'>): DeadLetterSummary => {
  const head = {
    id: message.id,
    ...(message.sentAt ? { sentAt: message.sentAt } : {}),
    ...(message.reason ? { reason: message.reason } : {}),
    bytes: Buffer.byteLength(message.body),
  };
  const json = jsonOrUndefined(message.body);
  const delivery = deliveryQueueBodySchema.safeParse(json);
  if (delivery.success) {
    const body = delivery.data;
    const event = 'detail' in body ? body.detail : body.event;
    return {
      ...head,
      kind: 'detail' in body ? 'bus-event' : 'delivery',
      eventId: event.eventId,
      connectionId: event.connectionId,
      what: `${event.trigger}.${event.type}`,
      recordId: event.recordId,
      ...('detail' in body
        ? {}
        : {
            ...(body.targets ? { targets: body.targets } : {}),
            attempt: body.attempt,
            firstAttemptAt: body.firstAttemptAt,
            ...(body.redeliver ? { redeliver: true } : {}),
          }),
    };
  }
  const poll = pollRequestSchema.safeParse(json);
  if (poll.success) {
    return { ...head, kind: 'poll-request', connectionId: poll.data.connectionId, what: poll.data.stream };
  }
  const scheduled = eventDetectedSchema.safeParse(json);
  if (scheduled.success) return { ...head, kind: 'scheduled-event', what: scheduled.data['detail-type'] };
  return { ...head, kind: 'unreadable' };
};

/** At most this many messages are shown per queue. */
export const MAX_SAMPLE = 50;

/** A queue's count and a sample of up to `sample` summaries; the sampled messages are released at once. */
export const listDeadLetters = async (
  queue: OpsQueue,
  name: DeadLetterQueueName,
  sample: number,
): Promise<DeadLetterReport> => {
  const count = await queue.count();
  const received: OpsQueueMessage[] = [];
  try {
    while (received.length < Math.min(sample, MAX_SAMPLE)) {
      const batch = await queue.receive(Math.min(10, sample - received.length));
      if (batch.length === 0) break;
      received.push(...batch);
    }
  } finally {
    if (received.length > 0) await queue.release(received);
  }
  return {
    queue: name,
    count,
    sample: received.map(({ handle: _, ...message }) => summarizeDeadLetter(message)),
  };
};

export const redriveResultSchema = z.object({
  queue: z.enum(DEAD_LETTER_QUEUES),
  redriven: z.number().int().nonnegative(),
  /** Delivery messages given a fresh retry schedule (attempt 1 from now). */
  fresh: z.boolean(),
  remaining: z.number().int().nonnegative(),
});
export type RedriveResult = z.output<typeof redriveResultSchema>;

/**
 * A delivery message starting its retries again: attempt 1 from `now`, no pending wait or booking. Anything else (a
 * bus envelope — its first attempt counts from when it is sent — or an unreadable body) is sent as it was.
 */
export const withFreshSchedule = (body: string, now: Date): string => {
  const parsed = deliveryMessageSchema.safeParse(jsonOrUndefined(body));
  if (!parsed.success) return body;
  const { notBefore: _n, booking: _b, ...message } = parsed.data;
  return JSON.stringify({ ...message, attempt: 1, firstAttemptAt: now.toISOString() });
};

/**
 * Moves up to `max` messages from a dead-letter queue to `source` (the queue they came from): each is sent there
 * first and deleted here after, so a failure half-way loses nothing (at worst a message is in both queues, and a
 * delivery's markers keep that from posting twice). `fresh` gives delivery messages a new retry schedule; without
 * it a redriven delivery gets one more attempt (its horizon is over) and returns here if that fails.
 */
export const redriveDeadLetters = async (
  deps: { deadLetters: OpsQueue; source: OpsQueue; clock: Clock },
  name: DeadLetterQueueName,
  options: { max: number; fresh: boolean },
): Promise<RedriveResult> => {
  let redriven = 0;
  while (redriven < options.max) {
    const batch = await deps.deadLetters.receive(Math.min(10, options.max - redriven));
    if (batch.length === 0) break;
    const now = deps.clock.now();
    try {
      await deps.source.send(
        batch.map((message) => (options.fresh ? withFreshSchedule(message.body, now) : message.body)),
      );
    } catch (error) {
      await deps.deadLetters.release(batch).catch(() => undefined);
      throw error;
    }
    for (const message of batch) await deps.deadLetters.delete(message);
    redriven += batch.length;
  }
  return { queue: name, redriven, fresh: options.fresh, remaining: await deps.deadLetters.count() };
};
