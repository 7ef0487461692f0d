/** `GET /orders?orderId=&emailAddress=&phoneNumber=` — Zapier's Find Order. */
import type { KonnektiveAccessDeps } from '../core/konnektive-access.js';
import type { Connection } from '../core/model.js';
import { findOrders, orderSearchSchema } from '../core/searches/find-records.js';
import { type Dependencies, konnektiveAccessOf } from '../platform/dependencies.js';
import { type ApiEvent, createAuthenticator, json, konnektiveApiHandler } from '../platform/http.js';

export interface FindOrdersDeps extends KonnektiveAccessDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createFindOrdersHandler = (deps: FindOrdersDeps) =>
  konnektiveApiHandler(deps, async (event, deps) => {
    const connection = await deps.authenticate(event);
    const search = orderSearchSchema.parse(event.queryStringParameters ?? {});
    return json(200, await findOrders(deps, connection, search));
  });

/** What both search handlers take from the process container. */
export const searchDependencies = (deps: Dependencies): FindOrdersDeps => ({
  authenticate: createAuthenticator(deps.stores),
  ...konnektiveAccessOf(deps),
});

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) => createFindOrdersHandler(searchDependencies(deps));
