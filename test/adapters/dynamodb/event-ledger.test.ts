import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventLedger } from '../../../functions/adapters/dynamodb/event-ledger.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let ledger: DynamoDbEventLedger;

beforeAll(async () => {
  tables = await createTestTables('ledger');
  ledger = new DynamoDbEventLedger(tables.doc, tables.names.ledger);
});
afterAll(() => tables.dispose());

const T0 = new Date('2025-03-01T10:00:00.000Z');
const DAY_MS = 86_400_000;
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

const record = (
  connectionId: string,
  eventId: string,
  firstSeenAt: Date,
  cursorVersion: number,
  ttlMs = 400 * DAY_MS,
) =>
  ledger.record({
    connectionId,
    eventId,
    firstSeenAt,
    cursorVersion,
    expiresAt: new Date(firstSeenAt.getTime() + ttlMs),
  });

describe('DynamoDbEventLedger', () => {
  it('reports new the first time and seen, with the first writer’s data, afterwards', async () => {
    const connectionId = id('conn');
    const eventId = id('order.NEW_SALE');
    expect(await record(connectionId, eventId, T0, 3)).toEqual({ status: 'new' });
    expect(await record(connectionId, eventId, at(60_000), 4)).toEqual({
      status: 'seen',
      firstSeenAt: T0.toISOString(),
      cursorVersion: 3,
    });
    // The second call did not overwrite the entry.
    expect(await record(connectionId, eventId, at(120_000), 5)).toEqual({
      status: 'seen',
      firstSeenAt: T0.toISOString(),
      cursorVersion: 3,
    });
  });

  it('lets exactly one of many concurrent records of one event be new; the rest see the winner', async () => {
    const connectionId = id('conn');
    const eventId = id('transaction.REFUND');
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, version) => record(connectionId, eventId, at(version * 1_000), version)),
    );
    const winners = outcomes.flatMap((outcome, version) => (outcome.status === 'new' ? [version] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0] ?? -1;
    for (const outcome of outcomes.filter((o) => o.status === 'seen')) {
      expect(outcome).toEqual({
        status: 'seen',
        firstSeenAt: at(winner * 1_000).toISOString(),
        cursorVersion: winner,
      });
    }
  });

  it('treats an entry past its expiry (not yet swept by TTL) as absent', async () => {
    const connectionId = id('conn');
    const eventId = id('order.CANCELLED');
    expect(await record(connectionId, eventId, T0, 1, DAY_MS)).toEqual({ status: 'new' });
    // Still live one second before expiry...
    expect(await record(connectionId, eventId, at(DAY_MS - 1_000), 2)).toMatchObject({
      status: 'seen',
      cursorVersion: 1,
    });
    // ...replaced after it.
    const later = at(DAY_MS + 1_000);
    expect(await record(connectionId, eventId, later, 7)).toEqual({ status: 'new' });
    expect(await record(connectionId, eventId, at(DAY_MS + 2_000), 8)).toEqual({
      status: 'seen',
      firstSeenAt: later.toISOString(),
      cursorVersion: 7,
    });
  });

  it('keys entries by connection: the same event id is new for each connection', async () => {
    const eventId = id('order.NEW_LEAD');
    expect(await record(id('conn-a'), eventId, T0, 0)).toEqual({ status: 'new' });
    expect(await record(id('conn-b'), eventId, T0, 0)).toEqual({ status: 'new' });
  });

  it('stores expiresAt in epoch seconds, the unit DynamoDB TTL reads', async () => {
    const connectionId = id('conn');
    const eventId = id('order.NEW_SALE');
    const expiresAt = new Date('2026-04-05T06:07:08.999Z');
    await ledger.record({ connectionId, eventId, firstSeenAt: T0, cursorVersion: 2, expiresAt });
    const raw = await tables.raw.send(
      new GetItemCommand({
        TableName: tables.names.ledger,
        Key: { connectionId: { S: connectionId }, eventId: { S: eventId } },
      }),
    );
    expect(raw.Item).toEqual({
      connectionId: { S: connectionId },
      eventId: { S: eventId },
      firstSeenAt: { S: T0.toISOString() },
      cursorVersion: { N: '2' },
      expiresAt: { N: String(Math.floor(expiresAt.getTime() / 1000)) },
    });
  });
});
