/** `GET /subscriptions` — the caller's subscriptions (status and debugging). */
import type { Connection } from '../core/model.js';
import type { SubscriptionStore } from '../core/ports.js';
import { listSubscriptions } from '../core/triggers/subscriptions.js';
import { dynamoStores } from '../shared/aws.js';
import { loadConfig, storageConfig } from '../shared/config.js';
import { type ApiEvent, apiHandler, createAuthenticator, json } from '../shared/http.js';

export interface ListSubscriptionsDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  subscriptions: SubscriptionStore;
}

export const createListSubscriptionsHandler = (deps: ListSubscriptionsDeps) =>
  apiHandler(async (event) => {
    const connection = await deps.authenticate(event);
    return json(200, { subscriptions: await listSubscriptions(deps, connection) });
  });

const stores = dynamoStores(loadConfig(storageConfig));
export const handler = createListSubscriptionsHandler({
  authenticate: createAuthenticator({ tokens: stores.tokens(), connections: stores.connections() }),
  subscriptions: stores.subscriptions(),
});
