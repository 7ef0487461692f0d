/**
 * Scheduled every minute: one poll request per (connection, stream) in use. Each tick that queued its requests
 * beats `DispatcherHeartbeat`: its absence (a schedule that stopped, a dispatcher that keeps failing) is an alarm.
 */
import type { SubscriptionStore } from '../core/ports.js';
import { dispatchPolls, type PollRequestQueue } from '../core/triggers/dispatch.js';
import type { Dependencies } from '../shared/dependencies.js';
import { backgroundHandler } from '../shared/lambda.js';
import { emitMetric, logger } from '../shared/observability.js';

export interface DispatchDeps {
  subscriptions: SubscriptionStore;
  pollQueue: PollRequestQueue;
}

export const createDispatchHandler = (deps: DispatchDeps) =>
  backgroundHandler(async (_event: unknown) => {
    const { requested } = await dispatchPolls(deps);
    emitMetric('PollsRequested', requested);
    emitMetric('DispatcherHeartbeat', 1);
    logger.info('dispatched polls', { requested });
    return { requested };
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createDispatchHandler({ subscriptions: deps.stores.subscriptions, pollQueue: deps.pollQueue });
