/**
 * The app's two stacks, wired together. `bin/app.ts` reads the deployment configuration from CDK context and calls
 * this; tests call it with fixture handlers.
 */
import { type Environment, Tags } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PowertoolsLogLevel } from './constructs/service-function.js';
import { ServiceStack } from './service-stack.js';
import { StatefulStack } from './stateful-stack.js';

/** Everything that differs between deployments; parsed from CDK context in `bin/`. */
export interface DeploymentConfig {
  /** Short lowercase name (`dev`, `prod`, …): part of the stack names. */
  readonly stage: string;
  readonly azCount: number;
  readonly pollRateMinutes: number;
  readonly konnektiveApiUrl: string;
  readonly hookUrlAllowlist: readonly string[];
  readonly alarmEmail?: string;
  readonly logLevel: PowertoolsLogLevel;
  readonly logRetention: logs.RetentionDays;
}

export interface KonnektiveZapierStacks {
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

/** Creates the stateful and service stacks of one stage under `scope` (an App or a Stage). */
export const createKonnektiveZapierStacks = (
  scope: Construct,
  config: DeploymentConfig,
  options: { entriesDir?: string; env?: Environment } = {},
): KonnektiveZapierStacks => {
  const prefix = `KonnektiveZapier-${config.stage}`;
  const env = options.env ? { env: options.env } : {};
  const stateful = new StatefulStack(scope, `${prefix}-Stateful`, {
    ...env,
    description: `Konnektive ⇄ Zapier (${config.stage}): tables, credentials key, event bus, egress IPs`,
    azCount: config.azCount,
  });
  const service = new ServiceStack(scope, `${prefix}-Service`, {
    ...env,
    description: `Konnektive ⇄ Zapier (${config.stage}): API, polling, delivery, fixed egress, monitoring`,
    tables: stateful.tables,
    credentialsKey: stateful.credentialsKey,
    eventBus: stateful.eventBus,
    egressAddresses: stateful.egressAddresses,
    pollRateMinutes: config.pollRateMinutes,
    konnektiveApiUrl: config.konnektiveApiUrl,
    hookUrlAllowlist: config.hookUrlAllowlist,
    logLevel: config.logLevel,
    logRetention: config.logRetention,
    ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    ...(options.entriesDir ? { entriesDir: options.entriesDir } : {}),
  });
  for (const stack of [stateful, service]) {
    Tags.of(stack).add('project', 'konnektive-zapier');
    Tags.of(stack).add('stage', config.stage);
  }
  return { stateful, service };
};
