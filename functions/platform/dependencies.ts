/**
 * What the handlers are built from: one container per process, with the same shape in AWS
 * (`aws-dependencies.ts`) and in the local runtime (`local/runtime/local-dependencies.ts`). Each handler module's
 * `fromDependencies(container)` picks what it needs; the container builds nothing a function does not use.
 */
import { randomUUID } from 'node:crypto';
import type { CampaignCache } from '../core/dropdowns/campaign-cache.js';
import type { CachedCampaign } from '../core/dropdowns/list-campaigns.js';
import type { KonnektiveGateway } from '../core/konnektive.js';
import type { KonnektiveAccessDeps } from '../core/konnektive-access.js';
import type { StreamHealthSettings } from '../core/monitoring/assess-streams.js';
import type {
  Clock,
  CredentialCipher,
  DeliveryQueue,
  EventPublisher,
  HookRateLimiter,
  HookSender,
  Stores,
} from '../core/ports.js';
import type { DeliverySettings } from '../core/triggers/deliver.js';
import type { DispatchSettings, PollRequestQueue } from '../core/triggers/dispatch.js';
import type { PollSettings } from '../core/triggers/poll-stream.js';
import type { SettledEvents } from '../core/triggers/settled-events.js';
import { recordStoredCredentialsRejected } from './observability.js';

export interface Dependencies {
  readonly stores: Stores;
  readonly cipher: CredentialCipher;
  readonly konnektive: KonnektiveGateway;
  readonly clock: Clock;
  /** Waits `ms` (a booked rate window about to open): timers, or the fake clock in tests. */
  readonly wait: (ms: number) => Promise<void>;
  /** The fixed egress IPs, listed in "not whitelisted" answers. */
  readonly egressIps: string[];
  /** URL prefixes a hook URL must start with. */
  readonly hookAllowlist: string[];
  readonly publisher: EventPublisher;
  readonly pollQueue: PollRequestQueue;
  readonly deliveryQueue: DeliveryQueue;
  readonly hookSender: HookSender;
  /** Per-URL request rate shared by every deliverer (DynamoDB in AWS, this process's memory locally). */
  readonly hookRateLimiter: HookRateLimiter;
  readonly pollSettings: PollSettings;
  /** The dispatcher's tick and the polling cadence. */
  readonly dispatchSettings: DispatchSettings;
  readonly deliverySettings: DeliverySettings;
  /** How the stream monitor judges leases. */
  readonly streamHealthSettings: StreamHealthSettings;
  /** Per-process state that warm invocations share: the dropdowns' campaign lists … */
  readonly campaignCache: CampaignCache<CachedCampaign[]>;
  /** … and which overlap events the poller already knows are settled. */
  readonly settledEvents: SettledEvents;
  /** A new subscription id. */
  readonly newSubscriptionId: () => string;
}

export const systemClock: Clock = { now: () => new Date() };

/** Waits on the real timers (the fake clock's `advance` stands in for it in tests). */
export const timerWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `sub_` + 32 hex characters. */
export const newSubscriptionId = (): string => `sub_${randomUUID().replaceAll('-', '')}`;

/** What a handler that reads Konnektive under the access policy (functions/core/konnektive-access.ts) takes. */
export const konnektiveAccessOf = (deps: Dependencies): KonnektiveAccessDeps => ({
  konnektive: deps.konnektive,
  connections: deps.stores.connections,
  cipher: deps.cipher,
  clock: deps.clock,
  egressIps: deps.egressIps,
  // A stored password Konnektive now refuses is counted (alarm StoredCredentialsRejected) wherever it is found.
  onStoredCredentialsRejected: recordStoredCredentialsRejected,
});
