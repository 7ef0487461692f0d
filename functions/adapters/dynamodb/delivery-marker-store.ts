import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryMarkerStore } from '../../core/ports.js';
import { guard } from './errors.js';
import { epochSeconds } from './items.js';

/** Delivered markers in DynamoDB: partition key subscriptionId, sort key eventId, TTL on `expiresAt`. */
export class DynamoDbDeliveryMarkerStore implements DeliveryMarkerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Consistent read of the key only: a marker written by the previous attempt of the same message must be seen.
   * An expired marker not yet swept still counts: it proves an old delivery, and re-posting would duplicate it.
   */
  async has(subscriptionId: string, eventId: string): Promise<boolean> {
    const output = await guard({ operation: 'DeliveryMarkerStore.has', tableName: this.tableName }, () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { subscriptionId, eventId },
          ConsistentRead: true,
          ProjectionExpression: '#subscriptionId',
          ExpressionAttributeNames: { '#subscriptionId': 'subscriptionId' },
        }),
      ),
    );
    return output.Item !== undefined;
  }

  /** Unconditional put: marking twice is harmless (the later attempt's time wins). */
  async mark(subscriptionId: string, eventId: string, deliveredAt: Date, expiresAt: Date): Promise<void> {
    await guard({ operation: 'DeliveryMarkerStore.mark', tableName: this.tableName }, () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            subscriptionId,
            eventId,
            deliveredAt: deliveredAt.toISOString(),
            expiresAt: epochSeconds(expiresAt),
          },
        }),
      ),
    );
  }
}
