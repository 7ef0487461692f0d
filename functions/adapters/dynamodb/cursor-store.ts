import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type Cursor, STREAMS, type Stream } from '../../core/model.js';
import { CursorConflictError, type CursorStore } from '../../core/ports.js';
import {
  type StreamProgress,
  type StreamStrategy,
  streamProgressSchema,
  streamStrategySchema,
} from '../../core/triggers/cursor-state.js';
import { awsSdk } from '../aws-sdk.js';
import { conditional, guard } from './errors.js';
import { collectItems, type PagedStoreOptions, parseItem, parseOldItem } from './items.js';

const cursorItem = z.object({
  connectionId: z.string().min(1),
  stream: z.enum(STREAMS),
  hwm: z.string().min(1),
  version: z.number().int().nonnegative(),
  leaseOwner: z.string().optional(),
  leaseExpiresAt: z.number().optional(),
  updatedAt: z.string().optional(),
  strategy: streamStrategySchema.optional(),
  progress: streamProgressSchema.optional(),
}) satisfies z.ZodType<Cursor>;

const conflictReason = (cursor: Cursor, owner: string, expectedVersion: number): string => {
  const reasons: string[] = [];
  if (cursor.version !== expectedVersion)
    reasons.push(`version is ${cursor.version}, expected ${expectedVersion}`);
  if (cursor.leaseOwner !== owner)
    reasons.push(`lease is held by ${cursor.leaseOwner ?? 'nobody'}, not ${owner}`);
  return reasons.join('; ') || 'condition failed';
};

/**
 * Cursors in DynamoDB: partition key connectionId, sort key stream. (Attribute names are always placeholders:
 * `stream`, `version` and others are DynamoDB reserved words.) Every state change is one conditional
 * UpdateItem, so two pollers racing for a (connection, stream) are serialized by DynamoDB itself.
 *
 * Monotonic hwm: `checkpoint` is guarded by version and lease owner only. The lease holder is the only writer,
 * and it derives each hwm from the previous one, so it is the caller's job never to move the hwm backwards
 * (an extra `hwm <= :hwm` condition would turn a caller bug into a silent conflict loop).
 */
export class DynamoDbCursorStore implements CursorStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: PagedStoreOptions = {},
  ) {}

  async get(connectionId: string, stream: Stream): Promise<Cursor | undefined> {
    const context = { operation: 'CursorStore.get', tableName: this.tableName };
    const output = await guard(context, () =>
      this.client.send(
        new awsSdk.documents.GetCommand({
          TableName: this.tableName,
          Key: { connectionId, stream },
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item === undefined ? undefined : parseItem(cursorItem, output.Item, context);
  }

  /**
   * One conditional UpdateItem: takes the lease when there is no cursor, no lease, an expired lease (strictly
   * before `now`) or our own lease (re-entry extends it); creates hwm/version on first use. Undefined when
   * another owner holds a live lease.
   */
  async acquireLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
    initialHwm: string;
  }): Promise<Cursor | undefined> {
    const context = { operation: 'CursorStore.acquireLease', tableName: this.tableName };
    const nowMs = args.now.getTime();
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId: args.connectionId, stream: args.stream },
          UpdateExpression:
            'SET #leaseOwner = :owner, #leaseExpiresAt = :leaseExpiresAt, ' +
            '#hwm = if_not_exists(#hwm, :initialHwm), #version = if_not_exists(#version, :zero)',
          ConditionExpression:
            'attribute_not_exists(#connectionId) OR attribute_not_exists(#leaseExpiresAt) OR ' +
            '#leaseExpiresAt < :now OR #leaseOwner = :owner',
          ExpressionAttributeNames: {
            '#connectionId': 'connectionId',
            '#leaseOwner': 'leaseOwner',
            '#leaseExpiresAt': 'leaseExpiresAt',
            '#hwm': 'hwm',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':owner': args.owner,
            ':leaseExpiresAt': nowMs + args.leaseMs,
            ':now': nowMs,
            ':initialHwm': args.initialHwm,
            ':zero': 0,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return result.ok ? parseItem(cursorItem, result.output.Attributes, context) : undefined;
  }

  /**
   * One conditional UpdateItem: sets hwm, bumps the version, stamps updatedAt and extends the lease, only if
   * the version is `expectedVersion` and `owner` holds the lease. Otherwise throws CursorConflictError and the
   * item is unchanged.
   */
  async checkpoint(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    expectedVersion: number;
    hwm: string;
    now: Date;
    leaseExpiresAt: number;
    strategy?: StreamStrategy | undefined;
    progress?: StreamProgress | undefined;
  }): Promise<Cursor> {
    const context = { operation: 'CursorStore.checkpoint', tableName: this.tableName };
    // Validated before the write: what is stored must parse when read back.
    const extra: Array<[string, unknown]> = [];
    if (args.strategy !== undefined) extra.push(['strategy', streamStrategySchema.parse(args.strategy)]);
    if (args.progress !== undefined) extra.push(['progress', streamProgressSchema.parse(args.progress)]);
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId: args.connectionId, stream: args.stream },
          UpdateExpression:
            'SET #hwm = :hwm, #version = #version + :one, #updatedAt = :now, #leaseExpiresAt = :leaseExpiresAt' +
            extra.map(([name]) => `, #${name} = :${name}`).join(''),
          ConditionExpression: '#version = :expectedVersion AND #leaseOwner = :owner',
          ExpressionAttributeNames: {
            '#hwm': 'hwm',
            '#version': 'version',
            '#updatedAt': 'updatedAt',
            '#leaseExpiresAt': 'leaseExpiresAt',
            '#leaseOwner': 'leaseOwner',
            ...Object.fromEntries(extra.map(([name]) => [`#${name}`, name])),
          },
          ExpressionAttributeValues: {
            ':hwm': args.hwm,
            ':one': 1,
            ':now': args.now.toISOString(),
            ':leaseExpiresAt': args.leaseExpiresAt,
            ':expectedVersion': args.expectedVersion,
            ':owner': args.owner,
            ...Object.fromEntries(extra.map(([name, value]) => [`:${name}`, value])),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) return parseItem(cursorItem, result.output.Attributes, context);
    const where = `${args.connectionId}/${args.stream}`;
    if (result.oldItem === undefined) {
      throw new CursorConflictError(`Cursor ${where} does not exist; acquire the lease first`);
    }
    const current = parseOldItem(cursorItem, result.oldItem, context);
    throw new CursorConflictError(
      `Checkpoint of cursor ${where} lost: ${conflictReason(current, args.owner, args.expectedVersion)}`,
    );
  }

  /**
   * One conditional UpdateItem: extends the lease, only while `owner` holds it. Throws CursorConflictError
   * otherwise (the caller has lost the stream and must stop).
   */
  async renewLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
  }): Promise<void> {
    const context = { operation: 'CursorStore.renewLease', tableName: this.tableName };
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId: args.connectionId, stream: args.stream },
          UpdateExpression: 'SET #leaseExpiresAt = :leaseExpiresAt',
          ConditionExpression: '#leaseOwner = :owner',
          ExpressionAttributeNames: { '#leaseExpiresAt': 'leaseExpiresAt', '#leaseOwner': 'leaseOwner' },
          ExpressionAttributeValues: {
            ':leaseExpiresAt': args.now.getTime() + args.leaseMs,
            ':owner': args.owner,
          },
        }),
      ),
    );
    if (!result.ok) {
      throw new CursorConflictError(
        `Lease of cursor ${args.connectionId}/${args.stream} is no longer held by ${args.owner}`,
      );
    }
  }

  /**
   * One unconditional UpdateItem: sets hwm and updatedAt, bumps the version (a new cursor starts at version 0,
   * like one created by `acquireLease`) and removes `progress` (overlap counts and reconciliation baselines belong
   * to the old position). The lease is left as it is: the bumped version alone makes an in-flight poll's next
   * checkpoint lose, and that poll then releases its lease as usual.
   */
  async reset(args: { connectionId: string; stream: Stream; hwm: string; now: Date }): Promise<void> {
    await guard({ operation: 'CursorStore.reset', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId: args.connectionId, stream: args.stream },
          UpdateExpression:
            'SET #hwm = :hwm, #updatedAt = :now, #version = if_not_exists(#version, :minusOne) + :one ' +
            'REMOVE #progress',
          ExpressionAttributeNames: {
            '#hwm': 'hwm',
            '#updatedAt': 'updatedAt',
            '#version': 'version',
            '#progress': 'progress',
          },
          ExpressionAttributeValues: {
            ':hwm': args.hwm,
            ':now': args.now.toISOString(),
            ':minusOne': -1,
            ':one': 1,
          },
        }),
      ),
    );
  }

  /** Removes owner and expiry when `owner` holds the lease; a lease already lost or released is left alone. */
  async releaseLease(connectionId: string, stream: Stream, owner: string): Promise<void> {
    await conditional({ operation: 'CursorStore.releaseLease', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.UpdateCommand({
          TableName: this.tableName,
          Key: { connectionId, stream },
          UpdateExpression: 'REMOVE #leaseOwner, #leaseExpiresAt',
          ConditionExpression: '#leaseOwner = :owner',
          ExpressionAttributeNames: {
            '#leaseOwner': 'leaseOwner',
            '#leaseExpiresAt': 'leaseExpiresAt',
          },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  /** Scans the whole table, following every page. */
  async list(): Promise<Cursor[]> {
    const context = { operation: 'CursorStore.list', tableName: this.tableName };
    const items = await guard(context, () =>
      collectItems(
        awsSdk.documents.paginateScan(
          { client: this.client, pageSize: this.options.pageSize },
          { TableName: this.tableName },
        ),
      ),
    );
    return items.map((item) => parseItem(cursorItem, item, context));
  }
}
