/**
 * DynamoDB adapters for the storage ports. Handlers build one document client and the stores once, at module
 * scope: `createDynamoDbStores({ client: createDocumentClient(config), tableNames })`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  ConnectionStore,
  CursorStore,
  DeliveryMarkerStore,
  EventLedger,
  IdempotencyStore,
  SubscriptionStore,
  TokenStore,
} from '../../core/ports.js';
import { DynamoDbConnectionStore } from './connection-store.js';
import { DynamoDbCursorStore } from './cursor-store.js';
import { DynamoDbDeliveryMarkerStore } from './delivery-marker-store.js';
import { DynamoDbEventLedger } from './event-ledger.js';
import { DynamoDbIdempotencyStore } from './idempotency-store.js';
import { DynamoDbSubscriptionStore } from './subscription-store.js';
import type { TableNames } from './tables.js';
import { DynamoDbTokenStore } from './token-store.js';

export { createDocumentClient, createDynamoDbClient, type DynamoDbClientOptions } from './client.js';
export { DynamoDbConnectionStore } from './connection-store.js';
export { DynamoDbCursorStore } from './cursor-store.js';
export { DynamoDbDeliveryMarkerStore } from './delivery-marker-store.js';
export { StoreError, SubscriptionExistsError } from './errors.js';
export { DynamoDbEventLedger } from './event-ledger.js';
export { DynamoDbHookRateLimiter } from './hook-rate-limiter.js';
export { DynamoDbIdempotencyStore } from './idempotency-store.js';
export type { PagedStoreOptions } from './items.js';
export { DynamoDbSubscriptionStore } from './subscription-store.js';
export { localTableNames, TABLES, type TableNames } from './tables.js';
export { DynamoDbTokenStore } from './token-store.js';

/** Every storage port, backed by DynamoDB. */
export interface DynamoDbStores {
  connections: ConnectionStore;
  tokens: TokenStore;
  subscriptions: SubscriptionStore;
  cursors: CursorStore;
  ledger: EventLedger;
  deliveries: DeliveryMarkerStore;
  idempotency: IdempotencyStore;
}

/** Builds all seven stores on one client (one connection pool), each on its own table. */
export const createDynamoDbStores = ({
  client,
  tableNames,
}: {
  client: DynamoDBDocumentClient;
  tableNames: TableNames;
}): DynamoDbStores => ({
  connections: new DynamoDbConnectionStore(client, tableNames.connections),
  tokens: new DynamoDbTokenStore(client, tableNames.tokens),
  subscriptions: new DynamoDbSubscriptionStore(client, tableNames.subscriptions),
  cursors: new DynamoDbCursorStore(client, tableNames.cursors),
  ledger: new DynamoDbEventLedger(client, tableNames.ledger),
  deliveries: new DynamoDbDeliveryMarkerStore(client, tableNames.deliveries),
  idempotency: new DynamoDbIdempotencyStore(client, tableNames.idempotency),
});
