/** `DELETE /sessions/current` — revokes the bearer token of the request (other tokens stay valid). */
import type { Connection } from '../core/model.js';
import type { TokenStore } from '../core/ports.js';
import { revokeToken } from '../core/session/create-session.js';
import type { Dependencies } from '../platform/dependencies.js';
import { type ApiEvent, apiHandler, bearerToken, createAuthenticator, noContent } from '../platform/http.js';
import { logger } from '../platform/observability.js';

export interface RevokeSessionDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  tokens: TokenStore;
}

export const createRevokeSessionHandler = (deps: RevokeSessionDeps) =>
  apiHandler(async (event) => {
    // Authenticating first keeps the 401 for unknown tokens; the token is then known to be present.
    const connection = await deps.authenticate(event);
    await revokeToken(deps, bearerToken(event) ?? '');
    logger.info('token revoked', { connectionId: connection.connectionId });
    return noContent();
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createRevokeSessionHandler({ authenticate: createAuthenticator(deps.stores), tokens: deps.stores.tokens });
