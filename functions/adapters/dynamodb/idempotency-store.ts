import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { IdempotencyRecord } from '../../core/model.js';
import type { IdempotencyClaim, IdempotencyStore } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { conditional, StoreError } from './errors.js';
import { epochSeconds, parseItem, parseOldItem } from './items.js';

const storedResponse = z.object({ statusCode: z.number().int(), body: z.unknown() });

/**
 * The stored item. The response is kept as a JSON string: an action's body is arbitrary JSON, and DynamoDB
 * maps trip over shapes JSON allows (empty-string keys, sets inferred from arrays, number precision).
 */
const idempotencyItem = z.object({
  key: z.string().min(1),
  bodyHash: z.string().min(1),
  status: z.enum(['IN_PROGRESS', 'COMPLETED']),
  responseJson: z.string().optional(),
  inProgressExpiresAt: z.number(),
  expiresAt: z.number(),
});

const STATUS = { inProgress: 'IN_PROGRESS', completed: 'COMPLETED' } as const;

/**
 * Idempotency records in DynamoDB: partition key `key`, TTL on `expiresAt`. A claim is one conditional
 * PutItem that also returns the existing record when it loses, so the answer needs no second read.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes an IN_PROGRESS record unless a live one exists. Replaced: no record, one past its TTL (swept
   * lazily), or an IN_PROGRESS claim past `inProgressExpiresAt` (its request crashed). Otherwise the existing
   * record decides: another body hash is a mismatch whatever its status, then completed or in progress.
   */
  async claim(args: {
    key: string;
    bodyHash: string;
    now: Date;
    inProgressMs: number;
    ttlSeconds: number;
  }): Promise<IdempotencyClaim> {
    const context = { operation: 'IdempotencyStore.claim', tableName: this.tableName };
    const nowMs = args.now.getTime();
    const nowSeconds = epochSeconds(args.now);
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.PutCommand({
          TableName: this.tableName,
          Item: {
            key: args.key,
            bodyHash: args.bodyHash,
            status: STATUS.inProgress,
            inProgressExpiresAt: nowMs + args.inProgressMs,
            expiresAt: nowSeconds + args.ttlSeconds,
          },
          ConditionExpression:
            'attribute_not_exists(#key) OR #expiresAt < :nowSeconds OR ' +
            '(#status = :inProgress AND #inProgressExpiresAt < :nowMs)',
          ExpressionAttributeNames: {
            '#key': 'key',
            '#expiresAt': 'expiresAt',
            '#status': 'status',
            '#inProgressExpiresAt': 'inProgressExpiresAt',
          },
          ExpressionAttributeValues: {
            ':nowSeconds': nowSeconds,
            ':nowMs': nowMs,
            ':inProgress': STATUS.inProgress,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) return { status: 'claimed' };
    const existing = parseOldItem(idempotencyItem, result.oldItem, context);
    if (existing.bodyHash !== args.bodyHash) return { status: 'mismatch' };
    if (existing.status === STATUS.inProgress) return { status: 'in_progress' };
    return { status: 'completed', record: toRecord(existing, context) };
  }

  /**
   * Marks the claim COMPLETED with the response to replay. The record must still exist: recreating it here
   * would make an item without the body hash that later claims compare against.
   */
  async complete(args: { key: string; response: { statusCode: number; body: unknown } }): Promise<void> {
    const context = { operation: 'IdempotencyStore.complete', tableName: this.tableName };
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { key: args.key },
          UpdateExpression: 'SET #status = :completed, #responseJson = :responseJson',
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeNames: { '#key': 'key', '#status': 'status', '#responseJson': 'responseJson' },
          ExpressionAttributeValues: {
            ':completed': STATUS.completed,
            ':responseJson': JSON.stringify(args.response),
          },
        }),
      ),
    );
    if (!result.ok) {
      throw new StoreError(`Idempotency record ${args.key} no longer exists; cannot store its response`, {
        ...context,
        retryable: false,
      });
    }
  }

  /** Deletes the record only while IN_PROGRESS: a completed result must survive a late release. */
  async release(key: string): Promise<void> {
    await conditional({ operation: 'IdempotencyStore.release', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.DeleteCommand({
          TableName: this.tableName,
          Key: { key },
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': STATUS.inProgress },
        }),
      ),
    );
  }
}

const toRecord = (
  item: z.output<typeof idempotencyItem>,
  context: { operation: string; tableName: string },
): IdempotencyRecord => {
  let response: IdempotencyRecord['response'];
  if (item.responseJson !== undefined) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(item.responseJson);
    } catch (error) {
      throw new StoreError(`Malformed response in table ${context.tableName} (${context.operation})`, {
        ...context,
        retryable: false,
        cause: error,
      });
    }
    response = parseItem(storedResponse, decoded, context);
  }
  return {
    key: item.key,
    bodyHash: item.bodyHash,
    status: item.status,
    response,
    inProgressExpiresAt: item.inProgressExpiresAt,
    expiresAt: item.expiresAt,
  };
};
