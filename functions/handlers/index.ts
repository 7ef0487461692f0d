/**
 * Every function's factory by name: `name → fromDependencies(container)`, the same functions the Lambda entries
 * (functions/lambda) call. The local runtime looks its routes and workers up here, by the names of the table in
 * `catalog.ts`, so no route is listed twice. (The entries import their own module only, to keep bundles small.)
 */
import type { Dependencies } from '../platform/dependencies.js';
import type { HandlerName } from './catalog.js';
import * as createSession from './create-session.js';
import * as createSubscription from './create-subscription.js';
import * as deleteSubscription from './delete-subscription.js';
import * as deliverEvents from './deliver-events.js';
import * as dispatchPolls from './dispatch-polls.js';
import * as findCustomers from './find-customers.js';
import * as findOrders from './find-orders.js';
import * as getMe from './get-me.js';
import * as getOpenapi from './get-openapi.js';
import * as getSamples from './get-samples.js';
import * as listCampaignProducts from './list-campaign-products.js';
import * as listCampaigns from './list-campaigns.js';
import * as listSubscriptions from './list-subscriptions.js';
import * as monitorStreams from './monitor-streams.js';
import * as pollStream from './poll-stream.js';
import * as probeContract from './probe-contract.js';
import * as revokeSession from './revoke-session.js';
import * as runAction from './run-action.js';

export const HANDLER_FACTORIES = {
  'create-session': createSession.fromDependencies,
  'get-me': getMe.fromDependencies,
  'revoke-session': revokeSession.fromDependencies,
  'create-subscription': createSubscription.fromDependencies,
  'list-subscriptions': listSubscriptions.fromDependencies,
  'delete-subscription': deleteSubscription.fromDependencies,
  'get-samples': getSamples.fromDependencies,
  'run-action': runAction.fromDependencies,
  'find-orders': findOrders.fromDependencies,
  'find-customers': findCustomers.fromDependencies,
  'list-campaigns': listCampaigns.fromDependencies,
  'list-campaign-products': listCampaignProducts.fromDependencies,
  'probe-contract': probeContract.fromDependencies,
  'get-openapi': getOpenapi.fromDependencies,
  'dispatch-polls': dispatchPolls.fromDependencies,
  'poll-stream': pollStream.fromDependencies,
  'deliver-events': deliverEvents.fromDependencies,
  'monitor-streams': monitorStreams.fromDependencies,
} as const satisfies Record<HandlerName, (deps: Dependencies) => unknown>;
