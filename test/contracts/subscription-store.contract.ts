/** The SubscriptionStore contract. */
import { describe, expect, it } from 'vitest';
import { SubscriptionExistsError } from '../../functions/adapters/dynamodb/errors.js';
import type { Subscription } from '../../functions/core/model.js';
import { freshId, type StoresUnderTest, T0 } from './support.js';

const subscription = (connectionId: string, overrides: Partial<Subscription> = {}): Subscription => ({
  subscriptionId: freshId('sub'),
  connectionId,
  trigger: 'order',
  type: 'NEW_SALE',
  targetUrl: 'https://hooks.zapier.com/hooks/standard/1/abc',
  createdAt: T0.toISOString(),
  ...overrides,
});

export const subscriptionStoreContract = (stores: StoresUnderTest) =>
  describe('SubscriptionStore contract', () => {
    it('stores a subscription under its connection; another connection does not see it', async () => {
      const { subscriptions } = stores();
      const mine = subscription(freshId('conn'));
      await subscriptions.put(mine);
      expect(await subscriptions.get(mine.connectionId, mine.subscriptionId)).toEqual(mine);
      expect(await subscriptions.get(freshId('other'), mine.subscriptionId)).toBeUndefined();
    });

    it('accepts the very same subscription again, and refuses other content under its id', async () => {
      const { subscriptions } = stores();
      const first = subscription(freshId('conn'));
      await subscriptions.put(first);
      await expect(subscriptions.put({ ...first })).resolves.toBeUndefined();
      await expect(
        subscriptions.put({ ...first, targetUrl: `${first.targetUrl}-other` }),
      ).rejects.toBeInstanceOf(SubscriptionExistsError);
      expect(await subscriptions.get(first.connectionId, first.subscriptionId)).toEqual(first);
    });

    it('keeps only the model attributes', async () => {
      const { subscriptions } = stores();
      const sub = subscription(freshId('conn'));
      await subscriptions.put({ ...sub, secret: 'x' } as Subscription);
      expect(await subscriptions.get(sub.connectionId, sub.subscriptionId)).toEqual(sub);
      // and the same subscription with an extra attribute is still the same subscription
      await expect(subscriptions.put({ ...sub, note: 'retry' } as Subscription)).resolves.toBeUndefined();
    });

    it('deletes, telling whether there was something to delete', async () => {
      const { subscriptions } = stores();
      const sub = subscription(freshId('conn'));
      await subscriptions.put(sub);
      expect(await subscriptions.delete(sub.connectionId, sub.subscriptionId)).toBe(true);
      expect(await subscriptions.delete(sub.connectionId, sub.subscriptionId)).toBe(false);
      expect(await subscriptions.get(sub.connectionId, sub.subscriptionId)).toBeUndefined();
    });

    it('lists by connection, and by trigger and type', async () => {
      const { subscriptions } = stores();
      const connectionId = freshId('conn');
      const sale = subscription(connectionId);
      const lead = subscription(connectionId, { type: 'NEW_LEAD' });
      const refund = subscription(connectionId, { trigger: 'transaction', type: 'REFUND' });
      const elsewhere = subscription(freshId('conn'));
      for (const s of [sale, lead, refund, elsewhere]) await subscriptions.put(s);
      const byId = (list: Subscription[]) => list.map((s) => s.subscriptionId).sort();
      expect(byId(await subscriptions.listByConnection(connectionId))).toEqual(byId([sale, lead, refund]));
      expect(await subscriptions.listFor(connectionId, 'order', 'NEW_SALE')).toEqual([sale]);
      expect(await subscriptions.listFor(connectionId, 'transaction', 'REFUND')).toEqual([refund]);
      expect(await subscriptions.listFor(connectionId, 'transaction', 'DECLINE')).toEqual([]);
    });

    it('lists each (connection, stream) in use once, however many subscriptions it has', async () => {
      const { subscriptions } = stores();
      const connectionId = freshId('conn');
      for (const s of [
        subscription(connectionId),
        subscription(connectionId, { type: 'CANCELLED' }),
        subscription(connectionId, { trigger: 'transaction', type: 'DECLINE' }),
      ])
        await subscriptions.put(s);
      const mine = (await subscriptions.listActiveStreams()).filter((p) => p.connectionId === connectionId);
      expect(mine.map((p) => p.stream).sort()).toEqual(['orders', 'transactions']);
    });
  });
