/**
 * `POST /contract-probe`: runs the contract probe with the caller's stored credentials (so from the deployed
 * functions and their whitelisted egress), stores the findings with the connection (the poller starts from them at
 * its next poll) and answers them with what the poller will now do.
 */
import * as z from 'zod';
import { type KonnektiveAccessDeps, withStoredCredentials } from '../konnektive-access.js';
import type { Connection } from '../model.js';
import { reconcileCadenceMs } from '../triggers/reconcile.js';
import { DEFAULT_RECONCILE_SETTINGS } from '../triggers/settings.js';
import { initialStrategy } from '../triggers/strategy.js';
import { type ContractFindings, contractFindingsSchema } from './findings.js';
import { probeContract } from './probe.js';

export const contractProbeResponseSchema = z.object({
  contract: contractFindingsSchema,
  /** What the poller does with these findings, in words: read strategy per stream, reconciliation cadence. */
  poller: z.record(z.string(), z.string()),
});
export type ContractProbeResponse = z.output<typeof contractProbeResponseSchema>;

/** The poller's plan for a connection with these findings (until a page shows otherwise). */
export const pollerPlanOf = (findings: ContractFindings): Record<string, string> => {
  const now = new Date(findings.checkedAt);
  const strategy = initialStrategy(findings, now);
  const sorting =
    strategy.sorted === undefined ? 'order checked on every page' : strategy.sorted ? 'sorted' : 'unsorted';
  const minutes = reconcileCadenceMs(findings, undefined, now, DEFAULT_RECONCILE_SETTINGS) / 60_000;
  return {
    'read strategy (orders and transactions)': `${strategy.name} (${sorting})`,
    'orders reconciliation by dateCreated': `every ${minutes >= 60 ? `${minutes / 60} h` : `${minutes} min`}, over ${DEFAULT_RECONCILE_SETTINGS.horizonDays} days`,
  };
};

export type ContractProbeDeps = KonnektiveAccessDeps;

/**
 * Probes within `deadline` (epoch ms; what is not reached by then is `inconclusive`), stores and answers the
 * findings. Konnektive refusals come out as the access policy's domain errors (bad credentials, whitelist).
 */
export const runContractProbe = async (
  deps: ContractProbeDeps,
  connection: Connection,
  deadline: number,
): Promise<ContractProbeResponse> => {
  const findings = await withStoredCredentials(deps, connection, (konnektive, credentials) =>
    probeContract(
      { konnektive, clock: deps.clock },
      { credentials, timeZone: connection.timeZone, deadline },
    ),
  );
  await deps.connections.setContract(connection.connectionId, findings, deps.clock.now());
  return { contract: findings, poller: pollerPlanOf(findings) };
};
