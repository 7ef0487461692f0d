/** `GET /campaigns/{campaignId}/products` — the product dropdown (ids are campaignProductIds). */
import { type DropdownDeps, listCampaignProducts } from '../core/dropdowns/list-campaigns.js';
import type { Connection } from '../core/model.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, json, konnektiveApiHandler, pathParam } from '../platform/http.js';
import { dropdownDependencies } from './list-campaigns.js';

export interface ListCampaignProductsDeps extends DropdownDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createListCampaignProductsHandler = (deps: ListCampaignProductsDeps) =>
  konnektiveApiHandler(deps, async (event, deps) => {
    const connection = await deps.authenticate(event);
    return json(200, await listCampaignProducts(deps, connection, pathParam(event, 'campaignId')));
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createListCampaignProductsHandler(dropdownDependencies(deps));
