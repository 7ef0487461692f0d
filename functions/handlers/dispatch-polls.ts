/** Scheduled every minute: one poll request per (connection, stream) in use. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsPollRequestQueue } from '../adapters/sqs/sqs-queues.js';
import type { SubscriptionStore } from '../core/ports.js';
import { dispatchPolls, type PollRequestQueue } from '../core/triggers/dispatch.js';
import { dynamoStores } from '../shared/aws.js';
import { dispatchConfig, loadConfig, storageConfig } from '../shared/config.js';
import { backgroundHandler } from '../shared/lambda.js';
import { logger, MetricUnit, metrics } from '../shared/observability.js';

export interface DispatchDeps {
  subscriptions: SubscriptionStore;
  pollQueue: PollRequestQueue;
}

export const createDispatchHandler = (deps: DispatchDeps) =>
  backgroundHandler(async (_event: unknown) => {
    const { requested } = await dispatchPolls(deps);
    metrics.addMetric('PollsRequested', MetricUnit.Count, requested);
    logger.info('dispatched polls', { requested });
    return { requested };
  });

const config = loadConfig(storageConfig.extend(dispatchConfig.shape));
export const handler = createDispatchHandler({
  subscriptions: dynamoStores(config).subscriptions(),
  pollQueue: new SqsPollRequestQueue(new SQSClient({ region: config.AWS_REGION }), config.POLL_QUEUE_URL),
});
