/**
 * `POST /contract-probe` — the read-only contract probe, run with the caller's stored credentials from the deployed
 * functions (so from the whitelisted egress IPs); the findings are stored with the connection.
 */
import { type ContractProbeDeps, runContractProbe } from '../core/contract/run-probe.js';
import type { Connection } from '../core/model.js';
import { type Dependencies, konnektiveAccessOf } from '../shared/dependencies.js';
import { type ApiEvent, apiHandler, createAuthenticator, json } from '../shared/http.js';

/** Time kept to store the findings and answer before the API's integration timeout. */
const ANSWER_MARGIN_MS = 3_000;

export interface ProbeContractDeps extends ContractProbeDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createProbeContractHandler = (deps: ProbeContractDeps) =>
  apiHandler(async (event, context) => {
    const connection = await deps.authenticate(event);
    // Steps the invocation has no time for come back inconclusive rather than timing the request out.
    const deadline = Date.now() + Math.max(1_000, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
    return json(200, await runContractProbe(deps, connection, deadline));
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createProbeContractHandler({ authenticate: createAuthenticator(deps.stores), ...konnektiveAccessOf(deps) });
