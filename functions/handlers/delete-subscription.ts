/** `DELETE /subscriptions/{id}` — Zapier's performUnsubscribe. Idempotent: an unknown id is still 204. */
import type { Connection } from '../core/model.js';
import type { SubscriptionStore } from '../core/ports.js';
import { unsubscribe } from '../core/triggers/subscriptions.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, apiHandler, createAuthenticator, noContent, pathParam } from '../platform/http.js';
import { logger } from '../platform/observability.js';

export interface DeleteSubscriptionDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  subscriptions: SubscriptionStore;
}

export const createDeleteSubscriptionHandler = (deps: DeleteSubscriptionDeps) =>
  apiHandler(async (event) => {
    const connection = await deps.authenticate(event);
    const id = pathParam(event, 'id');
    await unsubscribe(deps, connection, id);
    logger.info('unsubscribed', { subscriptionId: id });
    return noContent();
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createDeleteSubscriptionHandler({
    authenticate: createAuthenticator(deps.stores),
    subscriptions: deps.stores.subscriptions,
  });
