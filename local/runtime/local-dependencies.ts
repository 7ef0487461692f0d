/**
 * The local container: the same shape as the AWS one (functions/platform/aws-dependencies.ts), built from local
 * adapters: DynamoDB Local stores, the AES key-file cipher, journaled local queues standing in for EventBridge and
 * SQS, hook rates in memory. The runtime hands in the parts it observes for its console (bus, hook sender, delivery
 * queue, Konnektive).
 */
import { CampaignCache } from '../../functions/core/dropdowns/campaign-cache.js';
import { lazily } from '../../functions/core/lazy.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../../functions/core/monitoring/assess-streams.js';
import { SettledEvents } from '../../functions/core/triggers/settled-events.js';
import { konnektiveConfig, loadConfig } from '../../functions/platform/config.js';
import {
  type Dependencies,
  newSubscriptionId,
  systemClock,
  timerWait,
} from '../../functions/platform/dependencies.js';
import { createKonnektiveClient } from '../../functions/platform/konnektive.js';

/**
 * What the runtime hands in: `stores` are the DynamoDB Local stores (`createDynamoDbStores`); `hookRateLimiter` keeps
 * the hook rates in this process's memory by default (the runtime is one process), or in DynamoDB Local to compare
 * with AWS.
 */
export interface LocalParts
  extends Pick<
    Dependencies,
    | 'stores'
    | 'cipher'
    | 'konnektive'
    | 'egressIps'
    | 'hookAllowlist'
    | 'publisher'
    | 'pollQueue'
    | 'deliveryQueue'
    | 'hookSender'
    | 'hookRateLimiter'
    | 'pollSettings'
    | 'deliverySettings'
  > {
  /** Default: one request per tick, full (the runtime's tick is the interval unless configured like AWS). */
  dispatchSettings?: Dependencies['dispatchSettings'];
  clock?: Dependencies['clock'];
  /** Waits `ms`; default: timers (tests on a fake clock advance it instead). */
  wait?: Dependencies['wait'];
}

export const createLocalDependencies = (parts: LocalParts): Dependencies => {
  const clock = parts.clock ?? systemClock;
  return lazily<Dependencies>({
    stores: () => parts.stores,
    cipher: () => parts.cipher,
    konnektive: () => parts.konnektive,
    clock: () => clock,
    wait: () => parts.wait ?? timerWait,
    egressIps: () => parts.egressIps,
    hookAllowlist: () => parts.hookAllowlist,
    publisher: () => parts.publisher,
    pollQueue: () => parts.pollQueue,
    deliveryQueue: () => parts.deliveryQueue,
    hookSender: () => parts.hookSender,
    hookRateLimiter: () => parts.hookRateLimiter,
    pollSettings: () => parts.pollSettings,
    dispatchSettings: () => parts.dispatchSettings ?? { tickSeconds: 60, intervalSeconds: 60, spread: false },
    deliverySettings: () => parts.deliverySettings,
    // Leases are judged by the lease length the local poller uses.
    streamHealthSettings: () => ({ ...DEFAULT_STREAM_HEALTH_SETTINGS, leaseMs: parts.pollSettings.leaseMs }),
    campaignCache: () => new CampaignCache({ clock }),
    settledEvents: () => new SettledEvents(),
    newSubscriptionId: () => newSubscriptionId,
  });
};

/**
 * The Konnektive client as the functions configure it, reading the same variables (timeouts) from `env` instead of
 * the process environment.
 */
export const localKonnektiveClient = (url: string, env: Record<string, string | undefined> = {}) =>
  createKonnektiveClient(loadConfig(konnektiveConfig, { ...env, KONNEKTIVE_API_URL: url }));
