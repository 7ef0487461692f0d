import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../functions/adapters/dynamodb/errors.js';
import { DynamoDbIdempotencyStore } from '../../../functions/adapters/dynamodb/idempotency-store.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbIdempotencyStore;

beforeAll(async () => {
  tables = await createTestTables('idempotency');
  store = new DynamoDbIdempotencyStore(tables.doc, tables.names.idempotency);
});
afterAll(() => tables.dispose());

// Ahead of the real clock: DynamoDB Local's TTL sweep deletes items whose expiresAt lies in the real past, which
// would make entries of a fixed past date vanish mid-test.
const T0 = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
const IN_PROGRESS_MS = 60_000;
const TTL_SECONDS = 86_400;
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

const claim = (key: string, bodyHash: string, now = T0) =>
  store.claim({ key, bodyHash, now, inProgressMs: IN_PROGRESS_MS, ttlSeconds: TTL_SECONDS });

const RESPONSE = { statusCode: 200, body: { orderId: 'FAKE-123', result: 'SUCCESS', lines: [{ qty: 1 }] } };

describe('DynamoDbIdempotencyStore.claim', () => {
  it('claims a new key', async () => {
    expect(await claim(id('key'), 'hash-a')).toEqual({ status: 'claimed' });
  });

  it('reports in_progress for the same body while the first request runs', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    expect(await claim(key, 'hash-a', at(IN_PROGRESS_MS - 1))).toEqual({ status: 'in_progress' });
  });

  it('reports completed with the stored response once the first request completed', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    await store.complete({ key, response: RESPONSE });
    expect(await claim(key, 'hash-a', at(3_600_000))).toEqual({
      status: 'completed',
      record: {
        key,
        bodyHash: 'hash-a',
        status: 'COMPLETED',
        response: RESPONSE,
        inProgressExpiresAt: T0.getTime() + IN_PROGRESS_MS,
        expiresAt: T0.getTime() / 1000 + TTL_SECONDS,
      },
    });
  });

  it('reports mismatch for a different body, in progress or completed, and keeps the first record', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    expect(await claim(key, 'hash-b')).toEqual({ status: 'mismatch' });
    await store.complete({ key, response: RESPONSE });
    expect(await claim(key, 'hash-b', at(1_000))).toEqual({ status: 'mismatch' });
    expect(await claim(key, 'hash-a', at(2_000))).toMatchObject({
      status: 'completed',
      record: { response: RESPONSE },
    });
  });

  it('lets an expired in-progress claim (crashed request) be claimed again', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    const later = at(IN_PROGRESS_MS + 1);
    expect(await claim(key, 'hash-a', later)).toEqual({ status: 'claimed' });
    // The new claim is live again from its own start.
    expect(await claim(key, 'hash-a', at(IN_PROGRESS_MS + 2))).toEqual({ status: 'in_progress' });
  });

  it('never reclaims a completed record before its TTL, but does after it', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    await store.complete({ key, response: RESPONSE });
    expect(await claim(key, 'hash-a', at(TTL_SECONDS * 1000 - 1_000))).toMatchObject({ status: 'completed' });
    expect(await claim(key, 'hash-b', at(TTL_SECONDS * 1000 + 1_000))).toEqual({ status: 'claimed' });
  });

  it('lets exactly one of many concurrent claims of one key win', async () => {
    const key = id('key');
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => claim(key, 'hash-a')));
    expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'in_progress')).toHaveLength(5);
  });
});

describe('DynamoDbIdempotencyStore.complete', () => {
  it('stores the response as a JSON string attribute', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    await store.complete({ key, response: RESPONSE });
    const item = await tables.doc.send(new GetCommand({ TableName: tables.names.idempotency, Key: { key } }));
    expect(item.Item).toMatchObject({ status: 'COMPLETED', responseJson: JSON.stringify(RESPONSE) });
  });

  it('replays any JSON body exactly (empty strings, nulls, nesting)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 100, max: 599 }), async (body, statusCode) => {
        const key = id('prop');
        await claim(key, 'hash-p');
        await store.complete({ key, response: { statusCode, body } });
        const outcome = await claim(key, 'hash-p', at(1_000));
        expect(outcome.status).toBe('completed');
        const response = outcome.status === 'completed' ? outcome.record.response : undefined;
        expect(response).toStrictEqual({ statusCode, body: JSON.parse(JSON.stringify(body)) });
      }),
      { numRuns: 25 },
    );
  });

  it('fails with a StoreError, creating nothing, when the record is gone', async () => {
    const key = id('key');
    const error = await store.complete({ key, response: RESPONSE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ retryable: false, operation: 'IdempotencyStore.complete' });
    const item = await tables.doc.send(new GetCommand({ TableName: tables.names.idempotency, Key: { key } }));
    expect(item.Item).toBeUndefined();
  });
});

describe('DynamoDbIdempotencyStore.release', () => {
  it('drops an in-progress claim so the client may retry at once', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    await store.release(key);
    expect(await claim(key, 'hash-a', at(1_000))).toEqual({ status: 'claimed' });
  });

  it('keeps a completed record, and ignores a missing key', async () => {
    const key = id('key');
    await claim(key, 'hash-a');
    await store.complete({ key, response: RESPONSE });
    await store.release(key);
    expect(await claim(key, 'hash-a', at(1_000))).toMatchObject({ status: 'completed' });
    await expect(store.release(id('missing'))).resolves.toBeUndefined();
  });
});
