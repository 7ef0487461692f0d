import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { LedgerOutcome } from '../../core/model.js';
import type { EventLedger } from '../../core/ports.js';
import { conditional } from './errors.js';
import { epochSeconds, parseOldItem } from './items.js';

const ledgerItem = z.object({
  firstSeenAt: z.string(),
  cursorVersion: z.number().int().nonnegative(),
});

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
        new PutCommand({
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
}
