/** `GET /campaigns/{campaignId}/products` — the product dropdown (ids are campaignProductIds). */
import { CampaignCache } from '../core/dropdowns/campaign-cache.js';
import { type DropdownDeps, listCampaignProducts } from '../core/dropdowns/list-campaigns.js';
import type { Connection } from '../core/model.js';
import { dynamoStores, systemClock } from '../shared/aws.js';
import { cipherConfig, konnektiveConfig, loadConfig, storageConfig } from '../shared/config.js';
import { type ApiEvent, apiHandler, createAuthenticator, json, pathParam } from '../shared/http.js';
import { kmsCredentialCipher } from '../shared/kms.js';
import { createKonnektiveClient } from '../shared/konnektive.js';

export interface ListCampaignProductsDeps extends DropdownDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  egressIps: string[];
}

export const createListCampaignProductsHandler = (deps: ListCampaignProductsDeps) =>
  apiHandler(
    async (event) => {
      const connection = await deps.authenticate(event);
      return json(200, await listCampaignProducts(deps, connection, pathParam(event, 'campaignId')));
    },
    { egressIps: deps.egressIps },
  );

const config = loadConfig(storageConfig.extend(konnektiveConfig.shape).extend(cipherConfig.shape));
const stores = dynamoStores(config);
const connections = stores.connections();
export const handler = createListCampaignProductsHandler({
  authenticate: createAuthenticator({ tokens: stores.tokens(), connections }),
  konnektive: createKonnektiveClient(config),
  connections,
  cipher: kmsCredentialCipher(config),
  clock: systemClock,
  cache: new CampaignCache({ clock: systemClock }),
  egressIps: config.EGRESS_IPS,
});
