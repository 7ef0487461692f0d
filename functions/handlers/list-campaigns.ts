/** `GET /campaigns?page=N` — the campaign dropdown, cached per connection. */
import { campaignsQuerySchema, type DropdownDeps, listCampaigns } from '../core/dropdowns/list-campaigns.js';
import type { Connection } from '../core/model.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, createAuthenticator, json, konnektiveApiHandler } from '../platform/http.js';
import { recordStoredCredentialsRejected } from '../platform/observability.js';

export interface ListCampaignsDeps extends DropdownDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createListCampaignsHandler = (deps: ListCampaignsDeps) =>
  konnektiveApiHandler(deps, async (event, deps) => {
    const connection = await deps.authenticate(event);
    const query = campaignsQuerySchema.parse(event.queryStringParameters ?? {});
    return json(200, await listCampaigns(deps, connection, query));
  });

/** What both dropdown handlers take from the process container (they share its campaign cache). */
export const dropdownDependencies = (deps: Dependencies): ListCampaignsDeps => ({
  authenticate: createAuthenticator(deps.stores),
  konnektive: deps.konnektive,
  connections: deps.stores.connections,
  cipher: deps.cipher,
  clock: deps.clock,
  cache: deps.campaignCache,
  egressIps: deps.egressIps,
  onStoredCredentialsRejected: recordStoredCredentialsRejected,
});

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createListCampaignsHandler(dropdownDependencies(deps));
