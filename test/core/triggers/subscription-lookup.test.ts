import { describe, expect, it } from 'vitest';
import { RecentSubscriptions } from '../../../functions/core/triggers/subscription-lookup.js';
import { FakeClock, FakeSubscriptionStore } from '../../support/fakes.js';

const T0 = new Date('2026-11-25T12:00:00.000Z');

const setup = async () => {
  const store = new FakeSubscriptionStore();
  const clock = new FakeClock(T0);
  await store.put({
    subscriptionId: 's1',
    connectionId: 'c1',
    trigger: 'order',
    type: 'NEW_SALE',
    targetUrl: 'https://hooks.zapier.com/a',
    createdAt: T0.toISOString(),
  });
  let queries = 0;
  const listFor = store.listFor.bind(store);
  store.listFor = async (...args) => {
    queries += 1;
    return listFor(...args);
  };
  const lookup = new RecentSubscriptions(store, clock, 5_000);
  return { store, clock, lookup, queries: () => queries };
};

describe('RecentSubscriptions', () => {
  it('reads a list once for the events detected before it was read, for a few seconds', async () => {
    const s = await setup();
    const detected = new Date(T0.getTime() - 100);
    await s.lookup.listFor('c1', 'order', 'NEW_SALE', detected);
    s.clock.advance(4_000);
    expect(await s.lookup.listFor('c1', 'order', 'NEW_SALE', detected)).toHaveLength(1);
    expect(s.queries()).toBe(1);
    s.clock.advance(1_001);
    await s.lookup.listFor('c1', 'order', 'NEW_SALE', detected);
    expect(s.queries()).toBe(2);
  });

  it('reads again for an event detected after the list was read, so a Zap switched on before it is not missed', async () => {
    const s = await setup();
    await s.lookup.listFor('c1', 'order', 'NEW_SALE', T0);
    s.clock.advance(1_000);
    await s.store.put({
      subscriptionId: 's2',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: 'https://hooks.zapier.com/b',
      createdAt: new Date(T0.getTime() + 500).toISOString(),
    });
    const list = await s.lookup.listFor('c1', 'order', 'NEW_SALE', new Date(T0.getTime() + 600));
    expect(list.map((sub) => sub.subscriptionId).sort()).toEqual(['s1', 's2']);
  });

  it('forgets the connection’s lists on a deletion, and never keeps a failed read', async () => {
    const s = await setup();
    await s.lookup.listFor('c1', 'order', 'NEW_SALE', T0);
    await s.lookup.delete('c1', 's1');
    expect(await s.lookup.listFor('c1', 'order', 'NEW_SALE', T0)).toEqual([]);
    expect(s.queries()).toBe(2);
    const working = s.store.listFor;
    s.store.listFor = async () => {
      throw new Error('throttled');
    };
    s.clock.advance(10_000);
    await expect(s.lookup.listFor('c1', 'order', 'NEW_SALE', s.clock.now())).rejects.toThrow('throttled');
    s.store.listFor = working;
    expect(await s.lookup.listFor('c1', 'order', 'NEW_SALE', s.clock.now())).toEqual([]);
  });
});
