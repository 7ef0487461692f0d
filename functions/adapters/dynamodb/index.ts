/**
 * DynamoDB adapters for the storage ports. A process builds one document client and the stores once:
 * `createDynamoDbStores({ client: createDocumentClient(options), tableNames })`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazily } from '../../core/lazy.js';
import type { Stores } from '../../core/ports.js';
import { DynamoDbConnectionStore } from './connection-store.js';
import { DynamoDbCursorStore } from './cursor-store.js';
import { DynamoDbDeliveryMarkerStore } from './delivery-marker-store.js';
import { DynamoDbEventLedger } from './event-ledger.js';
import { DynamoDbIdempotencyStore } from './idempotency-store.js';
import { DynamoDbSubscriptionStore } from './subscription-store.js';
import type { TableKey, TableNames } from './tables.js';
import { DynamoDbTokenStore } from './token-store.js';

export { createDocumentClient, createDynamoDbClient } from './client.js';
export { DynamoDbCursorStore } from './cursor-store.js';
export { DynamoDbEventLedger } from './event-ledger.js';
export { DynamoDbHookRateLimiter } from './hook-rate-limiter.js';
export { DynamoDbIdempotencyStore } from './idempotency-store.js';
export { localTableNames, type TableNames } from './tables.js';
export { DynamoDbTokenStore } from './token-store.js';

/** Every storage port, backed by DynamoDB. */
export type DynamoDbStores = Stores;

/**
 * The one store factory: all seven stores on one client (one connection pool), each on its own table. Each store
 * is built when first used, and only then is its table name resolved, so `tableNames` may be a function that
 * throws for a table the caller was not given (a Lambda function gets only its own tables' names). The hook-rate
 * table is not a store port: `DynamoDbHookRateLimiter` is built beside the stores, on the same client, by the
 * containers that deliver (functions/platform/aws-dependencies.ts).
 */
export const createDynamoDbStores = ({
  client,
  tableNames,
}: {
  client: DynamoDBDocumentClient;
  tableNames: TableNames | ((key: TableKey) => string);
}): DynamoDbStores => {
  const nameOf = typeof tableNames === 'function' ? tableNames : (key: TableKey) => tableNames[key];
  return lazily<Stores>({
    connections: () => new DynamoDbConnectionStore(client, nameOf('connections')),
    tokens: () => new DynamoDbTokenStore(client, nameOf('tokens')),
    subscriptions: () => new DynamoDbSubscriptionStore(client, nameOf('subscriptions')),
    cursors: () => new DynamoDbCursorStore(client, nameOf('cursors')),
    ledger: () => new DynamoDbEventLedger(client, nameOf('ledger')),
    deliveries: () => new DynamoDbDeliveryMarkerStore(client, nameOf('deliveries')),
    idempotency: () => new DynamoDbIdempotencyStore(client, nameOf('idempotency')),
  });
};
