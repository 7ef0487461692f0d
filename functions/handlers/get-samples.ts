/** `GET /triggers/{trigger}/samples?type=` — Zapier's performList. */
import { ValidationError } from '../core/errors.js';
import type { Connection } from '../core/model.js';
import { getSamples, parseTriggerType, type SampleDeps } from '../core/triggers/samples.js';
import { samplesQuerySchema } from '../core/triggers/schemas.js';
import { dynamoStores, systemClock } from '../shared/aws.js';
import { cipherConfig, konnektiveConfig, loadConfig, storageConfig } from '../shared/config.js';
import { type ApiEvent, apiHandler, createAuthenticator, json, pathParam } from '../shared/http.js';
import { kmsCredentialCipher } from '../shared/kms.js';
import { createKonnektiveClient } from '../shared/konnektive.js';

export interface GetSamplesDeps extends SampleDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createGetSamplesHandler = (deps: GetSamplesDeps, egressIps: string[] = []) =>
  apiHandler(
    async (event) => {
      const connection = await deps.authenticate(event);
      const { type } = samplesQuerySchema.parse(event.queryStringParameters ?? {});
      const pair = parseTriggerType(pathParam(event, 'trigger'), type);
      if (!pair)
        throw new ValidationError(`type "${type}" is not valid for this trigger`, {
          type: 'invalid for this trigger',
        });
      return json(200, await getSamples(deps, connection, pair.trigger, pair.type));
    },
    { egressIps },
  );

const config = loadConfig(storageConfig.extend(konnektiveConfig.shape).extend(cipherConfig.shape));
const stores = dynamoStores(config);
export const handler = createGetSamplesHandler(
  {
    authenticate: createAuthenticator({ tokens: stores.tokens(), connections: stores.connections() }),
    konnektive: createKonnektiveClient(config),
    cipher: kmsCredentialCipher(config),
    clock: systemClock,
  },
  config.EGRESS_IPS,
);
