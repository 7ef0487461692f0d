import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbStores } from '../../../functions/adapters/dynamodb/index.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;

beforeAll(async () => {
  tables = await createTestTables('factory');
});
afterAll(() => tables.dispose());

// Ahead of the real clock: DynamoDB Local's TTL sweep deletes items whose expiresAt lies in the real past, which
// would make entries of a fixed past date vanish mid-test.
const T0 = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);

/** Whether `tableName` holds an item with this key (raw read, bypassing the stores). */
const exists = async (tableName: string, key: Record<string, string>) => {
  const output = await tables.raw.send(
    new GetItemCommand({
      TableName: tableName,
      Key: Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }])),
      ConsistentRead: true,
    }),
  );
  return output.Item !== undefined;
};

describe('createDynamoDbStores', () => {
  it('wires each of the seven stores to its own table', async () => {
    const stores = createDynamoDbStores({ client: tables.doc, tableNames: tables.names });
    const { names } = tables;
    const connectionId = id('conn');

    await stores.connections.upsert(
      {
        connectionId,
        loginId: 'fake-login',
        encryptedPassword: 'ct',
        timeZone: 'UTC',
        label: 'l',
        status: 'active',
      },
      T0,
    );
    await stores.tokens.put({ tokenHash: 'fake-hash', connectionId, createdAt: T0.toISOString() });
    await stores.subscriptions.put({
      subscriptionId: 'sub-1',
      connectionId,
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: 'https://hooks.zapier.com/fake',
      createdAt: T0.toISOString(),
    });
    await stores.cursors.acquireLease({
      connectionId,
      stream: 'orders',
      owner: 'o',
      now: T0,
      leaseMs: 1_000,
      initialHwm: T0.toISOString(),
    });
    await stores.ledger.record({
      connectionId,
      eventId: 'evt-1',
      firstSeenAt: T0,
      cursorVersion: 0,
      expiresAt: T0,
    });
    await stores.deliveries.mark('sub-1', 'evt-1', T0, T0);
    await stores.idempotency.claim({
      key: 'idem-1',
      bodyHash: 'h',
      now: T0,
      inProgressMs: 1_000,
      ttlSeconds: 60,
    });

    expect(await exists(names.connections, { connectionId })).toBe(true);
    expect(await exists(names.tokens, { tokenHash: 'fake-hash' })).toBe(true);
    expect(await exists(names.subscriptions, { connectionId, subscriptionId: 'sub-1' })).toBe(true);
    expect(await exists(names.cursors, { connectionId, stream: 'orders' })).toBe(true);
    expect(await exists(names.ledger, { connectionId, eventId: 'evt-1' })).toBe(true);
    expect(await exists(names.deliveries, { subscriptionId: 'sub-1', eventId: 'evt-1' })).toBe(true);
    expect(await exists(names.idempotency, { key: 'idem-1' })).toBe(true);
  });
});

describe('createDocumentClient', () => {
  it('drops undefined attributes instead of failing to marshal them', async () => {
    const tokenHash = id('hash');
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.tokens,
        Item: { tokenHash, connectionId: 'c', createdAt: T0.toISOString(), optional: undefined },
      }),
    );
    expect(await exists(tables.names.tokens, { tokenHash })).toBe(true);
  });

  it('uses placeholder credentials and us-east-1 for a local endpoint', async () => {
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1' });
    try {
      expect(await client.config.region()).toBe('us-east-1');
      expect(await client.config.credentials()).toMatchObject({
        accessKeyId: 'local',
        secretAccessKey: 'local',
      });
    } finally {
      client.destroy();
    }
  });

  it('uses the given region against AWS', async () => {
    const client = createDocumentClient({ region: 'eu-central-1' });
    try {
      expect(await client.config.region()).toBe('eu-central-1');
    } finally {
      client.destroy();
    }
  });
});
