/** The ConnectionStore contract: what every implementation (DynamoDB adapter, test fake) must do. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../functions/core/model.js';
import { findings } from '../support/contract-findings.js';
import { at, freshId, type StoresUnderTest, T0 } from './support.js';

const input = (connectionId: string, overrides: Partial<Connection> = {}) => ({
  connectionId,
  loginId: 'fake-login',
  encryptedPassword: 'ciphertext-1',
  timeZone: 'America/New_York',
  label: 'Shop',
  status: 'active' as const,
  ...overrides,
});

export const connectionStoreContract = (stores: StoresUnderTest) =>
  describe('ConnectionStore contract', () => {
    it('creates a connection with createdAt = updatedAt = now, and reads it back', async () => {
      const { connections } = stores();
      const id = freshId('conn');
      const created = await connections.upsert(input(id), T0);
      const expected = { ...input(id), createdAt: T0.toISOString(), updatedAt: T0.toISOString() };
      expect(created).toEqual(expected);
      expect(await connections.get(id)).toEqual(expected);
    });

    it('updates an existing connection, keeping its first createdAt', async () => {
      const { connections } = stores();
      const id = freshId('conn');
      await connections.upsert(input(id, { status: 'invalid' }), T0);
      const updated = await connections.upsert(
        input(id, { encryptedPassword: 'ciphertext-2', timeZone: 'UTC', label: 'New', status: 'active' }),
        at(60_000),
      );
      expect(updated).toMatchObject({
        encryptedPassword: 'ciphertext-2',
        timeZone: 'UTC',
        label: 'New',
        status: 'active',
        createdAt: T0.toISOString(),
        updatedAt: at(60_000).toISOString(),
      });
      expect(await connections.get(id)).toEqual(updated);
    });

    it('keeps only the model attributes, whatever else the caller passes', async () => {
      const { connections } = stores();
      const id = freshId('conn');
      await connections.upsert({ ...input(id), password: 'plaintext' } as ReturnType<typeof input>, T0);
      expect(Object.keys((await connections.get(id)) ?? {}).sort()).toEqual([
        'connectionId',
        'createdAt',
        'encryptedPassword',
        'label',
        'loginId',
        'status',
        'timeZone',
        'updatedAt',
      ]);
    });

    it('sets the status of an existing connection, and leaves a missing one missing', async () => {
      const { connections } = stores();
      const id = freshId('conn');
      await connections.upsert(input(id), T0);
      await connections.setStatus(id, 'invalid', at(1_000));
      expect(await connections.get(id)).toMatchObject({
        status: 'invalid',
        updatedAt: at(1_000).toISOString(),
      });
      const missing = freshId('missing');
      await connections.setStatus(missing, 'invalid', T0);
      expect(await connections.get(missing)).toBeUndefined();
    });

    it('lists every connection', async () => {
      const { connections } = stores();
      const ids = [freshId('conn'), freshId('conn')];
      for (const id of ids) await connections.upsert(input(id), T0);
      const listed = (await connections.list()).map((c) => c.connectionId);
      for (const id of ids) expect(listed).toContain(id);
    });

    it('stores the probe findings on an existing connection and keeps them across an upsert', async () => {
      const { connections } = stores();
      const id = freshId('conn');
      await connections.upsert(input(id), T0);
      const contract = findings({
        timeFilters: { variant: 'ignored', evidence: 'a 1-hour window returned the whole day' },
      });
      await connections.setContract(id, contract, at(1_000));
      expect(await connections.get(id)).toMatchObject({ contract, updatedAt: at(1_000).toISOString() });
      // Reconnecting (new password) keeps what the probe found.
      await connections.upsert({ ...input(id), encryptedPassword: 'ciphertext-v2' }, at(2_000));
      expect((await connections.get(id))?.contract).toEqual(contract);
    });

    it('leaves a missing connection missing and refuses malformed findings', async () => {
      const { connections } = stores();
      const missing = freshId('missing');
      await connections.setContract(missing, findings(), T0);
      expect(await connections.get(missing)).toBeUndefined();
      const id = freshId('conn');
      await connections.upsert(input(id), T0);
      const bad = { ...findings(), timeFilters: { variant: 'sometimes', evidence: '' } };
      await expect(connections.setContract(id, bad as never, at(1_000))).rejects.toThrow();
      expect((await connections.get(id))?.contract).toBeUndefined();
    });
  });
