/**
 * Everything that holds state and must outlive a redeploy or a replacement of the service: the DynamoDB tables (one
 * per definition in `functions/adapters/dynamodb/tables.ts`), the KMS key that encrypts Konnektive passwords, the
 * EventBridge bus with its replay archive, the delivery queue (up to days of pending retries) with the bus rule that
 * feeds it, every dead-letter queue, the Elastic IPs the service's NAT gateways or instances leave from (merchants
 * whitelist them by hand in Konnektive, so losing one means an outage until every merchant updates the whitelist),
 * the page and ticket alarm topics with their subscriptions (confirmed once, never dropped by a service redeploy),
 * and the API's optional custom domain (the URL every Zapier app version points at). Tables, key, queues and Elastic
 * IPs are retained when the stack is deleted.
 */
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53targets from 'aws-cdk-lib/aws-route53-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLES, type TableDefinition, type TableKey } from '../functions/adapters/dynamodb/tables.js';
import type { EgressAddress } from './constructs/fixed-egress-network.js';
import { DeliveryQueues } from './constructs/hook-delivery.js';
import { PollDeadLetterQueues } from './constructs/konnektive-poller.js';

import { EVENT_SOURCE } from './event-contract.js';

export { EVENT_DETAIL_TYPE, EVENT_SOURCE } from './event-contract.js';

/** Who an alarm topic notifies. */
export interface AlarmSubscribers {
  readonly emails: readonly string[];
  /** HTTPS endpoints (an incident tool's SNS integration URL); they must confirm the subscription. */
  readonly httpsEndpoints: readonly string[];
}

/** The two alarm routes: `page` wakes someone up, `ticket` can wait for working hours. */
export interface AlarmTopics {
  readonly page: sns.ITopic;
  readonly ticket: sns.ITopic;
}

/** The queues the service stack consumes or dead-letters to, all retained here. */
export interface StatefulQueues {
  readonly delivery: sqs.IQueue;
  readonly deliveryDeadLetter: sqs.IQueue;
  readonly pollDeadLetter: sqs.IQueue;
  readonly scheduleDeadLetter: sqs.IQueue;
}

/** A custom domain for the HTTP API, from committed values (no lookups). */
export interface CustomDomain {
  /** The API's host name, e.g. `zapier-api.example.com`. */
  readonly domainName: string;
  /** An ACM certificate covering `domainName`, in the stack's region. */
  readonly certificateArn: string;
  /** The Route 53 hosted zone to create the alias record in; absent: DNS is managed elsewhere. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
}

export interface StatefulStackProps extends StackProps {
  /** Availability zones of the service's egress VPC: one Elastic IP is allocated for each. */
  readonly azCount: number;
  /** How long the bus archive keeps events for replay. @default 30 days */
  readonly archiveRetention?: Duration;
  /** Subscribers of the alarm topics. @default none (the topics exist, nobody is notified) */
  readonly alarmSubscribers?: { readonly page: AlarmSubscribers; readonly ticket: AlarmSubscribers };
  /** A stable host name for the API (the service stack maps its API onto it). @default none */
  readonly customDomain?: CustomDomain;
}

export class StatefulStack extends Stack {
  public readonly tables: Readonly<Record<TableKey, dynamodb.Table>>;
  /** Encrypts stored Konnektive passwords (always with a `connectionId` encryption context). */
  public readonly credentialsKey: kms.Key;
  public readonly eventBus: events.EventBus;
  public readonly eventArchive: events.Archive;
  /** The NAT gateways' Elastic IPs, one per AZ in AZ order (`ElasticIp1`, `ElasticIp2`, …). */
  public readonly elasticIps: readonly ec2.CfnEIP[];
  /** The same Elastic IPs as the service's FixedEgressNetwork takes them. */
  public readonly egressAddresses: readonly EgressAddress[];
  /** Their public addresses, comma-separated (a token until deployment). */
  public readonly egressIps: string;
  /** Where the service's alarms go, by route. */
  public readonly alarmTopics: { readonly page: sns.Topic; readonly ticket: sns.Topic };
  /** The bus rule, the delivery queue and its dead-letter queue. */
  public readonly delivery: DeliveryQueues;
  /** The poll and schedule dead-letter queues. */
  public readonly pollDeadLetters: PollDeadLetterQueues;
  /** Every queue the service stack uses except its own poll request queue. */
  public readonly queues: StatefulQueues;
  /** The API's custom domain, when configured. */
  public readonly apiDomain?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    if (!Number.isInteger(props.azCount) || props.azCount < 1) {
      throw new Error(`azCount must be a positive integer, got ${props.azCount}`);
    }

    this.tables = Object.fromEntries(
      (Object.entries(TABLES) as [TableKey, TableDefinition][]).map(([key, definition]) => [
        key,
        createTable(this, definition),
      ]),
    ) as Record<TableKey, dynamodb.Table>;

    this.credentialsKey = new kms.Key(this, 'CredentialsKey', {
      description: 'Encrypts Konnektive API user passwords at rest (encryption context: connectionId)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.eventBus = new events.EventBus(this, 'EventBus', {
      description: 'Konnektive events detected by the poller, routed to hook delivery',
    });
    // Replays after a delivery outage longer than the queue's retention, or after a bad deploy.
    this.eventArchive = new events.Archive(this, 'EventArchive', {
      sourceEventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: props.archiveRetention ?? Duration.days(30),
      description: 'Detected Konnektive events, kept for replay',
    });

    this.delivery = new DeliveryQueues(this, 'Delivery', { eventBus: this.eventBus });
    this.pollDeadLetters = new PollDeadLetterQueues(this, 'Poller');
    this.queues = {
      delivery: this.delivery.queue,
      deliveryDeadLetter: this.delivery.deadLetterQueue,
      pollDeadLetter: this.pollDeadLetters.pollDeadLetterQueue,
      scheduleDeadLetter: this.pollDeadLetters.scheduleDeadLetterQueue,
    };

    // The construct ids are the logical ids: renaming one would allocate a new address (and orphan the old one).
    this.elasticIps = Array.from({ length: props.azCount }, (_, index) => createElasticIp(this, index + 1));
    this.egressAddresses = this.elasticIps.map((eip) => ({
      allocationId: eip.attrAllocationId,
      publicIp: eip.attrPublicIp,
    }));
    this.egressIps = Fn.join(
      ',',
      this.elasticIps.map((eip) => eip.attrPublicIp),
    );
    // Also here, not only in the service stack: deploying this stack alone shows the addresses to whitelist before
    // any traffic leaves from them.
    new CfnOutput(this, 'EgressIps', {
      description:
        'Whitelist each of these on the Konnektive API user (Admin → Users → API user → IP whitelist)',
      value: this.egressIps,
    });

    const noSubscribers: AlarmSubscribers = { emails: [], httpsEndpoints: [] };
    this.alarmTopics = {
      page: createAlarmTopic(this, 'PageTopic', 'page', props.alarmSubscribers?.page ?? noSubscribers),
      ticket: createAlarmTopic(
        this,
        'TicketTopic',
        'ticket',
        props.alarmSubscribers?.ticket ?? noSubscribers,
      ),
    };
    new CfnOutput(this, 'PageTopicArn', {
      description: 'Alarms that need someone now',
      value: this.alarmTopics.page.topicArn,
    });
    new CfnOutput(this, 'TicketTopicArn', {
      description: 'Alarms that can wait for working hours',
      value: this.alarmTopics.ticket.topicArn,
    });

    if (props.customDomain) this.apiDomain = this.createApiDomain(props.customDomain);
  }

  /** The API Gateway custom domain (the service stack maps its API onto it) and, given a zone, its alias record. */
  private createApiDomain(domain: CustomDomain): apigw.DomainName {
    const apiDomain = new apigw.DomainName(this, 'ApiDomain', {
      domainName: domain.domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'ApiCertificate', domain.certificateArn),
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    if (domain.hostedZone) {
      new route53.ARecord(this, 'ApiAliasRecord', {
        zone: route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
          hostedZoneId: domain.hostedZone.id,
          zoneName: domain.hostedZone.name,
        }),
        recordName: domain.domainName,
        target: route53.RecordTarget.fromAlias(
          new route53targets.ApiGatewayv2DomainProperties(
            apiDomain.regionalDomainName,
            apiDomain.regionalHostedZoneId,
          ),
        ),
      });
    } else {
      new CfnOutput(this, 'ApiDomainTarget', {
        description: `Point ${domain.domainName} here (CNAME, or an alias in Route 53)`,
        value: apiDomain.regionalDomainName,
      });
    }
    return apiDomain;
  }
}

/** A TLS-only topic CloudWatch alarms of this account may publish to, with the stage file's subscribers. */
const createAlarmTopic = (
  scope: Stack,
  id: string,
  route: string,
  subscribers: AlarmSubscribers,
): sns.Topic => {
  const topic = new sns.Topic(scope, id, {
    displayName: `Konnektive ⇄ Zapier ${route} alarms`,
    enforceSSL: true,
  });
  // The topic policy replaces SNS's default one: say explicitly that this account's alarms may publish.
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      actions: ['sns:Publish'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': scope.account },
        ArnLike: {
          'aws:SourceArn': `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.account}:alarm:*`,
        },
      },
    }),
  );
  for (const email of subscribers.emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
  for (const url of subscribers.httpsEndpoints) {
    topic.addSubscription(
      new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }),
    );
  }
  return topic;
};

/** An Elastic IP for NAT gateway `ordinal` (1-based), kept when the stack is deleted or the resource replaced. */
const createElasticIp = (scope: Stack, ordinal: number): ec2.CfnEIP => {
  const eip = new ec2.CfnEIP(scope, `ElasticIp${ordinal}`, {
    domain: 'vpc',
    // A Name, so the address is recognisable (and not released by mistake) in the EC2 console.
    tags: [{ key: 'Name', value: `${scope.stackName}-egress-${ordinal}` }],
  });
  eip.applyRemovalPolicy(RemovalPolicy.RETAIN);
  return eip;
};

const attributeType = (type: 'S' | 'N'): dynamodb.AttributeType =>
  type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;

const createTable = (scope: Construct, definition: TableDefinition): dynamodb.Table =>
  new dynamodb.Table(scope, definition.id, {
    partitionKey: { name: definition.partitionKey.name, type: attributeType(definition.partitionKey.type) },
    ...(definition.sortKey
      ? { sortKey: { name: definition.sortKey.name, type: attributeType(definition.sortKey.type) } }
      : {}),
    ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
