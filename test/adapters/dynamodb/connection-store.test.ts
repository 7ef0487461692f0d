import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbConnectionStore } from '../../../functions/adapters/dynamodb/connection-store.js';
import { StoreError } from '../../../functions/adapters/dynamodb/errors.js';
import type { Connection } from '../../../functions/core/model.js';
import { createTestTables, id, scanRaw, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbConnectionStore;

beforeAll(async () => {
  tables = await createTestTables('connections');
  store = new DynamoDbConnectionStore(tables.doc, tables.names.connections);
});
afterAll(() => tables.dispose());

const T0 = new Date('2025-03-01T10:00:00.000Z');
const T1 = new Date('2025-03-02T11:30:00.000Z');

const input = (connectionId: string): Omit<Connection, 'createdAt' | 'updatedAt'> => ({
  connectionId,
  loginId: `login-${connectionId}`,
  encryptedPassword: 'ciphertext-v1',
  timeZone: 'America/New_York',
  label: 'Fake Store',
  status: 'active',
});

describe('DynamoDbConnectionStore', () => {
  it('creates a connection with createdAt = updatedAt and reads it back', async () => {
    const connectionId = id('conn');
    const created = await store.upsert(input(connectionId), T0);
    const expected: Connection = {
      ...input(connectionId),
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    };
    expect(created).toEqual(expected);
    expect(await store.get(connectionId)).toEqual(expected);
  });

  it('updates credentials, zone, label and status but keeps the first createdAt', async () => {
    const connectionId = id('conn');
    await store.upsert(input(connectionId), T0);
    const updated = await store.upsert(
      {
        ...input(connectionId),
        encryptedPassword: 'ciphertext-v2',
        timeZone: 'Europe/Berlin',
        label: 'Renamed',
        status: 'invalid',
      },
      T1,
    );
    const expected: Connection = {
      ...input(connectionId),
      encryptedPassword: 'ciphertext-v2',
      timeZone: 'Europe/Berlin',
      label: 'Renamed',
      status: 'invalid',
      createdAt: T0.toISOString(),
      updatedAt: T1.toISOString(),
    };
    expect(updated).toEqual(expected);
    expect(await store.get(connectionId)).toEqual(expected);
  });

  it('returns undefined for an unknown connection', async () => {
    expect(await store.get(id('missing'))).toBeUndefined();
  });

  it('sets the status and updatedAt of an existing connection only', async () => {
    const connectionId = id('conn');
    await store.upsert(input(connectionId), T0);
    await store.setStatus(connectionId, 'invalid', T1);
    expect(await store.get(connectionId)).toEqual({
      ...input(connectionId),
      status: 'invalid',
      createdAt: T0.toISOString(),
      updatedAt: T1.toISOString(),
    });

    // A missing connection stays missing: no partial item without credentials appears.
    const missing = id('missing');
    await store.setStatus(missing, 'invalid', T1);
    expect(await store.get(missing)).toBeUndefined();
  });

  it('lists every connection across pages', async () => {
    const paged = new DynamoDbConnectionStore(tables.doc, tables.names.connections, { pageSize: 2 });
    const ids = Array.from({ length: 5 }, () => id('listed'));
    for (const connectionId of ids) await store.upsert(input(connectionId), T0);
    const listed = await paged.list();
    expect(listed.map((connection) => connection.connectionId)).toEqual(expect.arrayContaining(ids));
    expect(listed.find((connection) => connection.connectionId === ids[4])).toEqual({
      ...input(ids[4] ?? ''),
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    expect(new Set(listed.map((connection) => connection.connectionId)).size).toBe(listed.length);
  });

  it('never stores a plaintext password, even when the caller object carries one', async () => {
    const plaintext = 'FAKE-plaintext-password-7f3a';
    const connectionId = id('conn');
    // Structural typing lets an object with extra fields through; only named attributes may be written.
    const withPlaintext = {
      ...input(connectionId),
      password: plaintext,
      encryptedPassword: 'ciphertext-xyz',
    };
    await store.upsert(withPlaintext, T0);
    await store.setStatus(connectionId, 'invalid', T1);

    const raw = JSON.stringify(await scanRaw(tables.raw, tables.names.connections));
    expect(raw).toContain('ciphertext-xyz');
    expect(raw).not.toContain(plaintext);
    expect(raw).not.toContain('"password"');
  });

  it('rejects a malformed stored item with a non-retryable StoreError', async () => {
    const connectionId = id('corrupt');
    const key = { TableName: tables.names.connections, Key: { connectionId } };
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.connections,
        Item: {
          connectionId,
          loginId: 'x',
          encryptedPassword: 'c',
          timeZone: 'UTC',
          label: 'l',
          status: 'weird',
        },
      }),
    );
    try {
      const error = await store.get(connectionId).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({
        name: 'StoreError',
        retryable: false,
        operation: 'ConnectionStore.get',
        message: expect.stringContaining('status'),
      });
    } finally {
      // Other tests scan this table.
      await tables.doc.send(new DeleteCommand(key));
    }
  });
});
