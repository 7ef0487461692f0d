/** `POST /sessions` — Zapier's session-auth exchange: Konnektive login → our bearer token. */
import { createSession, type SessionDeps } from '../core/session/create-session.js';
import { createSessionRequestSchema } from '../core/session/schemas.js';
import type { Dependencies } from '../platform/dependencies.js';
import { json, konnektiveApiHandler, parseJsonBody } from '../platform/http.js';
import { logger } from '../platform/observability.js';

export const createCreateSessionHandler = (deps: SessionDeps) =>
  konnektiveApiHandler(deps, async (event, deps) => {
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
