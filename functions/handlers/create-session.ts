/** `POST /sessions` — Zapier's session-auth exchange: Konnektive login → our bearer token. */
import { createSession, type SessionDeps } from '../core/session/create-session.js';
import { createSessionRequestSchema } from '../core/session/schemas.js';
import { dynamoStores, systemClock } from '../shared/aws.js';
import { cipherConfig, konnektiveConfig, loadConfig, storageConfig } from '../shared/config.js';
import { apiHandler, json, parseJsonBody } from '../shared/http.js';
import { kmsCredentialCipher } from '../shared/kms.js';
import { createKonnektiveClient } from '../shared/konnektive.js';
import { logger } from '../shared/observability.js';

export const createCreateSessionHandler = (deps: SessionDeps) =>
  apiHandler(
    async (event) => {
      const session = await createSession(deps, parseJsonBody(event, createSessionRequestSchema));
      logger.info('session created', { connectionId: session.connectionId });
      return json(201, session);
    },
    { egressIps: [...deps.egressIps] },
  );

const config = loadConfig(storageConfig.extend(konnektiveConfig.shape).extend(cipherConfig.shape));
const stores = dynamoStores(config);
export const handler = createCreateSessionHandler({
  konnektive: createKonnektiveClient(config),
  connections: stores.connections(),
  tokens: stores.tokens(),
  cipher: kmsCredentialCipher(config),
  clock: systemClock,
  egressIps: config.EGRESS_IPS,
});
