import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDeliveryMarkerStore } from '../../../functions/adapters/dynamodb/delivery-marker-store.js';
import { StoreError } from '../../../functions/adapters/dynamodb/errors.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbDeliveryMarkerStore;

beforeAll(async () => {
  tables = await createTestTables('deliveries');
  store = new DynamoDbDeliveryMarkerStore(tables.doc, tables.names.deliveries);
});
afterAll(() => tables.dispose());

// Ahead of the real clock: DynamoDB Local's TTL sweep deletes items whose expiresAt lies in the real past, which
// would make entries of a fixed past date vanish mid-test.
const DELIVERED = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
const EXPIRES = new Date(DELIVERED.getTime() + 35 * 86_400_000 + 500);

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

  it('reads and writes concurrent markers in batches (one request for many targets)', async () => {
    const sent: string[] = [];
    const counting = new Proxy(tables.doc, {
      get: (target, property, receiver) =>
        property === 'send'
          ? (command: { constructor: { name: string } }) => {
              sent.push(command.constructor.name);
              return target.send(command as never);
            }
          : Reflect.get(target, property, receiver),
    });
    const batched = new DynamoDbDeliveryMarkerStore(counting, tables.names.deliveries);
    const subscriptionIds = Array.from({ length: 60 }, () => id('sub'));
    const eventId = id('evt');
    await Promise.all(subscriptionIds.map((sub) => batched.mark(sub, eventId, DELIVERED, EXPIRES)));
    const seen = await Promise.all(
      [...subscriptionIds, id('never'), subscriptionIds[0] as string].map((sub) => batched.has(sub, eventId)),
    );
    expect(seen).toEqual([...subscriptionIds.map(() => true), false, true]);
    expect(sent.filter((name) => name === 'BatchWriteCommand').length).toBeLessThanOrEqual(4);
    expect(sent.filter((name) => name === 'BatchGetCommand').length).toBeLessThanOrEqual(2);
    expect(sent.filter((name) => !name.startsWith('Batch'))).toEqual([]);
  });

  it('retries what DynamoDB leaves unprocessed (throttling), and fails the callers when it never gets through', async () => {
    let throttle = 2;
    const throttling = new Proxy(tables.doc, {
      get: (target, property, receiver) =>
        property === 'send'
          ? async (command: { input: { RequestItems: Record<string, unknown> } }) => {
              if (throttle > 0) {
                throttle -= 1;
                const name = command.constructor.name;
                return name === 'BatchWriteCommand'
                  ? { UnprocessedItems: command.input.RequestItems }
                  : { Responses: {}, UnprocessedKeys: command.input.RequestItems };
              }
              return target.send(command as never);
            }
          : Reflect.get(target, property, receiver),
    });
    const store = new DynamoDbDeliveryMarkerStore(throttling, tables.names.deliveries);
    const subscriptionId = id('sub');
    const eventId = id('evt');
    await store.mark(subscriptionId, eventId, DELIVERED, EXPIRES); // one unprocessed round, then written
    expect(await store.has(subscriptionId, eventId)).toBe(true); // one unprocessed round, then read
    throttle = 100;
    const error = await store.has(subscriptionId, eventId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).retryable).toBe(true);
  });
});
