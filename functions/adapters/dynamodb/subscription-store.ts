import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  type EventType,
  ORDER_TYPES,
  type Stream,
  type Subscription,
  streamOf,
  TRANSACTION_TYPES,
  TRIGGERS,
  type Trigger,
} from '../../core/model.js';
import type { SubscriptionStore } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { conditional, guard, SubscriptionExistsError } from './errors.js';
import { collectItems, type PagedStoreOptions, parseItem, parseOldItem } from './items.js';

const subscriptionItem = z.object({
  connectionId: z.string().min(1),
  subscriptionId: z.string().min(1),
  trigger: z.enum(TRIGGERS),
  type: z.enum([...ORDER_TYPES, ...TRANSACTION_TYPES]),
  targetUrl: z.string().min(1),
  createdAt: z.string(),
}) satisfies z.ZodType<Subscription>;

const streamProjection = z.object({ connectionId: z.string().min(1), trigger: z.enum(TRIGGERS) });

const sameSubscription = (a: Subscription, b: Subscription): boolean =>
  a.trigger === b.trigger && a.type === b.type && a.targetUrl === b.targetUrl && a.createdAt === b.createdAt;

/**
 * REST-hook subscriptions in DynamoDB: partition key connectionId, sort key subscriptionId. Every read is keyed
 * by connectionId, so another tenant's subscription id simply is not found.
 */
export class DynamoDbSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: PagedStoreOptions = {},
  ) {}

  /**
   * Creates the subscription; the id must be new. Putting the very same subscription again succeeds (an SDK
   * retry after a lost response must not fail the subscribe); different content under an existing id throws
   * SubscriptionExistsError.
   */
  async put(subscription: Subscription): Promise<void> {
    const context = { operation: 'SubscriptionStore.put', tableName: this.tableName };
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.PutCommand({
          TableName: this.tableName,
          Item: {
            connectionId: subscription.connectionId,
            subscriptionId: subscription.subscriptionId,
            trigger: subscription.trigger,
            type: subscription.type,
            targetUrl: subscription.targetUrl,
            createdAt: subscription.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(#subscriptionId)',
          ExpressionAttributeNames: { '#subscriptionId': 'subscriptionId' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) return;
    const existing = parseOldItem(subscriptionItem, result.oldItem, context);
    if (!sameSubscription(existing, subscription)) {
      throw new SubscriptionExistsError(subscription.subscriptionId, context);
    }
  }

  async get(connectionId: string, subscriptionId: string): Promise<Subscription | undefined> {
    const context = { operation: 'SubscriptionStore.get', tableName: this.tableName };
    const output = await guard(context, () =>
      this.client.send(
        new awsSdk.documents.GetCommand({
          TableName: this.tableName,
          Key: { connectionId, subscriptionId },
          ConsistentRead: true,
        }),
      ),
    );
    return output.Item === undefined ? undefined : parseItem(subscriptionItem, output.Item, context);
  }

  /** One DeleteItem; `ALL_OLD` tells whether there was something to delete. */
  async delete(connectionId: string, subscriptionId: string): Promise<boolean> {
    const output = await guard({ operation: 'SubscriptionStore.delete', tableName: this.tableName }, () =>
      this.client.send(
        new awsSdk.documents.DeleteCommand({
          TableName: this.tableName,
          Key: { connectionId, subscriptionId },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return output.Attributes !== undefined;
  }

  async listByConnection(connectionId: string): Promise<Subscription[]> {
    return this.query('SubscriptionStore.listByConnection', {
      TableName: this.tableName,
      KeyConditionExpression: '#connectionId = :connectionId',
      ExpressionAttributeNames: { '#connectionId': 'connectionId' },
      ExpressionAttributeValues: { ':connectionId': connectionId },
      ConsistentRead: true,
    });
  }

  /** The connection's partition, filtered to one trigger and type (a handful of items per connection). */
  async listFor(connectionId: string, trigger: Trigger, type: EventType): Promise<Subscription[]> {
    return this.query('SubscriptionStore.listFor', {
      TableName: this.tableName,
      KeyConditionExpression: '#connectionId = :connectionId',
      FilterExpression: '#trigger = :trigger AND #type = :type',
      ExpressionAttributeNames: { '#connectionId': 'connectionId', '#trigger': 'trigger', '#type': 'type' },
      ExpressionAttributeValues: { ':connectionId': connectionId, ':trigger': trigger, ':type': type },
      ConsistentRead: true,
    });
  }

  /**
   * Distinct (connection, stream) pairs with at least one subscription: a projected scan of the whole table,
   * every page, deduplicated so the dispatcher starts one poll per pair whatever the number of Zaps.
   */
  async listActiveStreams(): Promise<Array<{ connectionId: string; stream: Stream }>> {
    const context = { operation: 'SubscriptionStore.listActiveStreams', tableName: this.tableName };
    const items = await guard(context, () =>
      collectItems(
        awsSdk.documents.paginateScan(
          { client: this.client, pageSize: this.options.pageSize },
          {
            TableName: this.tableName,
            ProjectionExpression: '#connectionId, #trigger',
            ExpressionAttributeNames: { '#connectionId': 'connectionId', '#trigger': 'trigger' },
          },
        ),
      ),
    );
    const pairs = new Map<string, { connectionId: string; stream: Stream }>();
    for (const item of items) {
      const { connectionId, trigger } = parseItem(streamProjection, item, context);
      const stream = streamOf(trigger);
      pairs.set(JSON.stringify([connectionId, stream]), { connectionId, stream });
    }
    return [...pairs.values()];
  }

  private async query(operation: string, input: QueryCommandInput): Promise<Subscription[]> {
    const context = { operation, tableName: this.tableName };
    const items = await guard(context, () =>
      collectItems(
        awsSdk.documents.paginateQuery({ client: this.client, pageSize: this.options.pageSize }, input),
      ),
    );
    return items.map((item) => parseItem(subscriptionItem, item, context));
  }
}
