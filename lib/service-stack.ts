/**
 * Everything stateless: the fixed-egress network, the HTTP API, polling, hook delivery and monitoring. It can be
 * destroyed and redeployed: the data, the delivery and dead-letter queues, the egress Elastic IPs, the alarm topics
 * and the custom domain live in the {@link StatefulStack}. (Only the poll request queue is here: the dispatcher
 * refills it every tick.)
 */
import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { TableKey } from '../functions/adapters/dynamodb/tables.js';
import type { HandlerName } from '../functions/handlers/catalog.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/platform/telemetry.js';
import { ActionApi, type ThrottleLimits } from './constructs/action-api.js';
import {
  type EgressAddress,
  type EgressMode,
  FixedEgressNetwork,
} from './constructs/fixed-egress-network.js';
import type { HandlerContext } from './constructs/handler-function.js';
import { HookDelivery } from './constructs/hook-delivery.js';
import { KonnektivePoller } from './constructs/konnektive-poller.js';
import { OperationsMonitoring } from './constructs/operations-monitoring.js';
import type { PowertoolsLogLevel, ServiceFunction } from './constructs/service-function.js';
import { StreamMonitor } from './constructs/stream-monitor.js';
import type { AlarmTopics, StatefulQueues } from './stateful-stack.js';

/** The real Lambda entries: `<repo>/functions/lambda`. */
export const DEFAULT_ENTRIES_DIR = fileURLToPath(new URL('../functions/lambda', import.meta.url));

export interface ServiceStackProps extends StackProps {
  /** The tables, key, bus and egress Elastic IPs of the stateful stack. */
  readonly tables: Readonly<Record<TableKey, dynamodb.ITable>>;
  readonly credentialsKey: kms.IKey;
  readonly eventBus: events.IEventBus;
  /** Directory of the `<name>.ts` Lambda entries. @default DEFAULT_ENTRIES_DIR */
  readonly entriesDir?: string;
  /** One Elastic IP per availability zone of the egress VPC (one NAT gateway or instance each), in AZ order. */
  readonly egressAddresses: readonly EgressAddress[];
  /** NAT gateways or NAT instances. @default NAT gateways */
  readonly egress?: EgressMode;
  /**
   * The egress AZs by name, in address order: the stack's `availabilityZones`, so an environment-specific stack
   * needs no AZ lookup at synth time. @default the region's first AZs (an environment-agnostic stack: two)
   */
  readonly availabilityZones?: readonly string[];
  /** Seconds between polls of one (connection, stream): the poller's cadence. @default 10 */
  readonly pollIntervalSeconds?: number;
  /** Konnektive API base URL. */
  readonly konnektiveApiUrl: string;
  /** URL prefixes a hook targetUrl must start with. */
  readonly hookUrlAllowlist: readonly string[];
  /** Where alarms go (the stateful stack's topics, so their subscriptions survive this stack). */
  readonly alarmTopics: AlarmTopics;
  /** The delivery queue and the dead-letter queues (the stateful stack's, so their messages survive this stack). */
  readonly queues: StatefulQueues;
  /**
   * The custom domain the stateful stack created for the API: the API is mapped onto it and `ApiUrl` is
   * `https://<domain>/`. @default none (`ApiUrl` is the execute-api URL)
   */
  readonly customDomainName?: string;
  /** @default 'INFO' */
  readonly logLevel?: PowertoolsLogLevel;
  /** X-Ray subsegments for every call a function makes. @default false */
  readonly traceCalls?: boolean;
  /** Retention of function, access and flow logs. @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Default API throttling. @default see ActionApi */
  readonly apiThrottle?: ThrottleLimits;
}

export class ServiceStack extends Stack {
  public readonly network: FixedEgressNetwork;
  public readonly api: ActionApi;
  public readonly poller: KonnektivePoller;
  public readonly delivery: HookDelivery;
  public readonly streamMonitor: StreamMonitor;
  public readonly monitoring: OperationsMonitoring;
  /** Every function by handler name (functions/handlers/catalog.ts). */
  public readonly functions: Readonly<Record<HandlerName, ServiceFunction>>;
  /** Seconds between polls of one (connection, stream). */
  public readonly pollIntervalSeconds: number;
  /** The URL the Zapier app calls (`API_BASE_URL`): the custom domain when there is one. */
  public readonly apiUrl: string;
  /** Maps the API onto the custom domain, when there is one. */
  public readonly apiMapping?: apigw.CfnApiMapping;

  private readonly explicitAvailabilityZones?: readonly string[];

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    this.explicitAvailabilityZones = props.availabilityZones;
    this.pollIntervalSeconds = props.pollIntervalSeconds ?? 10;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.network = new FixedEgressNetwork(this, 'Network', {
      egressAddresses: props.egressAddresses,
      ...(props.egress ? { egress: props.egress } : {}),
      natInstanceNotifications: props.alarmTopics.ticket,
      flowLogRetention: logRetention,
    });

    const context: HandlerContext = {
      entriesDir: props.entriesDir ?? DEFAULT_ENTRIES_DIR,
      tables: props.tables,
      credentialsKey: props.credentialsKey,
      network: this.network,
      konnektiveApiUrl: props.konnektiveApiUrl,
      hookUrlAllowlist: props.hookUrlAllowlist,
      powertools: {
        serviceName: SERVICE_NAME,
        metricsNamespace: METRICS_NAMESPACE,
        ...(props.logLevel ? { logLevel: props.logLevel } : {}),
        ...(props.traceCalls === undefined ? {} : { traceCalls: props.traceCalls }),
      },
      logRetention,
    };

    this.api = new ActionApi(this, 'Api', {
      context,
      accessLogRetention: logRetention,
      ...(props.apiThrottle ? { throttle: props.apiThrottle } : {}),
    });
    this.poller = new KonnektivePoller(this, 'Poller', {
      context,
      eventBus: props.eventBus,
      pollDeadLetterQueue: props.queues.pollDeadLetter,
      scheduleDeadLetterQueue: props.queues.scheduleDeadLetter,
      pollIntervalSeconds: this.pollIntervalSeconds,
    });
    this.delivery = new HookDelivery(this, 'Delivery', {
      context,
      queue: props.queues.delivery,
      deadLetterQueue: props.queues.deliveryDeadLetter,
    });

    this.streamMonitor = new StreamMonitor(this, 'StreamMonitor', {
      context,
      scheduleDeadLetterQueue: props.queues.scheduleDeadLetter,
    });

    this.functions = {
      ...this.api.functions,
      'dispatch-polls': this.poller.dispatchFunction,
      'poll-stream': this.poller.pollFunction,
      'deliver-events': this.delivery.deliverFunction,
      'monitor-streams': this.streamMonitor.monitorFunction,
    };

    this.monitoring = new OperationsMonitoring(this, 'Monitoring', {
      metricsNamespace: METRICS_NAMESPACE,
      serviceName: SERVICE_NAME,
      functions: Object.fromEntries(Object.entries(this.functions).map(([name, fn]) => [name, fn.function])),
      pollLogGroup: this.poller.pollFunction.logGroup,
      monitorLogGroup: this.streamMonitor.monitorFunction.logGroup,
      deliveryQueue: this.delivery.queue,
      pollQueue: this.poller.pollQueue,
      deadLetterQueues: {
        Delivery: this.delivery.deadLetterQueue,
        Poll: this.poller.pollDeadLetterQueue,
        Schedule: this.poller.scheduleDeadLetterQueue,
      },
      httpApi: this.api.httpApi,
      alarmTopics: props.alarmTopics,
    });

    this.apiUrl = this.api.url;
    if (props.customDomainName) {
      // By name, not by reference: no export ties the stateful stack's domain to this stack.
      this.apiMapping = new apigw.CfnApiMapping(this, 'ApiMapping', {
        domainName: props.customDomainName,
        apiId: this.api.httpApi.apiId,
        stage: this.api.stage.stageName,
      });
      this.apiMapping.node.addDependency(this.api.stage);
      this.apiUrl = `https://${props.customDomainName}/`;
    }
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the HTTP API: set it as API_BASE_URL in the Zapier app',
      value: this.apiUrl,
    });
    new CfnOutput(this, 'EgressIps', {
      description:
        'Whitelist each of these on the Konnektive API user (Admin → Users → API user → IP whitelist)',
      value: this.network.egressIps,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'CloudWatch dashboard',
      value: this.monitoring.dashboardUrl,
    });
  }

  /** The committed AZ names when given: no context lookup (an offline synth of an environment-specific stack). */
  override get availabilityZones(): string[] {
    return this.explicitAvailabilityZones ? [...this.explicitAvailabilityZones] : super.availabilityZones;
  }
}
