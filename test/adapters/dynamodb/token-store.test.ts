import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbTokenStore } from '../../../functions/adapters/dynamodb/token-store.js';
import type { TokenRecord } from '../../../functions/core/model.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbTokenStore;

beforeAll(async () => {
  tables = await createTestTables('tokens');
  store = new DynamoDbTokenStore(tables.doc, tables.names.tokens);
});
afterAll(() => tables.dispose());

const record = (): TokenRecord => ({
  tokenHash: id('sha256-fake'),
  connectionId: id('conn'),
  createdAt: '2025-03-01T10:00:00.000Z',
});

describe('DynamoDbTokenStore', () => {
  it('puts and gets a token record by hash', async () => {
    const token = record();
    await store.put(token);
    expect(await store.get(token.tokenHash)).toEqual(token);
  });

  it('returns undefined for an unknown hash', async () => {
    await store.put(record());
    expect(await store.get(id('unknown'))).toBeUndefined();
  });

  it('deletes a token, and deleting it again is not an error', async () => {
    const token = record();
    const other = record();
    await store.put(token);
    await store.put(other);
    await store.delete(token.tokenHash);
    expect(await store.get(token.tokenHash)).toBeUndefined();
    await expect(store.delete(token.tokenHash)).resolves.toBeUndefined();
    expect(await store.get(other.tokenHash)).toEqual(other);
  });
});
