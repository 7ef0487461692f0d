/** `GET /triggers/{trigger}/samples?type=` — Zapier's performList. */
import { ValidationError } from '../core/errors.js';
import type { Connection } from '../core/model.js';
import { getSamples, parseTriggerType, type SampleDeps } from '../core/triggers/samples.js';
import { samplesQuerySchema } from '../core/triggers/schemas.js';
import { type Dependencies, konnektiveAccessOf } from '../platform/dependencies.js';
import {
  type ApiEvent,
  createAuthenticator,
  json,
  konnektiveApiHandler,
  pathParam,
} from '../platform/http.js';

export interface GetSamplesDeps extends SampleDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createGetSamplesHandler = (deps: GetSamplesDeps) =>
  konnektiveApiHandler(deps, async (event, deps) => {
    const connection = await deps.authenticate(event);
    const { type } = samplesQuerySchema.parse(event.queryStringParameters ?? {});
    const pair = parseTriggerType(pathParam(event, 'trigger'), type);
    if (!pair)
      throw new ValidationError(`type "${type}" is not valid for this trigger`, {
        type: 'invalid for this trigger',
      });
    return json(200, await getSamples(deps, connection, pair.trigger, pair.type));
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createGetSamplesHandler({ authenticate: createAuthenticator(deps.stores), ...konnektiveAccessOf(deps) });
