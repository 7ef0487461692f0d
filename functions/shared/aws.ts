/**
 * AWS adapters built from configuration, once per process. Each getter reads its table name when called, so a
 * handler that uses a table without being given it fails at cold start with the variable's name.
 */
import {
  createDocumentClient,
  DynamoDbConnectionStore,
  DynamoDbCursorStore,
  DynamoDbDeliveryMarkerStore,
  DynamoDbEventLedger,
  DynamoDbIdempotencyStore,
  DynamoDbSubscriptionStore,
  DynamoDbTokenStore,
} from '../adapters/dynamodb/index.js';
import type { Clock } from '../core/ports.js';
import { type StorageConfig, tableName } from './config.js';

export const systemClock: Clock = { now: () => new Date() };

/** Waits on the real timers (the fake clock's `advance` stands in for it in tests). */
export const timerWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** DynamoDB stores on one shared document client. */
export const dynamoStores = (config: StorageConfig) => {
  const client = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION });
  return {
    client,
    connections: () => new DynamoDbConnectionStore(client, tableName(config, 'connections')),
    tokens: () => new DynamoDbTokenStore(client, tableName(config, 'tokens')),
    subscriptions: () => new DynamoDbSubscriptionStore(client, tableName(config, 'subscriptions')),
    cursors: () => new DynamoDbCursorStore(client, tableName(config, 'cursors')),
    ledger: () => new DynamoDbEventLedger(client, tableName(config, 'ledger')),
    deliveries: () => new DynamoDbDeliveryMarkerStore(client, tableName(config, 'deliveries')),
    idempotency: () => new DynamoDbIdempotencyStore(client, tableName(config, 'idempotency')),
  };
};
