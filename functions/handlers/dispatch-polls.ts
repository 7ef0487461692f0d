/**
 * Scheduled every minute: the tick's poll requests of each (connection, stream) in use, spaced by the cadence
 * (`POLL_INTERVAL_SECONDS`) with queue delays. Each tick that queued its requests
 * beats `DispatcherHeartbeat`: its absence (a schedule that stopped, a dispatcher that keeps failing) is an alarm.
 */
import type { Clock, SubscriptionStore } from '../core/ports.js';
import { type DispatchSettings, dispatchPolls, type PollRequestQueue } from '../core/triggers/dispatch.js';
import type { Dependencies } from '../platform/dependencies.js';
import { backgroundHandler } from '../platform/lambda.js';
import { emitMetric, logger } from '../platform/observability.js';

export interface DispatchDeps {
  subscriptions: SubscriptionStore;
  pollQueue: PollRequestQueue;
  clock: Clock;
}

export const createDispatchHandler = (deps: DispatchDeps, settings: DispatchSettings) =>
  backgroundHandler(async (_event: unknown) => {
    const { streams, requested } = await dispatchPolls(deps, settings);
    emitMetric('PollsRequested', requested);
    emitMetric('DispatcherHeartbeat', 1);
    logger.info('dispatched polls', { streams, requested, intervalSeconds: settings.intervalSeconds });
    return { streams, requested };
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createDispatchHandler(
    { subscriptions: deps.stores.subscriptions, pollQueue: deps.pollQueue, clock: deps.clock },
    deps.dispatchSettings,
  );
