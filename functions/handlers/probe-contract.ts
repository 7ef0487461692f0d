/**
 * `POST /contract-probe` — the read-only contract probe, run with the caller's stored credentials from the deployed
 * functions (so from the whitelisted egress IPs); the findings are stored with the connection.
 */
import { type ContractProbeDeps, runContractProbe } from '../core/contract/run-probe.js';
import type { Connection } from '../core/model.js';
import { type Dependencies, konnektiveAccessOf } from '../platform/dependencies.js';
import { type ApiEvent, createAuthenticator, json, konnektiveApiHandler } from '../platform/http.js';

export interface ProbeContractDeps extends ContractProbeDeps {
  authenticate: (event: ApiEvent) => Promise<Connection>;
}

export const createProbeContractHandler = (deps: ProbeContractDeps) =>
  konnektiveApiHandler(deps, async (event, deps, { deadline }) => {
    const connection = await deps.authenticate(event);
    // Steps the request has no time for come back inconclusive rather than timing the request out.
    return json(200, await runContractProbe(deps, connection, deadline));
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createProbeContractHandler({ authenticate: createAuthenticator(deps.stores), ...konnektiveAccessOf(deps) });
