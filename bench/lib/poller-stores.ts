/**
 * What a section needs to run `pollStream` as the poll Lambda does, outside the runtime: the DynamoDB stores on fresh
 * tables of the benchmark's DynamoDB Local, and an AES credential cipher with a random key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { LocalCredentialCipher } from '../../functions/adapters/crypto/local-credential-cipher.js';
import {
  createDocumentClient,
  createDynamoDbClient,
  createDynamoDbStores,
  localTableNames,
} from '../../functions/adapters/dynamodb/index.js';
import { ensureTables } from '../../local/dynamodb/bootstrap.js';

export const pollerStores = async (dynamoDbEndpoint: string, label: string) => {
  const tableNames = localTableNames(`bench-${label}-${randomUUID().slice(0, 8)}`);
  const raw = createDynamoDbClient({ endpoint: dynamoDbEndpoint });
  await ensureTables(raw, tableNames);
  raw.destroy();
  const stores = createDynamoDbStores({
    client: createDocumentClient({ endpoint: dynamoDbEndpoint }),
    tableNames,
  });
  return { stores, cipher: new LocalCredentialCipher(randomBytes(32)) };
};
