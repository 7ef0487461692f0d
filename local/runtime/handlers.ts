/**
 * The Lambda handlers wired with local adapters. Imported only after the runtime has set the environment the
 * handler modules read at import (exactly as Lambda does); every route here is the handler that runs in AWS.
 */

import { randomUUID } from 'node:crypto';
import type { createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { CampaignCache } from '../../functions/core/dropdowns/campaign-cache.js';
import type { CachedCampaign } from '../../functions/core/dropdowns/list-campaigns.js';
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import type {
  Clock,
  CredentialCipher,
  DeliveryQueue,
  EventPublisher,
  HookRateLimiter,
  HookSender,
} from '../../functions/core/ports.js';
import type { DeliverySettings } from '../../functions/core/triggers/deliver.js';
import type { PollRequestQueue } from '../../functions/core/triggers/dispatch.js';
import { HookConcurrency } from '../../functions/core/triggers/hook-rate.js';
import type { PollSettings } from '../../functions/core/triggers/poll-stream.js';
import { SettledEvents } from '../../functions/core/triggers/settled-events.js';
import { RecentSubscriptions } from '../../functions/core/triggers/subscription-lookup.js';
import { createCreateSessionHandler } from '../../functions/handlers/create-session.js';
import { createCreateSubscriptionHandler } from '../../functions/handlers/create-subscription.js';
import { createDeleteSubscriptionHandler } from '../../functions/handlers/delete-subscription.js';
import { createDeliverHandler } from '../../functions/handlers/deliver-events.js';
import { createDispatchHandler } from '../../functions/handlers/dispatch-polls.js';
import { createGetMeHandler } from '../../functions/handlers/get-me.js';
import { createGetOpenapiHandler } from '../../functions/handlers/get-openapi.js';
import { createGetSamplesHandler } from '../../functions/handlers/get-samples.js';
import { createListCampaignProductsHandler } from '../../functions/handlers/list-campaign-products.js';
import { createListCampaignsHandler } from '../../functions/handlers/list-campaigns.js';
import { createListSubscriptionsHandler } from '../../functions/handlers/list-subscriptions.js';
import { createPollHandler } from '../../functions/handlers/poll-stream.js';
import { createRevokeSessionHandler } from '../../functions/handlers/revoke-session.js';
import { createRunActionHandler } from '../../functions/handlers/run-action.js';
import { timerWait } from '../../functions/shared/aws.js';
import { konnektiveConfig, loadConfig } from '../../functions/shared/config.js';
import { createAuthenticator } from '../../functions/shared/http.js';
import { createKonnektiveClient } from '../../functions/shared/konnektive.js';
import type { Route } from './api-gateway-adapter.js';

export interface LocalDeps {
  stores: ReturnType<typeof createDynamoDbStores>;
  cipher: CredentialCipher;
  konnektive: KonnektiveGateway;
  clock: Clock;
  allowlist: string[];
  egressIps: string[];
  publisher: EventPublisher;
  pollQueue: PollRequestQueue;
  sender: HookSender;
  rateLimiter: HookRateLimiter;
  deliveryQueue: DeliveryQueue;
  pollSettings: PollSettings;
  deliverySettings: DeliverySettings;
}

export const konnektiveClient = () => createKonnektiveClient(loadConfig(konnektiveConfig));

export const buildLocalHandlers = (deps: LocalDeps) => {
  const { stores } = deps;
  const authenticate = createAuthenticator({ tokens: stores.tokens, connections: stores.connections });
  const cache = new CampaignCache<CachedCampaign[]>({ clock: deps.clock });
  const dropdownDeps = {
    authenticate,
    konnektive: deps.konnektive,
    connections: stores.connections,
    cipher: deps.cipher,
    clock: deps.clock,
    cache,
    egressIps: deps.egressIps,
  };
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/sessions',
      handler: createCreateSessionHandler({
        konnektive: deps.konnektive,
        connections: stores.connections,
        tokens: stores.tokens,
        cipher: deps.cipher,
        clock: deps.clock,
        egressIps: deps.egressIps,
      }),
    },
    { method: 'GET', path: '/me', handler: createGetMeHandler({ authenticate }) },
    {
      method: 'DELETE',
      path: '/sessions/current',
      handler: createRevokeSessionHandler({ authenticate, tokens: stores.tokens }),
    },
    {
      method: 'POST',
      path: '/actions/{action}',
      handler: createRunActionHandler({
        authenticate,
        konnektive: deps.konnektive,
        connections: stores.connections,
        idempotency: stores.idempotency,
        cipher: deps.cipher,
        clock: deps.clock,
        egressIps: deps.egressIps,
      }),
    },
    { method: 'GET', path: '/campaigns', handler: createListCampaignsHandler(dropdownDeps) },
    {
      method: 'GET',
      path: '/campaigns/{campaignId}/products',
      handler: createListCampaignProductsHandler(dropdownDeps),
    },
    { method: 'GET', path: '/openapi.json', handler: createGetOpenapiHandler() },
    {
      method: 'POST',
      path: '/subscriptions',
      handler: createCreateSubscriptionHandler({
        authenticate,
        subscriptions: stores.subscriptions,
        cursors: stores.cursors,
        clock: deps.clock,
        allowlist: deps.allowlist,
        newId: () => `sub_${randomUUID().replaceAll('-', '')}`,
      }),
    },
    {
      method: 'GET',
      path: '/subscriptions',
      handler: createListSubscriptionsHandler({ authenticate, subscriptions: stores.subscriptions }),
    },
    {
      method: 'DELETE',
      path: '/subscriptions/{id}',
      handler: createDeleteSubscriptionHandler({ authenticate, subscriptions: stores.subscriptions }),
    },
    {
      method: 'GET',
      path: '/triggers/{trigger}/samples',
      handler: createGetSamplesHandler(
        { authenticate, konnektive: deps.konnektive, cipher: deps.cipher, clock: deps.clock },
        deps.egressIps,
      ),
    },
  ];
  return {
    routes,
    dispatch: createDispatchHandler({ subscriptions: stores.subscriptions, pollQueue: deps.pollQueue }),
    poll: createPollHandler(
      {
        connections: stores.connections,
        cursors: stores.cursors,
        ledger: stores.ledger,
        cipher: deps.cipher,
        konnektive: deps.konnektive,
        publisher: deps.publisher,
        clock: deps.clock,
        settled: new SettledEvents(),
      },
      deps.pollSettings,
    ),
    deliver: createDeliverHandler(
      {
        subscriptions: new RecentSubscriptions(stores.subscriptions, deps.clock),
        markers: stores.deliveries,
        sender: deps.sender,
        clock: deps.clock,
        wait: timerWait,
        rateLimiter: deps.rateLimiter,
        inFlight: new HookConcurrency(deps.deliverySettings.postsInFlightPerUrl),
        allowlist: deps.allowlist,
        queue: deps.deliveryQueue,
      },
      deps.deliverySettings,
    ),
  };
};
