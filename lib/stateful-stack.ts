/**
 * Everything that holds state and must outlive a redeploy of the service: the DynamoDB tables (one per definition in
 * `functions/adapters/dynamodb/tables.ts`), the KMS key that encrypts Konnektive passwords, and the EventBridge bus
 * with its replay archive. Tables and key are retained when the stack is deleted.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLES, type TableDefinition, type TableKey } from '../functions/adapters/dynamodb/tables.js';

/** `source` of every event the poller publishes (the EventBridge publisher's `EVENT_SOURCE`). */
export const EVENT_SOURCE = 'konnektive-zapier';
/** `detail-type` of a detected CRM event (the EventBridge publisher's `EVENT_DETAIL_TYPE`). */
export const EVENT_DETAIL_TYPE = 'KonnektiveEventDetected';

export interface StatefulStackProps extends StackProps {
  /** How long the bus archive keeps events for replay. @default 30 days */
  readonly archiveRetention?: Duration;
}

export class StatefulStack extends Stack {
  public readonly tables: Readonly<Record<TableKey, dynamodb.Table>>;
  /** Encrypts stored Konnektive passwords (always with a `connectionId` encryption context). */
  public readonly credentialsKey: kms.Key;
  public readonly eventBus: events.EventBus;
  public readonly eventArchive: events.Archive;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);

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
  }
}

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
