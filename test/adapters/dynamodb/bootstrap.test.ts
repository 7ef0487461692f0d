import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoDbClient } from '../../../functions/adapters/dynamodb/client.js';
import {
  localTableNames,
  TABLES,
  type TableKey,
  type TableNames,
} from '../../../functions/adapters/dynamodb/tables.js';
import { ensureTables, TableSchemaMismatchError } from '../../../local/dynamodb/bootstrap.js';
import { deleteTables, uniquePrefix } from './support.js';

let client: DynamoDBClient;
const createdNames: string[] = [];

/** Fresh names, remembered for cleanup. */
const freshNames = (label: string): TableNames => {
  const names = localTableNames(uniquePrefix(label));
  createdNames.push(...Object.values(names));
  return names;
};

beforeAll(() => {
  client = createDynamoDbClient({ endpoint: inject('dynamoDbEndpoint') });
});
afterAll(async () => {
  try {
    await deleteTables(client, createdNames);
  } finally {
    client.destroy();
  }
});

const keys = Object.keys(TABLES) as TableKey[];

describe('ensureTables', () => {
  it('creates every table on demand with the defined keys and TTL, and ACTIVE', async () => {
    const names = freshNames('boot');
    const result = await ensureTables(client, names);
    expect([...result.created].sort()).toEqual(Object.values(names).sort());

    for (const key of keys) {
      const definition = TABLES[key];
      const { Table } = await client.send(new DescribeTableCommand({ TableName: names[key] }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const sortKey = 'sortKey' in definition ? definition.sortKey : undefined;
      expect(Table?.KeySchema).toEqual([
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names[key] }));
      const ttlAttribute = 'ttlAttribute' in definition ? definition.ttlAttribute : undefined;
      if (ttlAttribute) {
        expect(ttl.TimeToLiveDescription).toMatchObject({
          TimeToLiveStatus: 'ENABLED',
          AttributeName: ttlAttribute,
        });
      } else {
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).not.toBe('ENABLED');
      }
    }
  });

  it('is idempotent: a second run creates nothing and succeeds', async () => {
    const names = freshNames('boot-twice');
    await ensureTables(client, names);
    expect(await ensureTables(client, names)).toEqual({ created: [] });
  });

  it('tolerates two bootstraps racing on the same names', async () => {
    const names = freshNames('boot-race');
    const [first, second] = await Promise.all([ensureTables(client, names), ensureTables(client, names)]);
    const all = [...first.created, ...second.created].sort();
    expect(all).toEqual(Object.values(names).sort());
  });

  it('detects an existing table with the wrong key schema', async () => {
    const names = freshNames('boot-wrong-keys');
    // Cursors need (connectionId, stream); this one has only a partition key.
    await client.send(
      new CreateTableCommand({
        TableName: names.cursors,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'connectionId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      }),
    );
    const error = await ensureTables(client, names).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableSchemaMismatchError);
    expect(error).toMatchObject({
      name: 'TableSchemaMismatchError',
      message: expect.stringContaining(`${names.cursors} (Cursors) has key schema [HASH connectionId:S]`),
    });
  });

  it('detects a key attribute of the wrong type', async () => {
    const names = freshNames('boot-wrong-type');
    await client.send(
      new CreateTableCommand({
        TableName: names.tokens,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'tokenHash', AttributeType: 'N' }],
        KeySchema: [{ AttributeName: 'tokenHash', KeyType: 'HASH' }],
      }),
    );
    await expect(ensureTables(client, names)).rejects.toThrow(/tokenHash:N.*tokenHash:S/);
  });

  it('detects TTL enabled on another attribute', async () => {
    const names = freshNames('boot-wrong-ttl');
    await client.send(
      new CreateTableCommand({
        TableName: names.ledger,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'connectionId', AttributeType: 'S' },
          { AttributeName: 'eventId', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'connectionId', KeyType: 'HASH' },
          { AttributeName: 'eventId', KeyType: 'RANGE' },
        ],
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: names.ledger,
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      }),
    );
    await expect(ensureTables(client, names)).rejects.toBeInstanceOf(TableSchemaMismatchError);
  });
});
