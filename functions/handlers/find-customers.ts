/** `GET /customers?emailAddress=&phoneNumber=` — Zapier's Find Customer. */
import type { KonnektiveAccessDeps } from '../core/konnektive-access.js';
import type { Connection } from '../core/model.js';
import { customerSearchSchema, findCustomers } from '../core/searches/find-records.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, json, konnektiveApiHandler } from '../platform/http.js';
import { searchDependencies } from './find-orders.js';

export interface FindCustomersDeps extends KonnektiveAccessDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createFindCustomersHandler = (deps: FindCustomersDeps) =>
  konnektiveApiHandler(deps, async (event, deps) => {
    const connection = await deps.authenticate(event);
    const search = customerSearchSchema.parse(event.queryStringParameters ?? {});
    return json(200, await findCustomers(deps, connection, search));
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) => createFindCustomersHandler(searchDependencies(deps));
