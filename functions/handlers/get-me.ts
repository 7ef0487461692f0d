/** `GET /me` — Zapier's connection test and label. */

import type { Connection } from '../core/model.js';
import { describeMe } from '../core/session/create-session.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, apiHandler, createAuthenticator, json } from '../platform/http.js';

export interface GetMeDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createGetMeHandler = (deps: GetMeDeps) =>
  apiHandler(async (event) => json(200, describeMe(await deps.authenticate(event))));

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createGetMeHandler({ authenticate: createAuthenticator(deps.stores) });
