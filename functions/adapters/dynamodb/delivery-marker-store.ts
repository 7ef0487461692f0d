import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryMarkerStore } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { Batcher } from './batcher.js';
import { guard, StoreError } from './errors.js';
import { epochSeconds } from './items.js';

type Key = { subscriptionId: string; eventId: string };
type Marker = Key & { deliveredAt: string; expiresAt: number };

const keyOf = (key: Key) => `${key.subscriptionId}\u0000${key.eventId}`;

/** Rounds of unprocessed keys or items retried before a batch fails (DynamoDB returns them when throttled). */
const MAX_ROUNDS = 5;
const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, 2 ** round * 10));

export interface DeliveryMarkerStoreOptions {
  /** Batches of one kind in flight at once; further calls wait and join the next batch. */
  maxInFlight?: number;
}

/**
 * Delivered markers in DynamoDB: partition key subscriptionId, sort key eventId, TTL on `expiresAt`. Concurrent
 * calls — the targets of a fan-out, the messages a process handles side by side — are read with one BatchGetItem (up
 * to 100 keys, consistent) and written with one BatchWriteItem (up to 25 markers): the same items as one call each,
 * for a fraction of the requests.
 */
export class DynamoDbDeliveryMarkerStore implements DeliveryMarkerStore {
  private readonly reads: Batcher<Key, boolean>;
  private readonly writes: Batcher<Marker, undefined>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DeliveryMarkerStoreOptions = {},
  ) {
    const maxInFlight = options.maxInFlight ?? 4;
    this.reads = new Batcher({ maxBatch: 100, maxInFlight, run: (keys) => this.readBatch(keys) });
    this.writes = new Batcher({ maxBatch: 25, maxInFlight, run: (markers) => this.writeBatch(markers) });
  }

  /**
   * Consistent read of the key only: a marker written by the previous attempt of the same message must be seen.
   * An expired marker not yet swept still counts: it proves an old delivery, and re-posting would duplicate it.
   */
  has(subscriptionId: string, eventId: string): Promise<boolean> {
    return this.reads.submit({ subscriptionId, eventId });
  }

  /** Unconditional put: marking twice is harmless (the later attempt's time wins). */
  async mark(subscriptionId: string, eventId: string, deliveredAt: Date, expiresAt: Date): Promise<void> {
    await this.writes.submit({
      subscriptionId,
      eventId,
      deliveredAt: deliveredAt.toISOString(),
      expiresAt: epochSeconds(expiresAt),
    });
  }

  private async readBatch(keys: Key[]): Promise<boolean[]> {
    const context = { operation: 'DeliveryMarkerStore.has', tableName: this.tableName };
    // BatchGetItem refuses a key twice in one request.
    let pending: Key[] = [...new Map(keys.map((key) => [keyOf(key), key])).values()];
    const found = new Set<string>();
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw this.unprocessed(context, pending.length);
      if (round > 0) await pause(round);
      const output = await guard(context, () =>
        this.client.send(
          new awsSdk.documents.BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ConsistentRead: true,
                ProjectionExpression: '#subscriptionId, #eventId',
                ExpressionAttributeNames: { '#subscriptionId': 'subscriptionId', '#eventId': 'eventId' },
              },
            },
          }),
        ),
      );
      for (const item of output.Responses?.[this.tableName] ?? []) found.add(keyOf(item as Key));
      pending = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
    }
    return keys.map((key) => found.has(keyOf(key)));
  }

  private async writeBatch(markers: Marker[]): Promise<undefined[]> {
    const context = { operation: 'DeliveryMarkerStore.mark', tableName: this.tableName };
    // BatchWriteItem refuses a key twice in one request; the later marker wins, as two puts would.
    let pending = [...new Map(markers.map((marker) => [keyOf(marker), marker])).values()].map((Item) => ({
      PutRequest: { Item },
    }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw this.unprocessed(context, pending.length);
      if (round > 0) await pause(round);
      const output = await guard(context, () =>
        this.client.send(
          new awsSdk.documents.BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        ),
      );
      pending = (output.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
    return markers.map(() => undefined);
  }

  private unprocessed(context: { operation: string; tableName: string }, count: number): StoreError {
    return new StoreError(
      `DynamoDB ${context.operation} on table ${this.tableName}: ${count} item(s) still unprocessed after ${MAX_ROUNDS} rounds`,
      { ...context, retryable: true },
    );
  }
}
