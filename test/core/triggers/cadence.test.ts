/**
 * Sub-minute cadence within a one-minute schedule: the dispatcher's spaced requests (full + quick, expiry, per-stream
 * offsets), the poller's idle skip, and the lease renewed for the whole poll.
 */
import { describe, expect, it } from 'vitest';
import { isStale, streamOffsetSeconds, tickRequests } from '../../../functions/core/triggers/dispatch.js';
import { pollStream } from '../../../functions/core/triggers/poll-stream.js';
import { order } from '../../support/contract-konnektive.js';
import { pollFixture, SETTINGS, T0 } from './poll-fixture.js';

const AWS = { tickSeconds: 60, intervalSeconds: 10, spread: true };

describe('tickRequests', () => {
  it('spaces tick ÷ interval polls by the interval; the first re-reads the full overlap, each expires when the next is due', () => {
    const requests = tickRequests({ connectionId: 'c1', stream: 'orders' }, T0, AWS);
    expect(requests).toHaveLength(6);
    const offset = streamOffsetSeconds('c1', 'orders', 10);
    expect(requests.map((r) => r.delaySeconds)).toEqual([0, 10, 20, 30, 40, 50].map((d) => d + offset));
    expect(requests.map((r) => r.overlap)).toEqual(['full', 'quick', 'quick', 'quick', 'quick', 'quick']);
    for (const [k, request] of requests.entries()) {
      const due = T0.getTime() + (request.delaySeconds ?? 0) * 1000;
      expect(request.dueAt).toBe(new Date(due).toISOString());
      expect(request.expiresAt).toBe(new Date(due + 10_000).toISOString());
      // The next one is due exactly when this one expires.
      const next = requests[k + 1];
      if (next) expect(next.dueAt).toBe(request.expiresAt);
    }
  });

  it('one full poll per tick when the interval is the tick (60 s cadence, or the local default)', () => {
    const requests = tickRequests({ connectionId: 'c1', stream: 'orders' }, T0, {
      tickSeconds: 5,
      intervalSeconds: 5,
      spread: false,
    });
    expect(requests).toEqual([
      {
        connectionId: 'c1',
        stream: 'orders',
        overlap: 'full',
        delaySeconds: 0,
        dueAt: T0.toISOString(),
        expiresAt: new Date(T0.getTime() + 5_000).toISOString(),
      },
    ]);
  });

  it('spreads 1,000 streams over the interval, each at a stable offset', () => {
    const perSecond = new Array<number>(10).fill(0);
    for (let i = 0; i < 1000; i++) {
      const offset = streamOffsetSeconds(`conn-${i}`, i % 2 === 0 ? 'orders' : 'transactions', 10);
      expect(offset).toBe(streamOffsetSeconds(`conn-${i}`, i % 2 === 0 ? 'orders' : 'transactions', 10));
      perSecond[offset] = (perSecond[offset] ?? 0) + 1;
    }
    // Evenly would be 100 a second; none of the ten seconds is empty or holds more than twice its share.
    expect(Math.min(...perSecond)).toBeGreaterThan(50);
    expect(Math.max(...perSecond)).toBeLessThan(200);
  });

  it('a request is stale once its successor is due', () => {
    const [first] = tickRequests({ connectionId: 'c1', stream: 'orders' }, T0, AWS);
    if (!first?.expiresAt) throw new Error('no expiry');
    const expiry = Date.parse(first.expiresAt);
    expect(isStale(first, new Date(expiry))).toBe(false);
    expect(isStale(first, new Date(expiry + 1))).toBe(true);
    expect(isStale({}, new Date(expiry + 60_000))).toBe(false);
  });
});

describe('adaptive cadence: a quiet stream skips its quick polls', () => {
  it('reads nothing on a quick poll once quiet, reads on the full one, and speeds up on the first event', async () => {
    const f = await pollFixture();
    // Quiet for longer than idleAfterMs, with the hwm kept current by full polls.
    for (let minute = 1; minute <= 6; minute++) {
      f.clock.advance(60_000);
      expect((await f.poll('orders')).status).toBe('done');
    }
    const calls = f.konnektive.calls.length;
    f.clock.advance(10_000);
    expect((await f.poll('orders', 300_000, SETTINGS, 'quick')).status).toBe('idle');
    expect(f.konnektive.calls.length).toBe(calls);

    // An event: the next full poll finds it, and the quick polls after it read again.
    const sale = order({ dateCreated: f.at(f.clock.now().getTime() - T0.getTime()) });
    f.konnektive.orders.push(sale);
    f.clock.advance(50_000);
    expect((await f.poll('orders')).status).toBe('done');
    expect(f.published()).toEqual([`NEW_SALE:${sale.orderId}`]);
    f.clock.advance(10_000);
    expect((await f.poll('orders', 300_000, SETTINGS, 'quick')).status).toBe('done');
    expect(f.konnektive.calls.length).toBeGreaterThan(calls);
  });

  it('never skips a stream that is behind or mid-walk, nor when idleAfterMs is 0', async () => {
    const f = await pollFixture();
    // The hwm is T0 and the clock 10 minutes later: behind, so a quick poll reads.
    f.clock.advance(10 * 60_000);
    expect((await f.poll('orders', 300_000, SETTINGS, 'quick')).status).toBe('done');
    for (let minute = 1; minute <= 6; minute++) {
      f.clock.advance(60_000);
      await f.poll('orders');
    }
    f.clock.advance(10_000);
    expect((await f.poll('orders', 300_000, SETTINGS, 'quick')).status).toBe('idle');
    const always = { ...SETTINGS, idleAfterMs: 0 };
    expect((await f.poll('orders', 300_000, always, 'quick')).status).toBe('done');
  });
});

describe('the lease while a poll runs', () => {
  it('is renewed all through the poll (not only while a page is read), and released at its end', async () => {
    const f = await pollFixture();
    f.konnektive.orders.push(order({ dateCreated: f.at(10_000) }));
    f.clock.advance(60_000);
    let renewals = 0;
    const renew = f.cursors.renewLease.bind(f.cursors);
    f.cursors.renewLease = async (args) => {
      renewals += 1;
      return renew(args);
    };
    // Slow after the read: publishing takes 300 ms, with a heartbeat every 40 ms.
    const publish = f.publisher.publish.bind(f.publisher);
    f.publisher.publish = async (events) => {
      await new Promise((r) => setTimeout(r, 300));
      return publish(events);
    };
    expect((await f.poll('orders', 300_000, { ...SETTINGS, heartbeatMs: 40 })).status).toBe('done');
    expect(renewals).toBeGreaterThanOrEqual(3);
    const after = renewals;
    await new Promise((r) => setTimeout(r, 150));
    expect(renewals).toBe(after); // the heartbeat stopped with the poll
    expect((await f.cursors.get('c1', 'orders'))?.leaseOwner).toBeUndefined();
  });

  it('a crashed poll frees its stream one lease later (30 s as shipped), not a quarter of an hour', async () => {
    const f = await pollFixture();
    f.clock.advance(60_000);
    // A poller that took the lease and died: nothing renews or releases it.
    await f.cursors.acquireLease({
      connectionId: 'c1',
      stream: 'orders',
      owner: 'crashed',
      now: f.clock.now(),
      leaseMs: SETTINGS.leaseMs,
      initialHwm: T0.toISOString(),
    });
    expect(SETTINGS.leaseMs).toBe(30_000);
    f.clock.advance(SETTINGS.leaseMs - 1_000);
    expect((await f.poll()).status).toBe('busy');
    f.clock.advance(2_000);
    expect((await f.poll()).status).toBe('done');
  });

  it('a request whose successor is due after an abandoned lease runs out waits for it and takes the stream over', async () => {
    const f = await pollFixture();
    f.clock.advance(60_000);
    await f.cursors.acquireLease({
      connectionId: 'c1',
      stream: 'orders',
      owner: 'crashed',
      now: f.clock.now(),
      leaseMs: SETTINGS.leaseMs,
      initialHwm: T0.toISOString(),
    });
    const waits: number[] = [];
    const wait = async (ms: number) => {
      waits.push(ms);
      f.clock.advance(ms);
    };
    const deps = { ...f.deps, wait };
    const request = (notAfterMs: number) =>
      pollStream(
        deps,
        {
          connectionId: 'c1',
          stream: 'orders',
          owner: `p-${notAfterMs}`,
          remainingMs: () => 300_000,
          notAfter: new Date(f.clock.now().getTime() + notAfterMs),
        },
        SETTINGS,
      );
    f.clock.advance(25_000);
    // The lease runs out in 5 s; a request superseded in 2 s leaves it to its successor …
    expect((await request(2_000)).status).toBe('busy');
    expect(waits).toEqual([]);
    // … one superseded in 10 s waits the 5 s and polls.
    expect((await request(10_000)).status).toBe('done');
    expect(waits).toEqual([5_001]);
  });
});
