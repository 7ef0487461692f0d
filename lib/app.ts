/**
 * The app's two stacks, wired together. `bin/app.ts` reads the stage's committed configuration (`config/stages/`) and
 * calls this; tests call it with fixture handlers.
 */
import { Tags } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EgressMode } from './constructs/fixed-egress-network.js';
import type { PowertoolsLogLevel } from './constructs/service-function.js';
import { ServiceStack } from './service-stack.js';
import { type AlarmSubscribers, type CustomDomain, StatefulStack } from './stateful-stack.js';

/** Everything that differs between deployments: one stage file, validated and resolved in `bin/`. */
export interface DeploymentConfig {
  /** Short lowercase name (`dev`, `prod`, …): part of the stack names. */
  readonly stage: string;
  /** The account and region both stacks are pinned to; absent: environment-agnostic (the deploy credentials decide). */
  readonly env?: { readonly account: string; readonly region: string };
  /** Production: the service stack is termination-protected too. */
  readonly production: boolean;
  /** The egress AZs by name (pinned stages), in address order; absent: the region's first `azCount`. */
  readonly availabilityZones?: readonly string[];
  /** Availability zones = Elastic IPs = NAT gateways or instances. */
  readonly azCount: number;
  readonly egress: EgressMode;
  /** Subscribers of the page and ticket alarm topics. */
  readonly alarms: { readonly page: AlarmSubscribers; readonly ticket: AlarmSubscribers };
  /** Seconds between polls of one (connection, stream). */
  readonly pollIntervalSeconds: number;
  readonly konnektiveApiUrl: string;
  readonly hookUrlAllowlist: readonly string[];
  readonly logLevel: PowertoolsLogLevel;
  /** X-Ray subsegments for every call (the Powertools tracer, bundled only when on). */
  readonly traceCalls: boolean;
  readonly logRetention: logs.RetentionDays;
  /** A stable host name for the API. */
  readonly customDomain?: CustomDomain;
}

export interface KonnektiveZapierStacks {
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

/** Creates the stateful and service stacks of one stage under `scope` (an App or a Stage). */
export const createKonnektiveZapierStacks = (
  scope: Construct,
  config: DeploymentConfig,
  options: { entriesDir?: string } = {},
): KonnektiveZapierStacks => {
  const prefix = `KonnektiveZapier-${config.stage}`;
  const env = config.env ? { env: { account: config.env.account, region: config.env.region } } : {};
  const stateful = new StatefulStack(scope, `${prefix}-Stateful`, {
    ...env,
    description: `Konnektive ⇄ Zapier (${config.stage}): tables, key, bus, queues, egress IPs, alarm topics, domain`,
    // Deleting it would orphan the retained tables, key and addresses: make that a deliberate, two-step act.
    terminationProtection: true,
    azCount: config.azCount,
    alarmSubscribers: config.alarms,
    ...(config.customDomain ? { customDomain: config.customDomain } : {}),
  });
  const service = new ServiceStack(scope, `${prefix}-Service`, {
    ...env,
    description: `Konnektive ⇄ Zapier (${config.stage}): API, polling, delivery, fixed egress, monitoring`,
    terminationProtection: config.production,
    tables: stateful.tables,
    credentialsKey: stateful.credentialsKey,
    eventBus: stateful.eventBus,
    egressAddresses: stateful.egressAddresses,
    egress: config.egress,
    ...(config.availabilityZones ? { availabilityZones: config.availabilityZones } : {}),
    alarmTopics: stateful.alarmTopics,
    queues: stateful.queues,
    ...(config.customDomain ? { customDomainName: config.customDomain.domainName } : {}),
    pollIntervalSeconds: config.pollIntervalSeconds,
    konnektiveApiUrl: config.konnektiveApiUrl,
    hookUrlAllowlist: config.hookUrlAllowlist,
    logLevel: config.logLevel,
    traceCalls: config.traceCalls,
    logRetention: config.logRetention,
    ...(options.entriesDir ? { entriesDir: options.entriesDir } : {}),
  });
  // Explicit as well as implied by the references: the API mapping names the stateful stack's domain.
  service.addStackDependency(stateful);
  for (const stack of [stateful, service]) {
    Tags.of(stack).add('project', 'konnektive-zapier');
    Tags.of(stack).add('stage', config.stage);
  }
  return { stateful, service };
};
