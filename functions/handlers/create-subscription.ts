/** `POST /subscriptions` — Zapier's performSubscribe. */
import type { Connection } from '../core/model.js';
import { subscribeRequestSchema } from '../core/triggers/schemas.js';
import { type SubscriptionDeps, subscribe, toSubscriptionResponse } from '../core/triggers/subscriptions.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, apiHandler, createAuthenticator, json, parseJsonBody } from '../platform/http.js';
import { logger } from '../platform/observability.js';

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

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createCreateSubscriptionHandler({
    authenticate: createAuthenticator(deps.stores),
    subscriptions: deps.stores.subscriptions,
    cursors: deps.stores.cursors,
    clock: deps.clock,
    allowlist: deps.hookAllowlist,
    newId: deps.newSubscriptionId,
  });
