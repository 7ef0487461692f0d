import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDeliveryMarkerStore } from '../../../functions/adapters/dynamodb/delivery-marker-store.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbDeliveryMarkerStore;

beforeAll(async () => {
  tables = await createTestTables('deliveries');
  store = new DynamoDbDeliveryMarkerStore(tables.doc, tables.names.deliveries);
});
afterAll(() => tables.dispose());

const DELIVERED = new Date('2025-03-01T10:00:00.000Z');
const EXPIRES = new Date('2025-04-05T10:00:00.500Z');

describe('DynamoDbDeliveryMarkerStore', () => {
  it('has no marker until one is marked, then has it', async () => {
    const subscriptionId = id('sub');
    const eventId = id('evt');
    expect(await store.has(subscriptionId, eventId)).toBe(false);
    await store.mark(subscriptionId, eventId, DELIVERED, EXPIRES);
    expect(await store.has(subscriptionId, eventId)).toBe(true);
  });

  it('keys markers by subscription and event', async () => {
    const subscriptionId = id('sub');
    const eventId = id('evt');
    await store.mark(subscriptionId, eventId, DELIVERED, EXPIRES);
    expect(await store.has(id('other-sub'), eventId)).toBe(false);
    expect(await store.has(subscriptionId, id('other-evt'))).toBe(false);
  });

  it('marks idempotently and stores the TTL in epoch seconds', async () => {
    const subscriptionId = id('sub');
    const eventId = id('evt');
    await store.mark(subscriptionId, eventId, DELIVERED, EXPIRES);
    await expect(store.mark(subscriptionId, eventId, DELIVERED, EXPIRES)).resolves.toBeUndefined();
    expect(await store.has(subscriptionId, eventId)).toBe(true);
    const raw = await tables.raw.send(
      new GetItemCommand({
        TableName: tables.names.deliveries,
        Key: { subscriptionId: { S: subscriptionId }, eventId: { S: eventId } },
      }),
    );
    expect(raw.Item).toEqual({
      subscriptionId: { S: subscriptionId },
      eventId: { S: eventId },
      deliveredAt: { S: DELIVERED.toISOString() },
      expiresAt: { N: String(Math.floor(EXPIRES.getTime() / 1000)) },
    });
  });
});
