/**
 * SQS delivery consumer (fed by the bus rule): POSTs each event to its subscriptions. Per message: done → deleted;
 * retry → visible again after the backoff (ChangeMessageVisibility) and reported as a batch item failure;
 * exhausted (retry horizon over) → moved to the dead-letter queue. Malformed messages are dead-lettered at once.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryQueueControl } from '../adapters/sqs/sqs-queues.js';
import { mapLimit } from '../core/concurrency.js';
import {
  type DeliverDeps,
  type DeliverySettings,
  deliverEvent,
  perBatchSubscriptions,
} from '../core/triggers/deliver.js';
import { busEnvelopeSchema } from '../core/triggers/schemas.js';
import type { Dependencies } from '../shared/dependencies.js';
import { backgroundHandler, jsonOrUndefined } from '../shared/lambda.js';
import { emitMetric, logger } from '../shared/observability.js';

export interface DeliverHandlerDeps extends DeliverDeps {
  queue: DeliveryQueueControl;
}

export const createDeliverHandler = (deps: DeliverHandlerDeps, settings: DeliverySettings) =>
  backgroundHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchDeps = { ...deps, subscriptions: perBatchSubscriptions(deps.subscriptions) };
    const failures = await mapLimit(event.Records, 5, (record) => deliverRecord(batchDeps, settings, record));
    return {
      batchItemFailures: event.Records.filter((_, index) => failures[index]).map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  });

/** Returns true when the message must stay on the queue for a retry. */
const deliverRecord = async (deps: DeliverHandlerDeps, settings: DeliverySettings, record: SQSRecord) => {
  const parsed = busEnvelopeSchema.safeParse(jsonOrUndefined(record.body));
  if (!parsed.success) {
    logger.error('malformed delivery message dead-lettered', { messageId: record.messageId });
    await deps.queue.deadLetter(record.body, 'malformed message');
    emitMetric('HookDeadLettered', 1);
    return false;
  }
  const detected = parsed.data.detail;
  const result = await deliverEvent(
    deps,
    detected,
    {
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
      firstSentAt: new Date(Number(record.attributes.SentTimestamp) || deps.clock.now().getTime()),
    },
    settings,
  );
  for (const outcome of result.outcomes) {
    const context = {
      eventId: detected.eventId,
      connectionId: detected.connectionId,
      subscriptionId: outcome.subscriptionId,
    };
    if (outcome.result === 'delivered') {
      emitMetric('HookDelivered', 1);
      emitMetric('DeliveryLatency', deps.clock.now().getTime() - new Date(detected.detectedAt).getTime());
      logger.info('hook delivered', context);
    } else if (outcome.result === 'gone') {
      emitMetric('HookGone', 1);
      logger.info('hook answered 410: subscription deleted', context);
    } else if (outcome.result === 'not-allowed') {
      logger.warn('hook URL no longer allowed: not delivered', context);
    } else if (outcome.result === 'failed') {
      emitMetric('HookFailed', 1);
      logger.warn('hook delivery failed', { ...context, reason: outcome.reason });
    }
  }
  if (result.status === 'retry') {
    await deps.queue.retryLater(record.receiptHandle, result.delaySeconds);
    logger.info('delivery will be retried', { eventId: detected.eventId, delaySeconds: result.delaySeconds });
    return true;
  }
  if (result.status === 'exhausted') {
    await deps.queue.deadLetter(record.body, 'retries exhausted');
    emitMetric('HookDeadLettered', 1);
    logger.error('delivery retries exhausted: dead-lettered', { eventId: detected.eventId });
  }
  return false;
};

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createDeliverHandler(
    {
      subscriptions: deps.stores.subscriptions,
      markers: deps.stores.deliveries,
      sender: deps.hookSender,
      clock: deps.clock,
      pacer: deps.hookPacer,
      allowlist: deps.hookAllowlist,
      queue: deps.deliveryQueue,
    },
    deps.deliverySettings,
  );
