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

/** What the dispatcher enqueues for the poller. */
export const pollRequestSchema = z.object({
  connectionId: z.string().min(1),
  stream: z.enum(['orders', 'transactions']),
  /** `quick`: re-check only a short overlap (several polls a minute, one of them full). Default `full`. */
  overlap: z.enum(['full', 'quick']).optional(),
});
