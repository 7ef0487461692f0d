/** `GET /campaigns?page=N` — the campaign dropdown, cached per connection. */
import { CampaignCache } from '../core/dropdowns/campaign-cache.js';
import { campaignsQuerySchema, type DropdownDeps, listCampaigns } from '../core/dropdowns/list-campaigns.js';
import type { Connection } from '../core/model.js';
import { dynamoStores, systemClock } from '../shared/aws.js';
import { cipherConfig, konnektiveConfig, loadConfig, storageConfig } from '../shared/config.js';
import { type ApiEvent, apiHandler, createAuthenticator, json } from '../shared/http.js';
import { kmsCredentialCipher } from '../shared/kms.js';
import { createKonnektiveClient } from '../shared/konnektive.js';

export interface ListCampaignsDeps extends DropdownDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  egressIps: string[];
}

export const createListCampaignsHandler = (deps: ListCampaignsDeps) =>
  apiHandler(
    async (event) => {
      const connection = await deps.authenticate(event);
      const query = campaignsQuerySchema.parse(event.queryStringParameters ?? {});
      return json(200, await listCampaigns(deps, connection, query));
    },
    { egressIps: deps.egressIps },
  );

const config = loadConfig(storageConfig.extend(konnektiveConfig.shape).extend(cipherConfig.shape));
const stores = dynamoStores(config);
const connections = stores.connections();
export const handler = createListCampaignsHandler({
  authenticate: createAuthenticator({ tokens: stores.tokens(), connections }),
  konnektive: createKonnektiveClient(config),
  connections,
  cipher: kmsCredentialCipher(config),
  clock: systemClock,
  // Module scope: warm invocations of this function share it for the TTL.
  cache: new CampaignCache({ clock: systemClock }),
  egressIps: config.EGRESS_IPS,
});
