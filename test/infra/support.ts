/**
 * Shared setup of the infra tests: the app built with fixture handlers (tiny stubs, so bundling takes milliseconds
 * and the tests do not depend on the real handlers), synthesized once per test file, plus helpers that find
 * resources through their constructs (never through hard-coded, hashed logical IDs).
 */
import { fileURLToPath } from 'node:url';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import type { HandlerName } from '../../functions/handlers/catalog.js';
import {
  createKonnektiveZapierStacks,
  type DeploymentConfig,
  type KonnektiveZapierStacks,
} from '../../lib/app.js';

export const FIXTURE_ENTRIES_DIR = fileURLToPath(new URL('./fixtures/lambda', import.meta.url));

/** The configuration tests build with; obviously fake values. */
export const TEST_CONFIG: DeploymentConfig = {
  stage: 'test',
  production: false,
  azCount: 2,
  egress: { mode: 'nat-gateway' },
  alarms: {
    page: {
      emails: ['oncall@example.com'],
      httpsEndpoints: ['https://events.pagerduty.example/integration/x'],
    },
    ticket: { emails: ['ops@example.com'], httpsEndpoints: [] },
  },
  pollIntervalSeconds: 10,
  konnektiveApiUrl: 'https://api.konnektive.example',
  hookUrlAllowlist: ['https://hooks.zapier.com/'],
  logLevel: 'INFO',
  traceCalls: false,
  logRetention: RetentionDays.ONE_MONTH,
};

/**
 * The 18 handlers and the route or trigger each serves: the 14, the stream monitor, the two searches and the
 * contract probe.
 */
export const EXPECTED_HANDLERS: readonly HandlerName[] = [
  'create-session',
  'get-me',
  'revoke-session',
  'create-subscription',
  'list-subscriptions',
  'delete-subscription',
  'get-samples',
  'run-action',
  'find-orders',
  'find-customers',
  'list-campaigns',
  'list-campaign-products',
  'probe-contract',
  'get-openapi',
  'dispatch-polls',
  'poll-stream',
  'deliver-events',
  'monitor-streams',
];

/** Handlers that call Konnektive and must leave through the fixed egress. */
export const KONNEKTIVE_CALLERS: readonly HandlerName[] = [
  'create-session',
  'get-samples',
  'run-action',
  'find-orders',
  'find-customers',
  'list-campaigns',
  'list-campaign-products',
  'probe-contract',
  'poll-stream',
];

export interface SynthesizedApp extends KonnektiveZapierStacks {
  readonly app: App;
  readonly statefulTemplate: Template;
  readonly serviceTemplate: Template;
}

/**
 * Builds and synthesizes both stacks (one synth per call: share it with `beforeAll`). `bundle: false` skips esbuild
 * for variants whose assertions do not concern the code assets.
 */
export const synthesize = (
  overrides: Partial<DeploymentConfig> = {},
  options: { bundle?: boolean } = {},
): SynthesizedApp => {
  const app = new App(options.bundle === false ? { context: { 'aws:cdk:bundling-stacks': [] } } : {});
  const stacks = createKonnektiveZapierStacks(
    app,
    { ...TEST_CONFIG, ...overrides },
    { entriesDir: FIXTURE_ENTRIES_DIR },
  );
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    serviceTemplate: Template.fromStack(stacks.service),
  };
};

/** The logical ID CloudFormation knows `construct` (an L1, or an L2 through its default child) by. */
export const logicalIdOf = (construct: IConstruct): string => {
  const resource = (construct.node.defaultChild ?? construct) as CfnResource;
  return Stack.of(resource).resolve(resource.logicalId) as string;
};

/** A template resource as plain JSON. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export const resourceOf = (template: Template, logicalId: string): TemplateResource => {
  const resources = template.toJSON().Resources as Record<string, TemplateResource>;
  const resource = resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId} in template`);
  return resource;
};

/** A function's environment variables (empty when it has none). */
export const environmentOf = (template: Template, logicalId: string): Record<string, unknown> => {
  const environment = resourceOf(template, logicalId).Properties?.Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
};

/** One IAM policy statement as synthesized. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: Statement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** Every statement of every inline policy attached to the role with logical ID `roleId`. */
export const statementsOfRole = (template: Template, roleId: string): Statement[] => {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      ((policy.Properties?.Roles ?? []) as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument.Statement ?? []) as Statement[]);
};

/**
 * Follows a cross-stack reference: `{ "Fn::ImportValue": name }` in the service template → the value the stateful
 * stack exports under that name (e.g. `{ "Fn::GetAtt": [id, "Arn"] }`). Anything else is returned as is.
 */
export const followImport = (value: unknown, exporter: Template): unknown => {
  if (typeof value !== 'object' || value === null || !('Fn::ImportValue' in value)) return value;
  const name = (value as Record<string, unknown>)['Fn::ImportValue'];
  const outputs = exporter.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  const output = Object.values(outputs).find((candidate) => candidate.Export?.Name === name);
  if (!output) throw new Error(`no export named ${JSON.stringify(name)}`);
  return output.Value;
};

/** The logical ID a `{ Ref }` or `{ Fn::GetAtt }` points at, or undefined. */
export const referencedId = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
};
