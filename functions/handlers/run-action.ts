/** `POST /actions/{action}` — the five Zapier creates; the sale and the lead idempotent by `Idempotency-Key`. */
import * as z from 'zod';
import { type RunActionDeps, runAction } from '../core/actions/run-action.js';
import type { Connection } from '../core/model.js';
import { type Dependencies, konnektiveAccessOf } from '../platform/dependencies.js';
import {
  type ApiEvent,
  createAuthenticator,
  header,
  json,
  konnektiveApiHandler,
  parseJsonBody,
  pathParam,
} from '../platform/http.js';
import { errorBody, toHttpError } from '../platform/http-errors.js';
import { emitMetric, logger } from '../platform/observability.js';

export interface RunActionHandlerDeps extends Omit<RunActionDeps, 'describeError' | 'metrics'> {
  authenticate: (event: ApiEvent) => Promise<Connection>;
  metrics?: RunActionDeps['metrics'];
}

export const createRunActionHandler = (deps: RunActionHandlerDeps) => {
  const useCase: RunActionDeps = {
    ...deps,
    metrics: deps.metrics ?? { count: (name, dimensions) => emitMetric(name, 1, dimensions) },
    logger: deps.logger ?? logger,
    // The one error mapping, so a stored error answer replays exactly as it was first sent.
    describeError: (error, requestId) => {
      const httpError = toHttpError(error);
      return { statusCode: httpError.statusCode, body: errorBody(httpError, requestId) };
    },
  };
  return konnektiveApiHandler(useCase, async (event, useCase) => {
    const connection = await deps.authenticate(event);
    const action = pathParam(event, 'action');
    logger.appendKeys({ action });
    const response = await runAction(useCase, {
      connection,
      action,
      idempotencyKey: header(event, 'idempotency-key'),
      body: parseJsonBody(event, z.unknown()),
      requestId: event.requestContext?.requestId,
    });
    return json(response.statusCode, response.body, response.headers);
  });
};

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createRunActionHandler({
    // Konnektive under the access policy, a refused stored password counted (StoredCredentialsRejected).
    ...konnektiveAccessOf(deps),
    authenticate: createAuthenticator(deps.stores),
    idempotency: deps.stores.idempotency,
  });
