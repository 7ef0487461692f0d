/**
 * The local container: the same shape as the AWS one (functions/shared/aws-dependencies.ts), built from local
 * adapters: DynamoDB Local stores, the AES key-file cipher, journaled local queues standing in for EventBridge and
 * SQS. The runtime hands in the parts it observes for its console (bus, hook sender, delivery queue, Konnektive).
 */
import type { DeliveryQueueControl } from '../../functions/adapters/sqs/sqs-queues.js';
import { CampaignCache } from '../../functions/core/dropdowns/campaign-cache.js';
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import { lazily } from '../../functions/core/lazy.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../../functions/core/monitoring/assess-streams.js';
import type {
  Clock,
  CredentialCipher,
  EventPublisher,
  HookSender,
  Stores,
} from '../../functions/core/ports.js';
import type { DeliverySettings, HookPacer } from '../../functions/core/triggers/deliver.js';
import type { PollRequestQueue } from '../../functions/core/triggers/dispatch.js';
import type { PollSettings } from '../../functions/core/triggers/poll-stream.js';
import { SettledEvents } from '../../functions/core/triggers/settled-events.js';
import { konnektiveConfig, loadConfig } from '../../functions/shared/config.js';
import { type Dependencies, newSubscriptionId, systemClock } from '../../functions/shared/dependencies.js';
import { createKonnektiveClient } from '../../functions/shared/konnektive.js';

export interface LocalParts {
  /** The DynamoDB Local stores (`createDynamoDbStores`). */
  stores: Stores;
  cipher: CredentialCipher;
  konnektive: KonnektiveGateway;
  egressIps: string[];
  hookAllowlist: string[];
  publisher: EventPublisher;
  pollQueue: PollRequestQueue;
  deliveryQueue: DeliveryQueueControl;
  hookSender: HookSender;
  hookPacer: HookPacer;
  pollSettings: PollSettings;
  deliverySettings: DeliverySettings;
  clock?: Clock;
}

export const createLocalDependencies = (parts: LocalParts): Dependencies => {
  const clock = parts.clock ?? systemClock;
  return lazily<Dependencies>({
    stores: () => parts.stores,
    cipher: () => parts.cipher,
    konnektive: () => parts.konnektive,
    clock: () => clock,
    egressIps: () => parts.egressIps,
    hookAllowlist: () => parts.hookAllowlist,
    publisher: () => parts.publisher,
    pollQueue: () => parts.pollQueue,
    deliveryQueue: () => parts.deliveryQueue,
    hookSender: () => parts.hookSender,
    hookPacer: () => parts.hookPacer,
    pollSettings: () => parts.pollSettings,
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
