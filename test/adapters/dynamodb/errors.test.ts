import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamodb/client.js';
import {
  isRetryableSdkError,
  StoreError,
  toStoreError,
} from '../../../functions/adapters/dynamodb/errors.js';
import {
  createDynamoDbStores,
  DynamoDbCursorStore,
  DynamoDbEventLedger,
  DynamoDbIdempotencyStore,
} from '../../../functions/adapters/dynamodb/index.js';
import { localTableNames } from '../../../functions/adapters/dynamodb/tables.js';
import { CursorConflictError } from '../../../functions/core/ports.js';
import { freePort } from '../../../local/dynamodb/dynamodb-local.js';
import { uniquePrefix } from './support.js';

const metadata = { $metadata: { httpStatusCode: 400 } };
const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    ...metadata,
  });

describe('SDK failures through a mocked client', () => {
  const docMock = mockClient(DynamoDBDocumentClient);
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    }),
  );
  afterEach(() => docMock.reset());
  afterAll(() => {
    docMock.restore();
    client.destroy();
  });

  it('propagates throttling from the ledger as a retryable StoreError keeping the cause', async () => {
    const cause = throttled();
    docMock.on(PutCommand).rejects(cause);
    const ledger = new DynamoDbEventLedger(client, 'ledger-table');
    const error = await ledger
      .record({
        connectionId: 'c',
        eventId: 'e',
        firstSeenAt: new Date(),
        cursorVersion: 0,
        expiresAt: new Date(),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      name: 'StoreError',
      retryable: true,
      operation: 'EventLedger.record',
      tableName: 'ledger-table',
      cause,
    });
  });

  it('does not mistake a throttled checkpoint for a lost race', async () => {
    docMock.on(UpdateCommand).rejects(throttled());
    const cursors = new DynamoDbCursorStore(client, 'cursors-table');
    const error = await cursors
      .checkpoint({
        connectionId: 'c',
        stream: 'orders',
        owner: 'o',
        expectedVersion: 0,
        hwm: '2025-01-01T00:00:00.000Z',
        now: new Date(),
        leaseExpiresAt: 0,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).not.toBeInstanceOf(CursorConflictError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('does not swallow a server error on an idempotency claim', async () => {
    docMock
      .on(PutCommand)
      .rejects(new InternalServerError({ message: 'boom', $metadata: { httpStatusCode: 500 } }));
    const store = new DynamoDbIdempotencyStore(client, 'idem-table');
    await expect(
      store.claim({ key: 'k', bodyHash: 'h', now: new Date(), inProgressMs: 1, ttlSeconds: 1 }),
    ).rejects.toMatchObject({ name: 'StoreError', retryable: true });
  });

  it('wraps a failed read as a StoreError too', async () => {
    docMock.on(GetCommand).rejects(throttled());
    const { tokens } = createDynamoDbStores({ client, tableNames: localTableNames('mock') });
    await expect(tokens.get('hash')).rejects.toMatchObject({ name: 'StoreError', retryable: true });
  });

  it('reports a condition failure without an old item as a StoreError, not as an outcome', async () => {
    docMock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', ...metadata }));
    const ledger = new DynamoDbEventLedger(client, 'ledger-table');
    await expect(
      ledger.record({
        connectionId: 'c',
        eventId: 'e',
        firstSeenAt: new Date(),
        cursorVersion: 0,
        expiresAt: new Date(),
      }),
    ).rejects.toBeInstanceOf(StoreError);
  });
});

describe('SDK failures against DynamoDB Local', () => {
  it('wraps a missing table as a non-retryable StoreError naming the table', async () => {
    const client = createDocumentClient({ endpoint: inject('dynamoDbEndpoint') });
    try {
      const names = localTableNames(uniquePrefix('never-created'));
      const { subscriptions } = createDynamoDbStores({ client, tableNames: names });
      const error = await subscriptions.listByConnection('c').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({
        retryable: false,
        message: expect.stringContaining(names.subscriptions),
        cause: expect.any(ResourceNotFoundException),
      });
    } finally {
      client.destroy();
    }
  });

  it('reports an unreachable endpoint as a retryable StoreError', async () => {
    const client = createDocumentClient({ endpoint: `http://127.0.0.1:${await freePort()}` });
    try {
      const { tokens } = createDynamoDbStores({ client, tableNames: localTableNames('unreachable') });
      await expect(tokens.get('hash')).rejects.toMatchObject({ name: 'StoreError', retryable: true });
    } finally {
      client.destroy();
    }
  });
});

describe('isRetryableSdkError / toStoreError', () => {
  it('classifies throttling, server faults and network failures as retryable, the rest not', () => {
    expect(isRetryableSdkError(throttled())).toBe(true);
    expect(isRetryableSdkError({ $fault: 'server', $metadata: {} })).toBe(true);
    expect(isRetryableSdkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isRetryableSdkError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toBe(true);
    expect(isRetryableSdkError(new ResourceNotFoundException({ message: 'no table', ...metadata }))).toBe(
      false,
    );
    expect(isRetryableSdkError(new Error('ValidationException'))).toBe(false);
    expect(isRetryableSdkError('a string')).toBe(false);
  });

  it('passes an existing StoreError through unchanged', () => {
    const original = new StoreError('x', { operation: 'op', tableName: 't', retryable: true });
    expect(toStoreError(original, { operation: 'other', tableName: 'u' })).toBe(original);
  });
});
