import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionExistsError } from '../../../functions/adapters/dynamodb/errors.js';
import { DynamoDbSubscriptionStore } from '../../../functions/adapters/dynamodb/subscription-store.js';
import type { EventType, Subscription, Trigger } from '../../../functions/core/model.js';
import { createTestTables, id, type TestTables } from './support.js';

let tables: TestTables;
let store: DynamoDbSubscriptionStore;

beforeAll(async () => {
  tables = await createTestTables('subscriptions');
  store = new DynamoDbSubscriptionStore(tables.doc, tables.names.subscriptions);
});
afterAll(() => tables.dispose());

const subscription = (connectionId: string, trigger: Trigger, type: EventType): Subscription => ({
  subscriptionId: id('sub'),
  connectionId,
  trigger,
  type,
  targetUrl: `https://hooks.zapier.com/hooks/standard/fake/${id('hook')}`,
  createdAt: '2025-03-01T10:00:00.000Z',
});

const ids = (subscriptions: Subscription[]) => subscriptions.map((s) => s.subscriptionId).sort();

describe('DynamoDbSubscriptionStore', () => {
  it('puts and gets a subscription', async () => {
    const sub = subscription(id('conn'), 'order', 'NEW_SALE');
    await store.put(sub);
    expect(await store.get(sub.connectionId, sub.subscriptionId)).toEqual(sub);
  });

  it('refuses different content under an existing id and keeps the original', async () => {
    const sub = subscription(id('conn'), 'order', 'NEW_SALE');
    await store.put(sub);
    const clash = { ...sub, type: 'CANCELLED' as const, targetUrl: 'https://hooks.zapier.com/other' };
    await expect(store.put(clash)).rejects.toBeInstanceOf(SubscriptionExistsError);
    await expect(store.put(clash)).rejects.toMatchObject({
      name: 'SubscriptionExistsError',
      retryable: false,
    });
    expect(await store.get(sub.connectionId, sub.subscriptionId)).toEqual(sub);
  });

  it('accepts the very same subscription again (a retried put)', async () => {
    const sub = subscription(id('conn'), 'transaction', 'REFUND');
    await store.put(sub);
    await expect(store.put({ ...sub })).resolves.toBeUndefined();
    expect(await store.listByConnection(sub.connectionId)).toEqual([sub]);
  });

  it('isolates tenants: another connection cannot read, list or delete the subscription', async () => {
    const owner = id('conn-owner');
    const intruder = id('conn-intruder');
    const sub = subscription(owner, 'order', 'NEW_LEAD');
    const intruderSub = subscription(intruder, 'order', 'NEW_LEAD');
    await store.put(sub);
    await store.put(intruderSub);

    expect(await store.get(intruder, sub.subscriptionId)).toBeUndefined();
    expect(await store.listByConnection(intruder)).toEqual([intruderSub]);
    expect(await store.listFor(intruder, 'order', 'NEW_LEAD')).toEqual([intruderSub]);
    expect(await store.delete(intruder, sub.subscriptionId)).toBe(false);
    expect(await store.get(owner, sub.subscriptionId)).toEqual(sub);
  });

  it('deletes: true when something was deleted, false for a missing id', async () => {
    const sub = subscription(id('conn'), 'transaction', 'DECLINE');
    await store.put(sub);
    expect(await store.delete(sub.connectionId, sub.subscriptionId)).toBe(true);
    expect(await store.get(sub.connectionId, sub.subscriptionId)).toBeUndefined();
    expect(await store.delete(sub.connectionId, sub.subscriptionId)).toBe(false);
    expect(await store.delete(sub.connectionId, id('never-existed'))).toBe(false);
  });

  it('lists a connection’s subscriptions across pages, and filters by trigger and type', async () => {
    const paged = new DynamoDbSubscriptionStore(tables.doc, tables.names.subscriptions, { pageSize: 1 });
    const connectionId = id('conn');
    const sales = [
      subscription(connectionId, 'order', 'NEW_SALE'),
      subscription(connectionId, 'order', 'NEW_SALE'),
    ];
    const others = [
      subscription(connectionId, 'order', 'CANCELLED'),
      subscription(connectionId, 'transaction', 'DECLINE'),
      subscription(connectionId, 'transaction', 'REFUND'),
    ];
    const elsewhere = subscription(id('conn'), 'order', 'NEW_SALE');
    for (const sub of [...others, ...sales, elsewhere]) await store.put(sub);

    expect(ids(await paged.listByConnection(connectionId))).toEqual(ids([...sales, ...others]));
    expect(ids(await paged.listFor(connectionId, 'order', 'NEW_SALE'))).toEqual(ids(sales));
    expect(await paged.listFor(connectionId, 'transaction', 'REFUND')).toEqual([others[2]]);
    expect(await paged.listFor(connectionId, 'order', 'NEW_LEAD')).toEqual([]);
    expect(await paged.listByConnection(id('nobody'))).toEqual([]);
  });

  it('lists each active (connection, stream) once, across pages', async () => {
    const paged = new DynamoDbSubscriptionStore(tables.doc, tables.names.subscriptions, { pageSize: 2 });
    const a = id('conn-a');
    const b = id('conn-b');
    const subs = [
      subscription(a, 'order', 'NEW_SALE'),
      subscription(a, 'order', 'NEW_SALE'),
      subscription(a, 'order', 'CANCELLED'),
      subscription(a, 'transaction', 'DECLINE'),
      subscription(a, 'transaction', 'REFUND'),
      subscription(b, 'order', 'NEW_LEAD'),
      subscription(b, 'order', 'NEW_SALE'),
    ];
    for (const sub of subs) await store.put(sub);

    const streams = await paged.listActiveStreams();
    const keys = streams.map((s) => `${s.connectionId}|${s.stream}`);
    expect(new Set(keys).size).toBe(keys.length);
    const mine = keys.filter((key) => key.startsWith(`${a}|`) || key.startsWith(`${b}|`)).sort();
    expect(mine).toEqual([`${a}|orders`, `${a}|transactions`, `${b}|orders`].sort());

    // Once a connection's last transaction subscription is gone, its transactions stream is no longer polled.
    for (const sub of subs.filter((s) => s.connectionId === a && s.trigger === 'transaction')) {
      await store.delete(a, sub.subscriptionId);
    }
    const after = (await paged.listActiveStreams()).filter((s) => s.connectionId === a);
    expect(after).toEqual([{ connectionId: a, stream: 'orders' }]);
  });
});
