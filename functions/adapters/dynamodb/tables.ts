/**
 * DynamoDB table definitions: the one place both the CDK stack (lib/) and the local bootstrap read.
 * Logical keys only; physical names come from the environment (CDK-generated in AWS, prefixed locally).
 */

export type AttributeType = 'S' | 'N';

export interface TableDefinition {
  /** Stable logical id, also the suffix of the local table name and the CDK construct id. */
  readonly id: string;
  /** Environment variable that carries the physical table name to functions. */
  readonly envVar: string;
  readonly partitionKey: { name: string; type: AttributeType };
  readonly sortKey?: { name: string; type: AttributeType };
  /** Attribute holding an epoch-seconds expiry, enabled as DynamoDB TTL. */
  readonly ttlAttribute?: string;
  readonly description: string;
}

export const TABLES = {
  connections: {
    id: 'Connections',
    envVar: 'CONNECTIONS_TABLE',
    partitionKey: { name: 'connectionId', type: 'S' },
    description: 'Tenants: Konnektive API user (loginId), encrypted password, time zone, label, status',
  },
  tokens: {
    id: 'Tokens',
    envVar: 'TOKENS_TABLE',
    partitionKey: { name: 'tokenHash', type: 'S' },
    description: 'Bearer tokens by SHA-256 hash → connectionId',
  },
  subscriptions: {
    id: 'Subscriptions',
    envVar: 'SUBSCRIPTIONS_TABLE',
    partitionKey: { name: 'connectionId', type: 'S' },
    sortKey: { name: 'subscriptionId', type: 'S' },
    description: 'REST-hook subscriptions per connection',
  },
  cursors: {
    id: 'Cursors',
    envVar: 'CURSORS_TABLE',
    partitionKey: { name: 'connectionId', type: 'S' },
    sortKey: { name: 'stream', type: 'S' },
    description: 'High-water marks, versions and poll leases per (connection, stream)',
  },
  ledger: {
    id: 'Ledger',
    envVar: 'LEDGER_TABLE',
    partitionKey: { name: 'connectionId', type: 'S' },
    sortKey: { name: 'eventId', type: 'S' },
    ttlAttribute: 'expiresAt',
    description:
      'Every event ever detected per connection (first seen, cursor version), kept past the horizon',
  },
  deliveries: {
    id: 'Deliveries',
    envVar: 'DELIVERIES_TABLE',
    partitionKey: { name: 'subscriptionId', type: 'S' },
    sortKey: { name: 'eventId', type: 'S' },
    ttlAttribute: 'expiresAt',
    description: 'Delivered markers per (subscription, event) so retries never re-post',
  },
  hookRates: {
    id: 'HookRates',
    envVar: 'HOOK_RATES_TABLE',
    partitionKey: { name: 'urlHash', type: 'S' },
    ttlAttribute: 'expiresAt',
    description: 'Per hook URL (by SHA-256): the rate windows booked for it, shared by every deliverer',
  },
  idempotency: {
    id: 'Idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    partitionKey: { name: 'key', type: 'S' },
    ttlAttribute: 'expiresAt',
    description: 'Action results by Idempotency-Key (24 h)',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;
export type TableNames = Record<TableKey, string>;

/** Local/test physical names: `<prefix>-<id>`. */
export const localTableNames = (prefix: string): TableNames =>
  Object.fromEntries(Object.entries(TABLES).map(([key, def]) => [key, `${prefix}-${def.id}`])) as TableNames;
