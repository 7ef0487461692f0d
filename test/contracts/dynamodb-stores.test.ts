/** The store contracts against the DynamoDB adapters, on DynamoDB Local. */
import { afterAll, beforeAll, describe } from 'vitest';
import { createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import type { Stores } from '../../functions/core/ports.js';
import { createTestTables, type TestTables } from '../adapters/dynamodb/support.js';
import { storeContracts } from './index.js';

let tables: TestTables;
let stores: Stores;

beforeAll(async () => {
  tables = await createTestTables('contracts');
  stores = createDynamoDbStores({ client: tables.doc, tableNames: tables.names });
});
afterAll(() => tables.dispose());

describe('DynamoDB adapters', () => {
  storeContracts(() => stores);
});
