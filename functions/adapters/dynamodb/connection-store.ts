import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type ContractFindings, contractFindingsSchema } from '../../core/contract/findings.js';
import type { Connection } from '../../core/model.js';
import type { ConnectionStore } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { conditional, guard } from './errors.js';
import { collectItems, type PagedStoreOptions, parseItem } from './items.js';

const connectionItem = z.object({
  connectionId: z.string().min(1),
  loginId: z.string().min(1),
  encryptedPassword: z.string().min(1),
  timeZone: z.string().min(1),
  label: z.string(),
  status: z.enum(['active', 'invalid']),
  createdAt: z.string(),
  updatedAt: z.string(),
  contract: contractFindingsSchema.optional(),
  retestRequestedAt: z.string().optional(),
}) satisfies z.ZodType<Connection>;

/**
 * Connections in DynamoDB, one item per connectionId.
 *
 * Only the attributes named in the update expression are ever written, so a caller object that carries more
 * (say, the plaintext password next to its ciphertext) cannot leak it into the table.
 */
export class DynamoDbConnectionStore implements ConnectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: PagedStoreOptions = {},
  ) {}

  /** One UpdateItem: creates or updates, keeping the first `createdAt`; returns the stored item. */
  async upsert(input: Omit<Connection, 'createdAt' | 'updatedAt'>, now: Date): Promise<Connection> {
    const context = { operation: 'ConnectionStore.upsert', tableName: this.tableName };
    const output = await guard(context, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId: input.connectionId },
          UpdateExpression:
            'SET #loginId = :loginId, #encryptedPassword = :encryptedPassword, #timeZone = :timeZone, ' +
            '#label = :label, #status = :status, #updatedAt = :now, #createdAt = if_not_exists(#createdAt, :now) ' +
            'REMOVE #retestRequestedAt',
          ExpressionAttributeNames: {
            '#retestRequestedAt': 'retestRequestedAt',
            '#loginId': 'loginId',
            '#encryptedPassword': 'encryptedPassword',
            '#timeZone': 'timeZone',
            '#label': 'label',
            '#status': 'status',
            '#updatedAt': 'updatedAt',
            '#createdAt': 'createdAt',
          },
          ExpressionAttributeValues: {
            ':loginId': input.loginId,
            ':encryptedPassword': input.encryptedPassword,
            ':timeZone': input.timeZone,
            ':label': input.label,
            ':status': input.status,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return parseItem(connectionItem, output.Attributes, context);
  }

  async get(connectionId: string): Promise<Connection | undefined> {
    const context = { operation: 'ConnectionStore.get', tableName: this.tableName };
    const output = await guard(context, () =>
      this.client.send(
        new awsSdk.documents.GetCommand({
          TableName: this.tableName,
          Key: { connectionId },
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item === undefined ? undefined : parseItem(connectionItem, output.Item, context);
  }

  /**
   * Sets the status of an existing connection. A missing connection is left missing (no-op): a partial item
   * without credentials would be worse than nothing, and connections are never deleted in normal operation.
   */
  async setStatus(connectionId: string, status: Connection['status'], now: Date): Promise<void> {
    await conditional({ operation: 'ConnectionStore.setStatus', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId },
          UpdateExpression: 'SET #status = :status, #updatedAt = :now',
          ConditionExpression: 'attribute_exists(#connectionId)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#updatedAt': 'updatedAt',
            '#connectionId': 'connectionId',
          },
          ExpressionAttributeValues: { ':status': status, ':now': now.toISOString() },
        }),
      ),
    );
  }

  /** Sets the probe's findings (validated first) on an existing connection; a missing one is left missing. */
  async setContract(connectionId: string, contract: ContractFindings, now: Date): Promise<void> {
    const findings = contractFindingsSchema.parse(contract);
    await conditional({ operation: 'ConnectionStore.setContract', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId },
          UpdateExpression: 'SET #contract = :contract, #updatedAt = :now',
          ConditionExpression: 'attribute_exists(#connectionId)',
          ExpressionAttributeNames: {
            '#contract': 'contract',
            '#updatedAt': 'updatedAt',
            '#connectionId': 'connectionId',
          },
          ExpressionAttributeValues: { ':contract': findings, ':now': now.toISOString() },
        }),
      ),
    );
  }

  /** Sets `retestRequestedAt` on an existing connection; false (nothing written) when it does not exist. */
  async requestRetest(connectionId: string, now: Date): Promise<boolean> {
    return conditional(
      { operation: 'ConnectionStore.requestRetest', tableName: this.tableName },
      async () => {
        await this.client.send(
          new awsSdk.documents.UpdateCommand({
            TableName: this.tableName,
            Key: { connectionId },
            UpdateExpression: 'SET #retestRequestedAt = :now',
            ConditionExpression: 'attribute_exists(#connectionId)',
            ExpressionAttributeNames: {
              '#retestRequestedAt': 'retestRequestedAt',
              '#connectionId': 'connectionId',
            },
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        );
      },
    ).then((result) => result.ok);
  }

  /** Removes `retestRequestedAt` only if present: one conditional write, so exactly one caller gets true. */
  async takeRetest(connectionId: string): Promise<boolean> {
    return conditional({ operation: 'ConnectionStore.takeRetest', tableName: this.tableName }, async () => {
      await this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId },
          UpdateExpression: 'REMOVE #retestRequestedAt',
          ConditionExpression: 'attribute_exists(#retestRequestedAt)',
          ExpressionAttributeNames: { '#retestRequestedAt': 'retestRequestedAt' },
        }),
      );
    }).then((result) => result.ok);
  }

  /** Scans the whole table, following every page. */
  async list(): Promise<Connection[]> {
    const context = { operation: 'ConnectionStore.list', tableName: this.tableName };
    const items = await guard(context, () =>
      collectItems(
        awsSdk.documents.paginateScan(
          { client: this.client, pageSize: this.options.pageSize },
          { TableName: this.tableName },
        ),
      ),
    );
    return items.map((item) => parseItem(connectionItem, item, context));
  }
}
