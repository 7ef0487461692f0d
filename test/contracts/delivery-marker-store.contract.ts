/** The DeliveryMarkerStore contract. */
import { describe, expect, it } from 'vitest';
import { at, freshId, type StoresUnderTest, T0 } from './support.js';

export const deliveryMarkerStoreContract = (stores: StoresUnderTest) =>
  describe('DeliveryMarkerStore contract', () => {
    it('remembers a delivery per (subscription, event); marking twice is harmless', async () => {
      const { deliveries } = stores();
      const subscriptionId = freshId('sub');
      expect(await deliveries.has(subscriptionId, 'evt-1')).toBe(false);
      await deliveries.mark(subscriptionId, 'evt-1', T0, at(86_400_000));
      await deliveries.mark(subscriptionId, 'evt-1', at(1_000), at(86_400_000));
      expect(await deliveries.has(subscriptionId, 'evt-1')).toBe(true);
      expect(await deliveries.has(subscriptionId, 'evt-2')).toBe(false);
      expect(await deliveries.has(freshId('sub'), 'evt-1')).toBe(false);
    });
  });
