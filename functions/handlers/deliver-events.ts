/**
 * SQS delivery consumer (fed by the bus rule and by its own re-sends): each record is one delivery message, handled
 * on its own by Powertools' BatchProcessor (records in parallel) — a store error in one fails that record only. A
 * record's follow-ups (retries, rate deferrals, a hop) are sent as fresh delayed messages before the record is
 * deleted; exhausted targets and unreadable bodies go to the dead-letter queue. Records not yet started when the
 * invocation's time runs short are handed back as fresh messages. docs/delivery.md has the whole policy.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { jsonOrUndefined } from '../core/json.js';
import type { DeliveryQueue } from '../core/ports.js';
import {
  type DeliverDeps,
  type DeliveryPlan,
  type DeliverySettings,
  deliverMessage,
  firstDelivery,
} from '../core/triggers/deliver.js';
import { HookConcurrency } from '../core/triggers/hook-rate.js';
import { type DeliveryMessage, deliveryQueueBodySchema } from '../core/triggers/schemas.js';
import { RecentSubscriptions } from '../core/triggers/subscription-lookup.js';
import type { Dependencies } from '../platform/dependencies.js';
import { backgroundHandler } from '../platform/lambda.js';
import { emitDeliveryLatency, emitMetric, logger } from '../platform/observability.js';

export interface DeliverHandlerDeps extends DeliverDeps {
  queue: DeliveryQueue;
}

export const createDeliverHandler = (deps: DeliverHandlerDeps, settings: DeliverySettings) =>
  backgroundHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const budget = { remainingMs: () => context.getRemainingTimeInMillis() };
    // A processor per invocation: it holds the batch's state, and the local runtime runs invocations side by side.
    return processPartialResponse(
      event,
      (record: SQSRecord) => deliverRecord(deps, settings, record, budget),
      new BatchProcessor(EventType.SQS),
      { context, processInParallel: true, throwOnFullBatchFailure: false },
    );
  });

const deliverRecord = async (
  deps: DeliverHandlerDeps,
  settings: DeliverySettings,
  record: SQSRecord,
  budget: { remainingMs(): number },
): Promise<void> => {
  const parsed = deliveryQueueBodySchema.safeParse(jsonOrUndefined(record.body));
  if (!parsed.success) {
    logger.error('malformed delivery message dead-lettered', { messageId: record.messageId });
    await deps.queue.deadLetter(record.body, 'malformed message');
    emitMetric('HookDeadLettered', 1);
    return;
  }
  const message: DeliveryMessage =
    'detail' in parsed.data
      ? firstDelivery(
          parsed.data.detail,
          new Date(Number(record.attributes.SentTimestamp) || deps.clock.now().getTime()),
        )
      : parsed.data;
  if (budget.remainingMs() < settings.minRemainingMs) {
    // Not started: a fresh copy goes back at once, so a long batch never burns a receive of this message.
    await deps.queue.send([message], deps.clock.now());
    emitMetric('DeliveryHandedBack', 1);
    return;
  }
  const plan = await deliverMessage(deps, message, budget, settings);
  observe(deps, message, plan);
  if (plan.followUps.length > 0) await deps.queue.send(plan.followUps, deps.clock.now());
  if (plan.exhausted) {
    await deps.queue.deadLetter(plan.exhausted, 'retries exhausted');
    emitMetric('HookDeadLettered', plan.exhausted.targets?.length ?? 1);
    logger.error('delivery retries exhausted: dead-lettered', {
      eventId: message.event.eventId,
      connectionId: message.event.connectionId,
      subscriptionIds: plan.exhausted.targets,
      attempt: plan.exhausted.attempt,
      firstAttemptAt: plan.exhausted.firstAttemptAt,
    });
  }
};

/** Metrics and logs of one record: ids and reasons only, never the payload (it carries customer data). */
const observe = (deps: Pick<DeliverDeps, 'clock'>, message: DeliveryMessage, plan: DeliveryPlan) => {
  const { eventId, connectionId } = message.event;
  if (plan.hop) {
    logger.debug('delivery message not due yet: sent on', { eventId, notBefore: message.notBefore });
    return;
  }
  for (const outcome of plan.outcomes) {
    const context = {
      eventId,
      connectionId,
      subscriptionId: outcome.subscriptionId,
      attempt: message.attempt,
    };
    switch (outcome.result) {
      case 'delivered':
        emitMetric('HookDelivered', 1);
        // Record time → delivered: what the merchant's Zap sees.
        emitDeliveryLatency(message.event, deps.clock.now());
        if (outcome.markerError) {
          emitMetric('HookMarkerLost', 1);
          logger.warn('hook delivered but its marker was not written', {
            ...context,
            error: outcome.markerError,
          });
        } else {
          logger.info('hook delivered', context);
        }
        break;
      case 'gone':
        emitMetric('HookGone', 1);
        logger.info('hook answered 410: subscription deleted', context);
        break;
      case 'not-allowed':
        logger.warn('hook URL no longer allowed: not delivered', context);
        break;
      case 'failed':
        emitMetric('HookFailed', 1);
        logger.warn('hook delivery failed', { ...context, reason: outcome.reason });
        break;
      case 'deferred':
        emitMetric('HookDeferred', 1);
        if (outcome.reason === 'store')
          logger.warn('hook delivery deferred', { ...context, error: outcome.detail });
        else logger.debug('hook delivery deferred', { ...context, reason: outcome.reason });
        break;
      default:
        break;
    }
  }
};

/**
 * The handler as deployed: its dependencies from the process container. Built once per process, so warm
 * invocations share the subscription lists read in the last seconds and this process's POSTs in flight per URL
 * (the container's rate limiter coalesces the bookings of concurrent records).
 */
export const fromDependencies = (deps: Dependencies) =>
  createDeliverHandler(
    {
      subscriptions: new RecentSubscriptions(deps.stores.subscriptions, deps.clock),
      markers: deps.stores.deliveries,
      sender: deps.hookSender,
      clock: deps.clock,
      wait: deps.wait,
      rateLimiter: deps.hookRateLimiter,
      inFlight: new HookConcurrency(deps.deliverySettings.postsInFlightPerUrl),
      allowlist: deps.hookAllowlist,
      queue: deps.deliveryQueue,
    },
    deps.deliverySettings,
  );
