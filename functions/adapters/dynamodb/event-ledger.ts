import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { LedgerOutcome } from '../../core/model.js';
import type { EventLedger } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { Batcher } from './batcher.js';
import { conditional, guard, toStoreError } from './errors.js';
import { epochSeconds, parseOldItem } from './items.js';

const ledgerItem = z.object({
  firstSeenAt: z.string(),
  // -1: recorded as already settled (a baseline), never re-published.
  cursorVersion: z.number().int().min(-1),
});

const presentItem = z.object({ eventId: z.string(), expiresAt: z.number() });

/** BatchGetItem takes at most 100 keys; unprocessed keys are asked again a few times. */
const BATCH_SIZE = 100;
const BATCH_ROUNDS = 5;

/**
 * Conditional puts per TransactWriteItems (DynamoDB allows 100). Kept small: a batch is cancelled as a whole when
 * one entry exists already (an overlap re-read), and the rest then go again.
 */
const MAX_TRANSACTION_ITEMS = 25;
/** Rounds of one batch (each settles at least the entries whose condition failed) before single puts take over. */
const TRANSACTION_ROUNDS = 3;

type RecordArgs = Parameters<EventLedger['record']>[0];

/** Why DynamoDB cancelled a transaction, per item in request order (`None`: this item was fine). */
interface CancellationReason {
  Code?: string;
  Item?: Record<string, AttributeValue>;
}

const cancellationReasons = (error: unknown): CancellationReason[] | undefined =>
  error instanceof awsSdk.dynamodb.TransactionCanceledException
    ? (error.CancellationReasons as CancellationReason[] | undefined)
    : undefined;

/**
 * The event ledger in DynamoDB: partition key connectionId, sort key eventId, TTL on `expiresAt`.
 *
 * Each entry is a conditional put: the condition decides new vs seen, and on a failed condition DynamoDB hands back
 * the first writer's item in the same round trip (no read-before-write, no race between them). Concurrent `record`
 * calls (a page's events) go out together as one TransactWriteItems of conditional puts — the same per-entry
 * conditions, one request instead of one each; a lone call is a plain PutItem. A transaction is all or nothing: when
 * it is cancelled, the entries whose condition failed are 'seen' (with their item), and the others go again.
 */
export class DynamoDbEventLedger implements EventLedger {
  private readonly writes: Batcher<RecordArgs, LedgerOutcome>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { maxInFlight?: number } = {},
  ) {
    this.writes = new Batcher({
      maxBatch: MAX_TRANSACTION_ITEMS,
      maxInFlight: options.maxInFlight ?? 4,
      run: (batch) => this.recordBatch(batch),
    });
  }

  /**
   * Records the event unless a live entry exists. An entry whose `expiresAt` lies before `firstSeenAt` (taken
   * as "now") counts as absent and is replaced: DynamoDB deletes expired items lazily, up to days later, and
   * an expired entry must not suppress an event forever.
   */
  record(args: RecordArgs): Promise<LedgerOutcome> {
    return this.writes.submit(args);
  }

  /** The conditional put of one entry (alone, or as one item of a transaction). */
  private put(args: RecordArgs) {
    return {
      TableName: this.tableName,
      Item: {
        connectionId: args.connectionId,
        eventId: args.eventId,
        firstSeenAt: args.firstSeenAt.toISOString(),
        cursorVersion: args.cursorVersion,
        expiresAt: epochSeconds(args.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(#eventId) OR #expiresAt < :nowSeconds',
      ExpressionAttributeNames: { '#eventId': 'eventId', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':nowSeconds': epochSeconds(args.firstSeenAt) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  private seen(oldItem: Record<string, AttributeValue> | undefined): LedgerOutcome {
    const first = parseOldItem(ledgerItem, oldItem, {
      operation: 'EventLedger.record',
      tableName: this.tableName,
    });
    return { status: 'seen', firstSeenAt: first.firstSeenAt, cursorVersion: first.cursorVersion };
  }

  private async recordOne(args: RecordArgs): Promise<LedgerOutcome> {
    const context = { operation: 'EventLedger.record', tableName: this.tableName };
    const result = await conditional(context, () =>
      this.client.send(new awsSdk.documents.PutCommand(this.put(args))),
    );
    return result.ok ? { status: 'new' } : this.seen(result.oldItem);
  }

  private async recordBatch(batch: RecordArgs[]): Promise<LedgerOutcome[]> {
    const context = { operation: 'EventLedger.record', tableName: this.tableName };
    const outcomes: Array<LedgerOutcome | undefined> = batch.map(() => undefined);
    let pending = batch.map((_, index) => index);
    for (let round = 0; pending.length > 0; round++) {
      // One transaction may not name an item twice: a repeated key waits for the next round.
      const keys = new Set<string>();
      const now: number[] = [];
      const later: number[] = [];
      for (const index of pending) {
        const { connectionId, eventId } = batch[index] as RecordArgs;
        const key = JSON.stringify([connectionId, eventId]);
        (keys.has(key) ? later : now).push(index);
        keys.add(key);
      }
      if (now.length === 1 || round >= TRANSACTION_ROUNDS) {
        // Alone (or after the rounds): plain conditional puts, side by side.
        await Promise.all(
          now.map(async (index) => {
            outcomes[index] = await this.recordOne(batch[index] as RecordArgs);
          }),
        );
        pending = later;
        continue;
      }
      try {
        await this.client.send(
          new awsSdk.documents.TransactWriteCommand({
            TransactItems: now.map((index) => ({ Put: this.put(batch[index] as RecordArgs) })),
          }),
        );
        for (const index of now) outcomes[index] = { status: 'new' };
        pending = later;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons === undefined || reasons.length !== now.length) throw toStoreError(error, context);
        const again: number[] = [];
        for (const [position, index] of now.entries()) {
          const reason = reasons[position];
          if (reason?.Code === 'ConditionalCheckFailed') outcomes[index] = this.seen(reason.Item);
          else if (
            reason?.Code === undefined ||
            reason.Code === 'None' ||
            reason.Code === 'TransactionConflict'
          )
            again.push(index);
          // Throttling, validation, …: the whole call fails as a single put's would.
          else throw toStoreError(error, context);
        }
        pending = [...again, ...later];
      }
    }
    return outcomes as LedgerOutcome[];
  }

  /** Which of `eventIds` have a live entry: BatchGetItem (consistent reads), 100 keys at a time. */
  async has(args: { connectionId: string; eventIds: string[]; now: Date }): Promise<Set<string>> {
    const context = { operation: 'EventLedger.has', tableName: this.tableName };
    const present = new Set<string>();
    const nowSeconds = epochSeconds(args.now);
    const unique = [...new Set(args.eventIds)];
    for (let offset = 0; offset < unique.length; offset += BATCH_SIZE) {
      let keys: Array<Record<string, unknown>> = unique
        .slice(offset, offset + BATCH_SIZE)
        .map((eventId) => ({ connectionId: args.connectionId, eventId }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= BATCH_ROUNDS) {
          throw new Error(
            `EventLedger.has: ${keys.length} keys still unprocessed after ${BATCH_ROUNDS} rounds`,
          );
        }
        const output = await guard(context, () =>
          this.client.send(
            new awsSdk.documents.BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: keys,
                  ConsistentRead: true,
                  ProjectionExpression: '#eventId, #expiresAt',
                  ExpressionAttributeNames: { '#eventId': 'eventId', '#expiresAt': 'expiresAt' },
                },
              },
            }),
          ),
        );
        for (const raw of output.Responses?.[this.tableName] ?? []) {
          const item = presentItem.safeParse(raw);
          if (item.success && item.data.expiresAt >= nowSeconds) present.add(item.data.eventId);
        }
        keys = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
    }
    return present;
  }
}
