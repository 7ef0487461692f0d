import { describe, expect, it } from 'vitest';
import type { DetectedEvent, Subscription } from '../../../functions/core/model.js';
import {
  backoffSeconds,
  DEFAULT_DELIVERY_SETTINGS,
  deliverEvent,
  perBatchSubscriptions,
} from '../../../functions/core/triggers/deliver.js';
import { FakeClock, FakeDeliveryMarkerStore, FakeSubscriptionStore } from '../../support/fakes.js';
import { ScriptedHookSender } from '../../support/trigger-fakes.js';

const T0 = new Date('2026-11-25T12:00:00Z');
const settings = { ...DEFAULT_DELIVERY_SETTINGS, random: () => 0.5 };

const event = (overrides: Partial<DetectedEvent> = {}): DetectedEvent => ({
  eventId: 'NEW_SALE-ABC',
  connectionId: 'c1',
  trigger: 'order',
  type: 'NEW_SALE',
  recordId: 'ABC',
  occurredAt: T0.toISOString(),
  detectedAt: T0.toISOString(),
  payload: {
    id: 'NEW_SALE-ABC',
    event: 'order.NEW_SALE',
    occurredAt: T0.toISOString(),
    connection: 'm',
    orderId: 'ABC',
  },
  ...overrides,
});

const fixture = async (urls: string[]) => {
  const subscriptions = new FakeSubscriptionStore();
  const markers = new FakeDeliveryMarkerStore();
  const sender = new ScriptedHookSender();
  const clock = new FakeClock(new Date(T0.getTime() + 1000));
  for (const [index, url] of urls.entries()) {
    const subscription: Subscription = {
      subscriptionId: `s${index + 1}`,
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: url,
      createdAt: new Date(T0.getTime() - 60_000).toISOString(),
    };
    await subscriptions.put(subscription);
  }
  const deps = {
    subscriptions,
    markers,
    sender,
    clock,
    pacer: { acquire: async () => undefined },
    allowlist: ['https://hooks.zapier.com/'],
  };
  const attempt = (receiveCount: number, firstSentAt = T0) =>
    deliverEvent(deps, event(), { receiveCount, firstSentAt }, settings);
  return { subscriptions, markers, sender, clock, deps, attempt };
};

const A = 'https://hooks.zapier.com/hooks/standard/1/a/';
const B = 'https://hooks.zapier.com/hooks/standard/1/b/';

describe('deliverEvent', () => {
  it('POSTs the payload as one JSON object to every subscription of the connection + trigger + type', async () => {
    const f = await fixture([A, B]);
    await f.subscriptions.put({
      subscriptionId: 'other-type',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_LEAD',
      targetUrl: A,
      createdAt: T0.toISOString(),
    });
    await f.subscriptions.put({
      subscriptionId: 'other-tenant',
      connectionId: 'c2',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: A,
      createdAt: T0.toISOString(),
    });
    const result = await f.attempt(1);
    expect(result.status).toBe('done');
    expect(f.sender.posts.map((p) => p.url).sort()).toEqual([A, B]);
    expect(f.sender.posts[0]?.payload).toEqual(event().payload);
    expect(f.sender.posts[0]?.headers['webhook-id']).toBe('NEW_SALE-ABC');
  });

  it('never re-posts to a subscription that already has the event when the message is retried', async () => {
    const f = await fixture([A, B]);
    f.sender.script(B, { kind: 'status', status: 500 });
    const first = await f.attempt(1);
    expect(first.status).toBe('retry');
    const second = await f.attempt(2);
    expect(second.status).toBe('done');
    expect(f.sender.posts.map((p) => p.url)).toEqual([A, B, B]);
  });

  it('deletes the subscription on 410 and does not retry', async () => {
    const f = await fixture([A]);
    f.sender.script(A, { kind: 'status', status: 410 });
    const result = await f.attempt(1);
    expect(result).toMatchObject({ status: 'done', outcomes: [{ subscriptionId: 's1', result: 'gone' }] });
    expect(await f.subscriptions.get('c1', 's1')).toBeUndefined();
  });

  it('honours Retry-After on 429', async () => {
    const f = await fixture([A]);
    f.sender.script(A, { kind: 'status', status: 429, retryAfterSeconds: 120 });
    expect(await f.attempt(1)).toMatchObject({ status: 'retry', delaySeconds: 120 });
  });

  it.each([
    [{ kind: 'status', status: 503 } as const],
    [{ kind: 'status', status: 302 } as const],
    [{ kind: 'status', status: 400 } as const],
    [{ kind: 'timeout' } as const],
    [{ kind: 'network', message: 'ECONNRESET' } as const],
  ])('retries %j with backoff', async (response) => {
    const f = await fixture([A]);
    f.sender.script(A, response);
    const result = await f.attempt(3);
    expect(result.status).toBe('retry');
    expect(await f.markers.has('s1', 'NEW_SALE-ABC')).toBe(false);
  });

  it('backs off exponentially with jitter, capped at an hour, for at least three days, then gives up', () => {
    const delays = Array.from({ length: 12 }, (_, i) =>
      backoffSeconds(i + 1, { ...settings, random: () => 1 }),
    );
    expect(delays.slice(0, 4)).toEqual([30, 60, 120, 240]);
    expect(Math.max(...delays)).toBe(3600);
    const low = backoffSeconds(5, { ...settings, random: () => 0 });
    const high = backoffSeconds(5, { ...settings, random: () => 1 });
    expect(low).toBe(high / 2);
    expect(settings.retryHorizonMs).toBeGreaterThanOrEqual(3 * 86_400_000);
  });

  it('dead-letters once the retry horizon has passed', async () => {
    const f = await fixture([A]);
    f.sender.script(A, { kind: 'status', status: 500 });
    f.clock.set(new Date(T0.getTime() + settings.retryHorizonMs + 1));
    expect((await f.attempt(100)).status).toBe('exhausted');
  });

  it('does not deliver to a Zap switched on after the event was detected', async () => {
    const f = await fixture([]);
    await f.subscriptions.put({
      subscriptionId: 'late',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: A,
      createdAt: new Date(T0.getTime() + 1).toISOString(),
    });
    expect((await f.attempt(1)).status).toBe('done');
    expect(f.sender.posts).toHaveLength(0);
  });

  it('re-checks the allow-list at delivery: a stored URL outside it is never contacted', async () => {
    const f = await fixture(['http://169.254.169.254/latest/meta-data/']);
    const result = await f.attempt(1);
    expect(result).toMatchObject({ status: 'done', outcomes: [{ result: 'not-allowed' }] });
    expect(f.sender.posts).toHaveLength(0);
  });

  it('the one duplicate window: a crash after the POST but before the marker re-posts on retry', async () => {
    const f = await fixture([A]);
    const realMark = f.markers.mark.bind(f.markers);
    f.markers.mark = async () => {
      throw new Error('crash before the marker write');
    };
    await expect(f.attempt(1)).rejects.toThrow('crash before the marker write');
    f.markers.mark = realMark;
    await f.attempt(2);
    await f.attempt(3);
    expect(f.sender.posts).toHaveLength(2);
  });
});

describe('perBatchSubscriptions', () => {
  it('looks each subscription list up once per batch and forgets it after a deletion', async () => {
    const store = new FakeSubscriptionStore();
    await store.put({
      subscriptionId: 's1',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: A,
      createdAt: T0.toISOString(),
    });
    let queries = 0;
    const counting = Object.assign(Object.create(store) as FakeSubscriptionStore, {
      listFor: async (...args: Parameters<FakeSubscriptionStore['listFor']>) => {
        queries += 1;
        return store.listFor(...args);
      },
    });
    const view = perBatchSubscriptions(counting);
    await view.listFor('c1', 'order', 'NEW_SALE');
    await view.listFor('c1', 'order', 'NEW_SALE');
    expect(queries).toBe(1);
    await view.delete('c1', 's1');
    expect(await view.listFor('c1', 'order', 'NEW_SALE')).toEqual([]);
    expect(queries).toBe(2);
  });
});
