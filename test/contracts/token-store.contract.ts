/** The TokenStore contract. */
import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../functions/core/model.js';
import { freshId, type StoresUnderTest, T0 } from './support.js';

export const tokenStoreContract = (stores: StoresUnderTest) =>
  describe('TokenStore contract', () => {
    it('puts, gets and deletes a token hash; deleting twice is fine', async () => {
      const { tokens } = stores();
      const record = { tokenHash: freshId('hash'), connectionId: 'c_1', createdAt: T0.toISOString() };
      expect(await tokens.get(record.tokenHash)).toBeUndefined();
      await tokens.put(record);
      expect(await tokens.get(record.tokenHash)).toEqual(record);
      await tokens.delete(record.tokenHash);
      await tokens.delete(record.tokenHash);
      expect(await tokens.get(record.tokenHash)).toBeUndefined();
    });

    it('keeps only the record fields, and a second put of the hash replaces the first', async () => {
      const { tokens } = stores();
      const tokenHash = freshId('hash');
      await tokens.put({
        tokenHash,
        connectionId: 'c_1',
        createdAt: T0.toISOString(),
        token: 'x',
      } as TokenRecord);
      await tokens.put({ tokenHash, connectionId: 'c_2', createdAt: T0.toISOString() });
      expect(await tokens.get(tokenHash)).toEqual({
        tokenHash,
        connectionId: 'c_2',
        createdAt: T0.toISOString(),
      });
    });
  });
