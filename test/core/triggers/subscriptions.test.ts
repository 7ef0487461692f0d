import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/core/errors.js';
import type { Connection } from '../../../functions/core/model.js';
import { dispatchPolls } from '../../../functions/core/triggers/dispatch.js';
import { listSubscriptions, subscribe, unsubscribe } from '../../../functions/core/triggers/subscriptions.js';
import { FakeClock, FakeCursorStore, FakeSubscriptionStore } from '../../support/fakes.js';

const T0 = new Date('2026-11-25T12:00:00Z');
const connection = (id: string): Connection => ({
  connectionId: id,
  loginId: id,
  encryptedPassword: 'x',
  timeZone: 'UTC',
  label: id,
  status: 'active',
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
});

const fixture = () => {
  let n = 0;
  const deps = {
    subscriptions: new FakeSubscriptionStore(),
    cursors: new FakeCursorStore(),
    clock: new FakeClock(T0),
    allowlist: ['https://hooks.zapier.com/'],
    newId: () => `sub_${++n}`,
  };
  return deps;
};
const hook = (n: number) => `https://hooks.zapier.com/hooks/standard/1/${n}/`;

describe('subscriptions', () => {
  it('stores a subscription and returns it with a top-level id', async () => {
    const deps = fixture();
    const { subscription, created } = await subscribe(deps, connection('a'), {
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: hook(1),
    });
    expect(created).toBe(true);
    expect(await listSubscriptions(deps, connection('a'))).toEqual([
      {
        id: subscription.subscriptionId,
        trigger: 'order',
        type: 'NEW_SALE',
        targetUrl: hook(1),
        createdAt: T0.toISOString(),
      },
    ]);
  });

  it('rejects a targetUrl outside the allow-list with a message naming the field', async () => {
    const deps = fixture();
    const attempt = subscribe(deps, connection('a'), {
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: 'https://evil.test/x',
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      fields: { targetUrl: expect.stringContaining('hooks.zapier.com') },
    });
    expect(deps.subscriptions.items.size).toBe(0);
  });

  it('is idempotent for a retried subscribe of the same hook', async () => {
    const deps = fixture();
    const first = await subscribe(deps, connection('a'), {
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: hook(1),
    });
    const again = await subscribe(deps, connection('a'), {
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: hook(1),
    });
    expect(again).toEqual({ subscription: first.subscription, created: false });
  });

  it('restarts a stream at now when it gets its first subscription, not for later ones', async () => {
    const deps = fixture();
    await deps.cursors.reset({
      connectionId: 'a',
      stream: 'orders',
      hwm: '2026-01-01T00:00:00.000Z',
      now: T0,
    });
    await subscribe(deps, connection('a'), { trigger: 'order', type: 'NEW_SALE', targetUrl: hook(1) });
    expect((await deps.cursors.get('a', 'orders'))?.hwm).toBe(T0.toISOString());
    deps.clock.advance(60_000);
    await subscribe(deps, connection('a'), { trigger: 'order', type: 'NEW_LEAD', targetUrl: hook(2) });
    expect((await deps.cursors.get('a', 'orders'))?.hwm).toBe(T0.toISOString());
  });

  it('isolates tenants: another connection can neither see nor delete a subscription', async () => {
    const deps = fixture();
    const { subscription } = await subscribe(deps, connection('a'), {
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: hook(1),
    });
    expect(await listSubscriptions(deps, connection('b'))).toEqual([]);
    await unsubscribe(deps, connection('b'), subscription.subscriptionId);
    expect(await listSubscriptions(deps, connection('a'))).toHaveLength(1);
    await unsubscribe(deps, connection('a'), subscription.subscriptionId);
    await unsubscribe(deps, connection('a'), subscription.subscriptionId); // idempotent
    expect(await listSubscriptions(deps, connection('a'))).toEqual([]);
  });

  it('dispatch: ten subscriptions on one stream make one poll request, two streams two', async () => {
    const deps = fixture();
    for (let i = 0; i < 10; i++) {
      await subscribe(deps, connection('a'), { trigger: 'order', type: 'NEW_SALE', targetUrl: hook(i) });
    }
    const requests: unknown[] = [];
    const pollQueue = { enqueue: async (batch: unknown[]) => void requests.push(...batch) };
    const once = { tickSeconds: 60, intervalSeconds: 60, spread: false };
    expect(await dispatchPolls({ subscriptions: deps.subscriptions, pollQueue }, once)).toEqual({
      streams: 1,
      requested: 1,
    });
    await subscribe(deps, connection('a'), { trigger: 'transaction', type: 'REFUND', targetUrl: hook(99) });
    await subscribe(deps, connection('b'), { trigger: 'order', type: 'NEW_LEAD', targetUrl: hook(100) });
    requests.length = 0;
    await dispatchPolls({ subscriptions: deps.subscriptions, pollQueue }, once);
    expect(
      requests
        .map((r) => `${(r as { connectionId: string }).connectionId}/${(r as { stream: string }).stream}`)
        .sort(),
    ).toEqual(['a/orders', 'a/transactions', 'b/orders']);
    expect(requests).toHaveLength(3);
  });
});
