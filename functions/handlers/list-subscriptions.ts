/** `GET /subscriptions` — the caller's subscriptions (status and debugging). */
import type { Connection } from '../core/model.js';
import type { SubscriptionStore } from '../core/ports.js';
import { listSubscriptions } from '../core/triggers/subscriptions.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, apiHandler, createAuthenticator, json } from '../platform/http.js';

export interface ListSubscriptionsDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  subscriptions: SubscriptionStore;
}

export const createListSubscriptionsHandler = (deps: ListSubscriptionsDeps) =>
  apiHandler(async (event) => {
    const connection = await deps.authenticate(event);
    return json(200, { subscriptions: await listSubscriptions(deps, connection) });
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createListSubscriptionsHandler({
    authenticate: createAuthenticator(deps.stores),
    subscriptions: deps.stores.subscriptions,
  });
