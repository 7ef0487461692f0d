/**
 * The project's Lambda function: NodejsFunction with our defaults (Node 22, arm64, ESM, minified, source maps, local
 * esbuild — never Docker), an explicit log group with retention, its own role with no managed policies, active
 * tracing and the Powertools settings. Callers' props win over the defaults and their environment is merged, never
 * dropped.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleDefines, DEFAULT_TRACE_CALLS, LAMBDA_BUNDLE } from '../bundling.js';

/** Powertools log levels (`POWERTOOLS_LOG_LEVEL`). */
export type PowertoolsLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** Settings every function shares with the Powertools logger, metrics and tracer. */
export interface PowertoolsSettings {
  /** `POWERTOOLS_SERVICE_NAME`, also the `service` dimension of every metric. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`. */
  readonly metricsNamespace: string;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /**
   * X-Ray subsegments for every call a function makes (the Powertools tracer: Konnektive, hooks, AWS), bundled and
   * loaded at init only when on. Lambda's own segments (active tracing) are recorded either way.
   * @default false (lib/bundling.ts, DEFAULT_TRACE_CALLS)
   */
  readonly traceCalls?: boolean;
}

/**
 * Props of {@link ServiceFunction}: NodejsFunction's, minus the deprecated log-retention custom resource and the log
 * group (every function gets its own, with `logRetention`).
 */
export interface ServiceFunctionProps
  extends Omit<
    nodejs.NodejsFunctionProps,
    'logRetention' | 'logRetentionRole' | 'logRetentionRetryOptions' | 'logGroup'
  > {
  /** Path of the handler's TypeScript entry file. */
  readonly entry: string;
  readonly powertools: PowertoolsSettings;
  /** Retention of the function's own log group. @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/** NodejsFunction bundling defaults, translated from the shared {@link LAMBDA_BUNDLE} settings. */
export const DEFAULT_BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  format: nodejs.OutputFormat.ESM,
  target: LAMBDA_BUNDLE.target,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  minify: LAMBDA_BUNDLE.minify,
  sourceMap: LAMBDA_BUNDLE.sourceMap,
  sourceMapMode: nodejs.SourceMapMode.DEFAULT,
  sourcesContent: LAMBDA_BUNDLE.sourcesContent,
  externalModules: [...LAMBDA_BUNDLE.external],
  banner: LAMBDA_BUNDLE.banner,
  // The CDK has no `alias` option; esbuild's CLI spells it `--alias:<module>=<path>`.
  esbuildArgs: Object.fromEntries(
    Object.entries(LAMBDA_BUNDLE.alias).map(([module, path]) => [`--alias:${module}`, path]),
  ),
};

/**
 * Actions Lambda needs on the execution role to attach a function to a VPC. They act on network interfaces that do
 * not exist yet, so they cannot be scoped to a resource (the AWS-managed AWSLambdaVPCAccessExecutionRole uses `*`).
 */
const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** A Lambda function with the project's defaults; see the module comment. */
export class ServiceFunction extends Construct implements iam.IGrantable {
  public readonly function: nodejs.NodejsFunction;
  public readonly logGroup: logs.ILogGroup;
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { powertools, logRetention, environment, bundling, ...functionProps } = props;
    const traceCalls = powertools.traceCalls ?? DEFAULT_TRACE_CALLS;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    if (props.role) {
      this.role = props.role;
    } else {
      const role = new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${this.node.path}`,
      });
      // Instead of AWSLambdaBasicExecutionRole (logs:CreateLogGroup on *): write to this function's log group only.
      this.logGroup.grantWrite(role);
      if (props.vpc) {
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: VPC_ACCESS_ACTIONS, resources: ['*'] }));
      }
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only actions without resource-level permissions use "*": X-Ray PutTraceSegments/PutTelemetryRecords ' +
          '(active tracing) and, for VPC functions, the EC2 network-interface actions Lambda needs to attach to the VPC',
      });
      this.role = role;
    }

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      ...functionProps,
      role: this.role,
      logGroup: this.logGroup,
      bundling: {
        ...DEFAULT_BUNDLING,
        define: bundleDefines(traceCalls),
        ...bundling,
      },
      environment: {
        POWERTOOLS_SERVICE_NAME: powertools.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: powertools.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: powertools.logLevel ?? 'INFO',
        // Handlers carry customer PII and card data: never log whole events, never put responses into traces.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_TRACE_ENABLED: String(traceCalls),
        ...environment,
      },
    });
    this.grantPrincipal = this.function.grantPrincipal;

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime this code is built and tested on (package.json engines, esbuild target node22); ' +
        'moving to a newer runtime is a deliberate upgrade, not a drive-by',
    });
  }

  /** Adds (or overrides) one environment variable. */
  addEnvironment(key: string, value: string): this {
    this.function.addEnvironment(key, value);
    return this;
  }
}
