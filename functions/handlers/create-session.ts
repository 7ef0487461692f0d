/** `POST /sessions` — Zapier's session-auth exchange: Konnektive login → our bearer token. */
import { createSession, type SessionDeps } from '../core/session/create-session.js';
import { createSessionRequestSchema } from '../core/session/schemas.js';
import type { Dependencies } from '../shared/dependencies.js';
import { apiHandler, json, parseJsonBody } from '../shared/http.js';
import { logger } from '../shared/observability.js';

export const createCreateSessionHandler = (deps: SessionDeps) =>
  apiHandler(async (event) => {
    const session = await createSession(deps, parseJsonBody(event, createSessionRequestSchema));
    logger.info('session created', { connectionId: session.connectionId });
    return json(201, session);
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createCreateSessionHandler({
    konnektive: deps.konnektive,
    connections: deps.stores.connections,
    tokens: deps.stores.tokens,
    cipher: deps.cipher,
    clock: deps.clock,
    egressIps: deps.egressIps,
  });
