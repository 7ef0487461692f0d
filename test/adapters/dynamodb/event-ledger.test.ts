import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbEventLedger } from '../../../functions/adapters/dynamodb/event-ledger.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let ledger: DynamoDbEventLedger;

beforeAll(async () => {
  tables = await createTestTables('ledger');
  ledger = new DynamoDbEventLedger(tables.doc, tables.names.ledger);
});
afterAll(() => tables.dispose());

const DAY_MS = 86_400_000;
// Ahead of the real clock: DynamoDB Local sweeps items whose TTL attribute lies in the real past, which would make
// entries of a fixed past date vanish mid-test.
const T0 = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + DAY_MS);
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
    const expiresAt = new Date(T0.getTime() + 400 * DAY_MS + 8_999);
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

  it('records concurrent calls as one transaction of conditional puts, each entry decided on its own', async () => {
    const connectionId = id('conn');
    const ids = Array.from({ length: 20 }, (_, i) => id(`order.NEW_SALE-${i}`));
    const seen = ids.slice(0, 4);
    const expired = ids[4] as string;
    for (const eventId of seen) await record(connectionId, eventId, T0, 1);
    await record(connectionId, expired, T0, 1, 1_000);
    const duplicate = ids[10] as string;
    const send = vi.spyOn(tables.doc, 'send');
    try {
      const later = at(60_000);
      const outcomes = await Promise.all(
        [...ids, duplicate].map((eventId, index) =>
          record(connectionId, eventId, later, 2 + (index === 20 ? 1 : 0)),
        ),
      );
      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      // The first transaction is cancelled by the 4 live entries; the 16 others (the expired one included) go
      // again as one; the repeated id waits for a round of its own (alone: a plain put).
      expect(commands).toEqual(['TransactWriteCommand', 'TransactWriteCommand', 'PutCommand']);
      for (const [index, eventId] of [...ids, duplicate].entries()) {
        if (seen.includes(eventId)) {
          expect(outcomes[index]).toEqual({
            status: 'seen',
            firstSeenAt: T0.toISOString(),
            cursorVersion: 1,
          });
        } else if (index === 20) {
          expect(outcomes[index]).toEqual({
            status: 'seen',
            firstSeenAt: later.toISOString(),
            cursorVersion: 2,
          });
        } else {
          expect(outcomes[index]).toEqual({ status: 'new' });
        }
      }
      // Each new entry was written with its own data.
      expect(await record(connectionId, expired, at(120_000), 9)).toEqual({
        status: 'seen',
        firstSeenAt: later.toISOString(),
        cursorVersion: 2,
      });
    } finally {
      send.mockRestore();
    }
  });
});
