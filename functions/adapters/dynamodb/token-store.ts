import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { TokenRecord } from '../../core/model.js';
import type { TokenStore } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { guard } from './errors.js';
import { parseItem } from './items.js';

const tokenItem = z.object({
  tokenHash: z.string().min(1),
  connectionId: z.string().min(1),
  createdAt: z.string(),
}) satisfies z.ZodType<TokenRecord>;

/** Bearer-token hashes in DynamoDB, one item per hash. */
export class DynamoDbTokenStore implements TokenStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes exactly the record's fields (a retried put of the same record is harmless). */
  async put(record: TokenRecord): Promise<void> {
    await guard({ operation: 'TokenStore.put', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.PutCommand({
          TableName: this.tableName,
          Item: {
            tokenHash: record.tokenHash,
            connectionId: record.connectionId,
            createdAt: record.createdAt,
          },
        }),
      ),
    );
  }

  /** Consistent read: the Zapier app tests a token the moment after it was issued. */
  async get(tokenHash: string): Promise<TokenRecord | undefined> {
    const context = { operation: 'TokenStore.get', tableName: this.tableName };
    const output = await guard(context, () =>
      this.client.send(
        new awsSdk.documents.GetCommand({
          TableName: this.tableName,
          Key: { tokenHash },
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item === undefined ? undefined : parseItem(tokenItem, output.Item, context);
  }

  async delete(tokenHash: string): Promise<void> {
    await guard({ operation: 'TokenStore.delete', tableName: this.tableName }, () =>
      this.client.send(new awsSdk.documents.DeleteCommand({ TableName: this.tableName, Key: { tokenHash } })),
    );
  }
}
