/**
 * Per-file tables on the shared DynamoDB Local of the test run: a unique prefix per file, so files run in
 * parallel without seeing each other's items.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  DeleteTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient, createDynamoDbClient } from '../../../functions/adapters/dynamodb/client.js';
import { localTableNames, type TableNames } from '../../../functions/adapters/dynamodb/tables.js';
import { ensureTables } from '../../../local/dynamodb/bootstrap.js';

export interface TestTables {
  readonly endpoint: string;
  /** Low-level client: table management and raw (marshalled) reads. */
  readonly raw: DynamoDBClient;
  /** What the stores take. */
  readonly doc: DynamoDBDocumentClient;
  readonly names: TableNames;
  dispose(): Promise<void>;
}

/** A prefix no other file or run uses. */
export const uniquePrefix = (label: string): string => `t-${label}-${randomUUID().slice(0, 8)}`;

/** Deletes tables, ignoring ones already gone. */
export const deleteTables = async (client: DynamoDBClient, names: readonly string[]): Promise<void> => {
  await Promise.all(
    names.map(async (name) => {
      try {
        await client.send(new DeleteTableCommand({ TableName: name }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }),
  );
};

/** Creates this file's tables with the real bootstrap; `dispose` drops them and closes the clients. */
export const createTestTables = async (label: string): Promise<TestTables> => {
  const endpoint = inject('dynamoDbEndpoint');
  const raw = createDynamoDbClient({ endpoint });
  const doc = createDocumentClient({ endpoint });
  const names = localTableNames(uniquePrefix(label));
  await ensureTables(raw, names);
  return {
    endpoint,
    raw,
    doc,
    names,
    dispose: async () => {
      try {
        await deleteTables(raw, Object.values(names));
      } finally {
        doc.destroy();
        raw.destroy();
      }
    },
  };
};

/** Every item of a table exactly as stored (marshalled), for assertions on what is at rest. */
export const scanRaw = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, AttributeValue>[]> => {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
};

/** A fresh id per test, so tests sharing a file's tables never touch each other's items. */
export const id = (label: string): string => `${label}-${randomUUID()}`;
