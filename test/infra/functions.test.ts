import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableKey } from '../../functions/adapters/dynamodb/tables.js';
import {
  API_HANDLERS,
  API_TIME_LIMITS,
  type HandlerName,
  KONNEKTIVE_API_BUDGET_MS,
} from '../../functions/handlers/catalog.js';
import { ServiceFunction } from '../../lib/constructs/service-function.js';
import {
  EXPECTED_HANDLERS,
  FIXTURE_ENTRIES_DIR,
  logicalIdOf,
  resourceOf,
  type SynthesizedApp,
  synthesize,
  TEST_CONFIG,
} from './support.js';

/** Which tables each handler may see, from the function table. */
const EXPECTED_TABLES: Record<HandlerName, TableKey[]> = {
  'create-session': ['connections', 'tokens'],
  'get-me': ['tokens', 'connections'],
  'revoke-session': ['tokens', 'connections'],
  'create-subscription': ['tokens', 'connections', 'subscriptions', 'cursors'],
  'list-subscriptions': ['tokens', 'connections', 'subscriptions'],
  'delete-subscription': ['tokens', 'connections', 'subscriptions'],
  'get-samples': ['tokens', 'connections'],
  'run-action': ['tokens', 'connections', 'idempotency'],
  'find-orders': ['tokens', 'connections'],
  'find-customers': ['tokens', 'connections'],
  'list-campaigns': ['tokens', 'connections'],
  'list-campaign-products': ['tokens', 'connections'],
  'probe-contract': ['tokens', 'connections'],
  'get-openapi': [],
  'dispatch-polls': ['subscriptions'],
  'poll-stream': ['connections', 'cursors', 'ledger'],
  'deliver-events': ['subscriptions', 'deliveries', 'hookRates'],
  'monitor-streams': ['subscriptions', 'cursors', 'connections'],
};

const EXPECTED_TIMEOUT_SECONDS = (name: HandlerName): number =>
  name === 'poll-stream'
    ? 300
    : name === 'dispatch-polls' || name === 'deliver-events' || name === 'monitor-streams'
      ? 60
      : 28;

/** Environment variables beyond tables and Powertools that each handler needs. */
const EXPECTED_EXTRA_ENV: Record<HandlerName, string[]> = {
  'create-session': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'get-me': [],
  'revoke-session': [],
  'create-subscription': ['HOOK_URL_ALLOWLIST'],
  'list-subscriptions': [],
  'delete-subscription': [],
  'get-samples': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'run-action': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'find-orders': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'find-customers': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'list-campaigns': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'list-campaign-products': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'probe-contract': ['KMS_KEY_ID', 'KONNEKTIVE_API_URL', 'EGRESS_IPS'],
  'get-openapi': [],
  'dispatch-polls': ['POLL_QUEUE_URL', 'POLL_INTERVAL_SECONDS', 'SCHEDULER_TICK_SECONDS'],
  'poll-stream': [
    'KMS_KEY_ID',
    'KONNEKTIVE_API_URL',
    'EGRESS_IPS',
    'EVENT_BUS_NAME',
    'POLL_LEASE_SECONDS',
    'POLL_SETTLE_SECONDS',
  ],
  'deliver-events': ['HOOK_URL_ALLOWLIST', 'DELIVERY_QUEUE_URL', 'DELIVERY_DLQ_URL'],
  'monitor-streams': ['MONITOR_MAX_POLL_SECONDS', 'POLL_LEASE_SECONDS'],
};

const POWERTOOLS_ENV = {
  POWERTOOLS_SERVICE_NAME: 'konnektive-zapier',
  POWERTOOLS_METRICS_NAMESPACE: 'KonnektiveZapier',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_LOGGER_LOG_EVENT: 'false',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  // Call tracing is off unless the stage turns it on (config/schema.ts, traceCalls).
  POWERTOOLS_TRACE_ENABLED: 'false',
};

interface FunctionProperties {
  Runtime: string;
  Architectures: string[];
  Handler: string;
  Timeout: number;
  MemorySize: number;
  TracingConfig: { Mode: string };
  LoggingConfig: { LogGroup: unknown };
  Environment: { Variables: Record<string, unknown> };
  Description: string;
  FunctionName?: string;
}

describe('API time budgets nest: Konnektive budget < function timeout < API Gateway integration timeout ≤ 29 s', () => {
  let synthesized: SynthesizedApp;
  beforeAll(() => {
    // Without bundling: only timeouts and integrations are read.
    synthesized = synthesize({}, { bundle: false });
  });
  const apiNames = Object.keys(API_HANDLERS) as (keyof typeof API_HANDLERS)[];

  it('the constants nest, with the answer margin between the Konnektive budget and the function timeout', () => {
    expect(API_TIME_LIMITS.gatewayIntegrationMs).toBeLessThanOrEqual(29_000);
    expect(API_TIME_LIMITS.functionTimeoutMs).toBeLessThan(API_TIME_LIMITS.gatewayIntegrationMs);
    expect(KONNEKTIVE_API_BUDGET_MS).toBeLessThan(API_TIME_LIMITS.functionTimeoutMs);
    expect(KONNEKTIVE_API_BUDGET_MS + API_TIME_LIMITS.answerMarginMs).toBeLessThanOrEqual(
      API_TIME_LIMITS.functionTimeoutMs,
    );
  });

  it.each(apiNames)(
    '%s: its function times out after the Konnektive budget and before its integration',
    (name) => {
      const fn = synthesized.service.functions[name];
      const timeoutMs =
        (resourceOf(synthesized.serviceTemplate, logicalIdOf(fn.function)).Properties?.Timeout as number) *
        1000;
      expect(timeoutMs).toBe(API_TIME_LIMITS.functionTimeoutMs);
      expect(KONNEKTIVE_API_BUDGET_MS).toBeLessThan(timeoutMs);
      const integrations = Object.values(
        synthesized.serviceTemplate.findResources('AWS::ApiGatewayV2::Integration'),
      ).filter((integration) =>
        JSON.stringify(integration.Properties?.IntegrationUri).includes(logicalIdOf(fn.function)),
      );
      expect(integrations).toHaveLength(1);
      const integrationMs = integrations[0]?.Properties?.TimeoutInMillis as number;
      expect(integrationMs).toBe(API_TIME_LIMITS.gatewayIntegrationMs);
      expect(timeoutMs).toBeLessThan(integrationMs);
      expect(integrationMs).toBeLessThanOrEqual(29_000);
    },
  );
});

describe('the 18 functions', () => {
  let synthesized: SynthesizedApp;
  const propertiesOf = (name: HandlerName): FunctionProperties =>
    resourceOf(synthesized.serviceTemplate, logicalIdOf(synthesized.service.functions[name].function))
      .Properties as unknown as FunctionProperties;

  beforeAll(() => {
    synthesized = synthesize();
  });

  it('exist once each, and nothing else is a function', () => {
    expect(Object.keys(synthesized.service.functions).sort()).toEqual([...EXPECTED_HANDLERS].sort());
    synthesized.serviceTemplate.resourceCountIs('AWS::Lambda::Function', EXPECTED_HANDLERS.length);
  });

  describe.each(EXPECTED_HANDLERS)('%s', (name) => {
    it('runs Node.js 22 on arm64 from an ESM bundle, traced, without a fixed name', () => {
      const properties = propertiesOf(name);
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(properties.FunctionName).toBeUndefined();
      expect(properties.Description.startsWith(`${name}: `)).toBe(true);
    });

    it(`times out after ${EXPECTED_TIMEOUT_SECONDS(name)} s`, () => {
      expect(propertiesOf(name).Timeout).toBe(EXPECTED_TIMEOUT_SECONDS(name));
    });

    it('logs to its own log group with a retention', () => {
      const fn = synthesized.service.functions[name];
      const logGroupId = logicalIdOf(fn.logGroup);
      expect(propertiesOf(name).LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
      expect(resourceOf(synthesized.serviceTemplate, logGroupId).Properties).toMatchObject({
        RetentionInDays: 30,
      });
    });

    it('gets the Powertools settings, its tables and its own settings, and nothing more', () => {
      const variables = propertiesOf(name).Environment.Variables;
      const tableVars = EXPECTED_TABLES[name].map((key) => TABLES[key].envVar);
      expect(Object.keys(variables).sort()).toEqual(
        [...Object.keys(POWERTOOLS_ENV), ...tableVars, ...EXPECTED_EXTRA_ENV[name]].sort(),
      );
      expect(variables).toMatchObject(POWERTOOLS_ENV);
      for (const key of EXPECTED_TABLES[name]) {
        // The physical name, generated by CloudFormation in the stateful stack, imported here.
        expect(variables[TABLES[key].envVar]).toHaveProperty(['Fn::ImportValue']);
      }
    });
  });

  it('passes the deployment configuration through to the functions that use it', () => {
    expect(propertiesOf('poll-stream').Environment.Variables.KONNEKTIVE_API_URL).toBe(
      TEST_CONFIG.konnektiveApiUrl,
    );
    expect(propertiesOf('create-subscription').Environment.Variables.HOOK_URL_ALLOWLIST).toBe(
      'https://hooks.zapier.com/',
    );
    expect(propertiesOf('deliver-events').Environment.Variables.HOOK_URL_ALLOWLIST).toBe(
      'https://hooks.zapier.com/',
    );
  });

  it("turns call tracing on in every function when the stage's traceCalls is on", () => {
    const traced = synthesize({ traceCalls: true }, { bundle: false });
    for (const name of EXPECTED_HANDLERS) {
      const fn = traced.service.functions[name].function;
      const properties = resourceOf(traced.serviceTemplate, logicalIdOf(fn))
        .Properties as unknown as FunctionProperties;
      expect(properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('true');
    }
    for (const name of EXPECTED_HANDLERS) {
      expect(propertiesOf(name).Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
    }
  });

  it('bundles each handler as a minified ESM file with a source map and a require shim', () => {
    const assembly = synthesized.app.synth();
    const fn = synthesized.service.functions['get-me'];
    const code = resourceOf(synthesized.serviceTemplate, logicalIdOf(fn.function)).Properties?.Code as {
      S3Key: string;
    };
    const assetDir = join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
  });
});

describe('ServiceFunction', () => {
  const build = (extra: Partial<ConstructorParameters<typeof ServiceFunction>[2]> = {}) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Scratch');
    const fn = new ServiceFunction(stack, 'Probe', {
      entry: join(FIXTURE_ENTRIES_DIR, 'get-me.ts'),
      powertools: { serviceName: 'svc', metricsNamespace: 'Ns', logLevel: 'DEBUG' },
      ...extra,
    });
    const template = Template.fromStack(stack);
    return { fn, template, properties: resourceOf(template, logicalIdOf(fn.function)).Properties ?? {} };
  };

  it("merges the caller's environment into the defaults instead of replacing them", () => {
    const { properties } = build({ environment: { EXTRA: 'yes', POWERTOOLS_LOG_LEVEL: 'WARN' } });
    expect((properties.Environment as { Variables: Record<string, string> }).Variables).toEqual({
      POWERTOOLS_SERVICE_NAME: 'svc',
      POWERTOOLS_METRICS_NAMESPACE: 'Ns',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      POWERTOOLS_TRACE_ENABLED: 'false',
      EXTRA: 'yes',
    });
  });

  it("keeps the caller's props (memory, timeout, retention) over the defaults", () => {
    const { fn, template, properties } = build({
      memorySize: 1769,
      timeout: Duration.seconds(7),
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    expect(properties).toMatchObject({ MemorySize: 1769, Timeout: 7 });
    expect(resourceOf(template, logicalIdOf(fn.logGroup)).Properties).toMatchObject({ RetentionInDays: 7 });
  });

  it('has its own role with no managed policies, allowed to write only its own log group', () => {
    const { fn, template } = build();
    const role = resourceOf(template, logicalIdOf(fn.role));
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdOf(fn.role) }],
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalIdOf(fn.logGroup), 'Arn'] },
          },
          { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
        ],
      },
    });
  });

  it('bundles locally into minified ESM with a require shim, leaving the runtime-provided AWS SDK out', () => {
    const app = new App();
    const stack = new Stack(app, 'Bundled');
    const fn = new ServiceFunction(stack, 'Probe', {
      entry: fileURLToPath(new URL('./fixtures/bundling/sdk-probe.ts', import.meta.url)),
      powertools: { serviceName: 'svc', metricsNamespace: 'Ns' },
    });
    const template = Template.fromStack(stack);
    const code = resourceOf(template, logicalIdOf(fn.function)).Properties?.Code as { S3Key: string };
    const assetDir = join(app.synth().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/from\s*"@aws-sdk\/client-sqs"/);
    expect(bundle).not.toMatch(/from\s*"zod"/);
    expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    // Minified: long lines (only legal comments get lines of their own), not one line per statement.
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
  });

  /** Bundles the observed-probe fixture as the stack would with `traceCalls`, and imports it as Lambda would. */
  const bundledProbe = async (traceCalls: boolean) => {
    const app = new App();
    const stack = new Stack(app, 'Traced');
    const fn = new ServiceFunction(stack, 'Probe', {
      entry: fileURLToPath(new URL('./fixtures/bundling/observed-probe.ts', import.meta.url)),
      powertools: { serviceName: 'svc', metricsNamespace: 'Ns', traceCalls },
    });
    const template = Template.fromStack(stack);
    const properties = resourceOf(template, logicalIdOf(fn.function))
      .Properties as unknown as FunctionProperties;
    const code = (properties as unknown as { Code: { S3Key: string } }).Code;
    const assetDir = join(app.synth().directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundlePath = join(assetDir, 'index.mjs');
    // In a fresh process with the function's environment, in Lambda (where Powertools would trace).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { handler } = await import(process.argv[1]); process.stdout.write(JSON.stringify(await handler({}, { functionName: 'probe', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 })));",
        pathToFileURL(bundlePath).href,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
          AWS_REGION: 'us-east-1',
          AWS_LAMBDA_FUNCTION_NAME: 'probe',
          AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
          // As Lambda's NODE_PATH points at the runtime's SDK: the externals resolve from the project's node_modules.
          NODE_PATH: fileURLToPath(new URL('../../node_modules', import.meta.url)),
          ...properties.Environment.Variables,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
        timeout: 60_000,
      },
    );
    return {
      variables: properties.Environment.Variables,
      bundle: readFileSync(bundlePath, 'utf8'),
      result: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { tracerLoaded?: boolean },
    };
  };

  it('leaves the tracer and the X-Ray SDK out of the bundle unless the stage traces calls', async () => {
    const off = await bundledProbe(false);
    expect(off.variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
    expect(off.result).toEqual({ tracerLoaded: false });
    expect(off.bundle).not.toContain('AWS_XRAY_DAEMON_ADDRESS');

    const on = await bundledProbe(true);
    expect(on.variables.POWERTOOLS_TRACE_ENABLED).toBe('true');
    expect(on.result).toEqual({ tracerLoaded: true });
    expect(on.bundle).toContain('AWS_XRAY_DAEMON_ADDRESS');
    expect(on.bundle.length).toBeGreaterThan(off.bundle.length + 50 * 1024);
  }, 120_000);

  it('takes node:http through require, not an ESM import (whose facade loads undici at init)', async () => {
    const { bundle } = await bundledProbe(true);
    // The tracer patches node:http; the alias (lib/bundling.ts) turns its import into a require of the shim.
    expect(bundle).not.toMatch(/from\s*["']node:http["']/);
    expect(bundle).toMatch(/\("http"\)/);
  }, 120_000);
});
