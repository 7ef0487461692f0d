/**
 * Request and response schemas of the trigger routes (subscriptions, samples). Also feed the OpenAPI document.
 */
import * as z from 'zod';
import { ORDER_TYPES, TRANSACTION_TYPES } from '../model.js';

const orderSubscription = z.object({
  trigger: z.literal('order'),
  type: z.enum(ORDER_TYPES, { error: `type must be one of ${ORDER_TYPES.join(', ')} for trigger "order"` }),
  targetUrl: z.url({ error: 'targetUrl must be an absolute URL' }),
});

const transactionSubscription = z.object({
  trigger: z.literal('transaction'),
  type: z.enum(TRANSACTION_TYPES, {
    error: `type must be one of ${TRANSACTION_TYPES.join(', ')} for trigger "transaction"`,
  }),
  targetUrl: z.url({ error: 'targetUrl must be an absolute URL' }),
});

/** `POST /subscriptions` body. */
export const subscribeRequestSchema = z.discriminatedUnion(
  'trigger',
  [orderSubscription, transactionSubscription],
  {
    error: 'trigger must be "order" or "transaction"',
  },
);
export type SubscribeRequest = z.output<typeof subscribeRequestSchema>;

/** A subscription as the API returns it; `id` is top-level as Zapier's performUnsubscribe expects. */
export const subscriptionResponseSchema = z.object({
  id: z.string(),
  trigger: z.enum(['order', 'transaction']),
  type: z.string(),
  targetUrl: z.string(),
  createdAt: z.string(),
});

/** `GET /triggers/{trigger}/samples?type=` query. */
export const samplesQuerySchema = z.object({
  type: z.string({ error: 'type is required (e.g. NEW_SALE)' }),
});

/** A hook payload / sample: the Konnektive record plus our four fields. */
export const hookPayloadSchema = z.looseObject({
  id: z.string(),
  event: z.string(),
  occurredAt: z.string(),
  connection: z.string(),
});

export const samplesResponseSchema = z.object({
  source: z.enum(['live', 'static']),
  samples: z.array(hookPayloadSchema),
});

/** A detected event as carried on the bus (`detail`) and in delivery messages. */
export const detectedEventSchema = z.object({
  eventId: z.string().min(1),
  connectionId: z.string().min(1),
  trigger: z.enum(['order', 'transaction']),
  type: z.enum([...ORDER_TYPES, ...TRANSACTION_TYPES]),
  recordId: z.string().min(1),
  occurredAt: z.string(),
  detectedAt: z.string(),
  payload: hookPayloadSchema,
});

/** EventBridge's envelope around our `detail`, as the bus rule delivers it into SQS. */
export const busEnvelopeSchema = z.object({
  source: z.string(),
  'detail-type': z.string(),
  detail: detectedEventSchema,
});

/**
 * A message on the delivery queue (docs/delivery.md, "Delivery messages"): one event and where its delivery stands.
 * The bus rule's messages are EventBridge envelopes instead; they become attempt 1 of a message for every matching
 * subscription. Retries, rate deferrals and hops are messages of this shape, and so is a targeted replay.
 */
export const deliveryMessageSchema = z.object({
  event: detectedEventSchema,
  /**
   * Only these subscriptions (ids of the event's connection); absent = every subscription of the event's connection,
   * trigger and type that existed when the event was detected. Named targets are not filtered by creation time, so a
   * replay can reach a Zap created after the event.
   */
  targets: z.array(z.string().min(1).max(200)).min(1).max(1000).optional(),
  /**
   * Deliver even where a delivered marker exists (a deliberate replay). The replay's own deliveries are marked under
   * the event id plus `firstAttemptAt`, so retries and copies of the replay still post at most once per target.
   */
  redeliver: z.literal(true).optional(),
  /** The attempt this message makes, from 1; a deferral (rate, deadline, store error) keeps it. */
  attempt: z.number().int().min(1).max(100_000),
  /** When delivery of this event (or this replay) started: the retry horizon counts from here, whatever copies do. */
  firstAttemptAt: z.iso.datetime({ offset: true }),
  /** Not before this instant: a copy received earlier is sent again with the rest of the wait (waits over 15 min). */
  notBefore: z.iso.datetime({ offset: true }).optional(),
  /** A rate window [from, to) (epoch ms) booked for each target of this message: inside it, post without asking again. */
  booking: z
    .object({ from: z.number().int().nonnegative(), to: z.number().int().positive() })
    .refine((window) => window.to > window.from, { error: 'booking.to must be after booking.from' })
    .optional(),
});
export type DeliveryMessage = z.output<typeof deliveryMessageSchema>;

/** What the delivery queue carries: our own messages, or the bus rule's envelopes (first attempts). */
export const deliveryQueueBodySchema = z.union([deliveryMessageSchema, busEnvelopeSchema]);

/** What the dispatcher enqueues for the poller. */
export const pollRequestSchema = z.object({
  connectionId: z.string().min(1),
  stream: z.enum(['orders', 'transactions']),
  /** `quick`: re-check only a short overlap (several polls a minute, one of them full). Default `full`. */
  overlap: z.enum(['full', 'quick']).optional(),
  /** When the dispatcher meant it to run (ISO). */
  dueAt: z.iso.datetime({ offset: true }).optional(),
  /** After this the next request is due: a request received later is dropped, not run (ISO). */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
