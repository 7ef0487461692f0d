/** `GET /me` — Zapier's connection test and label. */

import type { Connection } from '../core/model.js';
import { describeMe } from '../core/session/create-session.js';
import { dynamoStores } from '../shared/aws.js';
import { loadConfig, storageConfig } from '../shared/config.js';
import { type ApiEvent, apiHandler, createAuthenticator, json } from '../shared/http.js';

export interface GetMeDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createGetMeHandler = (deps: GetMeDeps) =>
  apiHandler(async (event) => json(200, describeMe(await deps.authenticate(event))));

const stores = dynamoStores(loadConfig(storageConfig));
export const handler = createGetMeHandler({
  authenticate: createAuthenticator({ tokens: stores.tokens(), connections: stores.connections() }),
});
