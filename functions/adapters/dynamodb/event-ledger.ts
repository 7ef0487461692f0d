import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { LedgerOutcome } from '../../core/model.js';
import type { EventLedger } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { conditional, guard } from './errors.js';
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
 * The event ledger in DynamoDB: partition key connectionId, sort key eventId, TTL on `expiresAt`.
 *
 * `record` is one PutItem either way: the condition decides new vs seen, and on a failed condition DynamoDB
 * hands back the first writer's item in the same round trip (no read-before-write, no race between them).
 */
export class DynamoDbEventLedger implements EventLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Records the event unless a live entry exists. An entry whose `expiresAt` lies before `firstSeenAt` (taken
   * as "now") counts as absent and is replaced: DynamoDB deletes expired items lazily, up to days later, and
   * an expired entry must not suppress an event forever.
   */
  async record(args: {
    connectionId: string;
    eventId: string;
    firstSeenAt: Date;
    cursorVersion: number;
    expiresAt: Date;
  }): Promise<LedgerOutcome> {
    const context = { operation: 'EventLedger.record', tableName: this.tableName };
    const result = await conditional(context, () =>
      this.client.send(
        new awsSdk.documents.PutCommand({
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
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (result.ok) return { status: 'new' };
    const first = parseOldItem(ledgerItem, result.oldItem, context);
    return { status: 'seen', firstSeenAt: first.firstSeenAt, cursorVersion: first.cursorVersion };
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
