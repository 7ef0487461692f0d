/** `POST /subscriptions` — Zapier's performSubscribe. */
import { randomUUID } from 'node:crypto';
import type { Connection } from '../core/model.js';
import { subscribeRequestSchema } from '../core/triggers/schemas.js';
import { type SubscriptionDeps, subscribe, toSubscriptionResponse } from '../core/triggers/subscriptions.js';
import { dynamoStores, systemClock } from '../shared/aws.js';
import { hookConfig, loadConfig, storageConfig } from '../shared/config.js';
import { type ApiEvent, apiHandler, createAuthenticator, json, parseJsonBody } from '../shared/http.js';
import { logger } from '../shared/observability.js';

export interface CreateSubscriptionDeps extends SubscriptionDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createCreateSubscriptionHandler = (deps: CreateSubscriptionDeps) =>
  apiHandler(async (event) => {
    const connection = await deps.authenticate(event);
    const request = parseJsonBody(event, subscribeRequestSchema);
    const { subscription, created } = await subscribe(deps, connection, request);
    logger.info(created ? 'subscribed' : 'subscription already exists', {
      subscriptionId: subscription.subscriptionId,
      trigger: subscription.trigger,
      type: subscription.type,
    });
    return json(created ? 201 : 200, toSubscriptionResponse(subscription));
  });

const config = loadConfig(storageConfig.extend(hookConfig.shape));
const stores = dynamoStores(config);
export const handler = createCreateSubscriptionHandler({
  authenticate: createAuthenticator({ tokens: stores.tokens(), connections: stores.connections() }),
  subscriptions: stores.subscriptions(),
  cursors: stores.cursors(),
  clock: systemClock,
  allowlist: config.HOOK_URL_ALLOWLIST,
  newId: () => `sub_${randomUUID().replaceAll('-', '')}`,
});
