import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalQueue, LocalQueueError } from '../../local/queue/local-queue.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-queue-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const clock = (start = 1_000_000) => {
  const state = { now: start };
  return { state, now: () => state.now };
};

describe('LocalQueue (SQS semantics for the local runtime)', () => {
  it('hides a received message for the visibility timeout, then redelivers it with a higher receive count', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 30_000, now: time.now });
    queue.send('hello');
    const [first] = queue.receive(10);
    expect(first?.receiveCount).toBe(1);
    expect(queue.receive(10)).toHaveLength(0);
    time.state.now += 30_001;
    const [again] = queue.receive(10);
    expect(again?.body).toBe('hello');
    expect(again?.receiveCount).toBe(2);
  });

  it('deletes only with the current receipt handle', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 10, now: time.now });
    queue.send('m');
    const [first] = queue.receive(1);
    time.state.now += 11;
    const [second] = queue.receive(1);
    expect(queue.delete(first?.receiptHandle ?? '')).toBe(false);
    expect(queue.delete(second?.receiptHandle ?? '')).toBe(true);
    expect(queue.stats().total).toBe(0);
  });

  it('changes visibility per message (retry backoff)', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 30_000, now: time.now });
    queue.send('m');
    const [message] = queue.receive(1);
    queue.changeVisibility(message?.receiptHandle ?? '', 120);
    time.state.now += 119_000;
    expect(queue.receive(1)).toHaveLength(0);
    time.state.now += 1_001;
    expect(queue.receive(1)).toHaveLength(1);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', () => {
    const time = clock();
    const dlq = new LocalQueue({ name: 'dlq', visibilityTimeoutMs: 1, now: time.now });
    const queue = new LocalQueue({
      name: 'q',
      visibilityTimeoutMs: 1,
      maxReceiveCount: 3,
      deadLetterQueue: dlq,
      now: time.now,
    });
    queue.send('poison');
    for (let i = 0; i < 3; i++) {
      expect(queue.receive(1)).toHaveLength(1);
      time.state.now += 2;
    }
    expect(queue.receive(1)).toHaveLength(0);
    expect(dlq.list().map((m) => [m.body, m.reason])).toEqual([['poison', 'maxReceiveCount 3 exceeded']]);
    expect(dlq.redrive(queue)).toBe(1);
    expect(queue.receive(1)[0]?.body).toBe('poison');
  });

  it('survives a restart: unacknowledged messages come back, deleted ones do not, backoffs are kept', () => {
    const dir = tempDir();
    const time = clock();
    const before = new LocalQueue({ name: 'q', dataDir: dir, visibilityTimeoutMs: 30_000, now: time.now });
    before.send('acked');
    before.send('in-flight');
    before.send('backing-off');
    before.send('untouched');
    const received = before.receive(3);
    before.delete(received[0]?.receiptHandle ?? '');
    before.changeVisibility(received[2]?.receiptHandle ?? '', 3600);

    // The process dies (no shutdown hook); a new one opens the same directory.
    const after = new LocalQueue({ name: 'q', dataDir: dir, visibilityTimeoutMs: 30_000, now: time.now });
    expect(after.receive(10).map((m) => [m.body, m.receiveCount])).toEqual([
      ['in-flight', 2],
      ['untouched', 1],
    ]);
    time.state.now += 3_600_001;
    expect(after.receive(10).map((m) => m.body)).toContain('backing-off');
  });

  it('delays a message by whole seconds up to 900, and refuses what SQS refuses', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 3_600_000, now: time.now });
    queue.send('later', { delaySeconds: 900 });
    queue.send('soon', { delaySeconds: 2 });
    queue.send('now');
    expect(queue.receive(10).map((m) => m.body)).toEqual(['now']);
    time.state.now += 2_000;
    expect(queue.receive(10).map((m) => m.body)).toEqual(['soon']);
    time.state.now += 897_999;
    expect(queue.receive(10)).toHaveLength(0);
    time.state.now += 1;
    expect(queue.receive(10).map((m) => m.body)).toEqual(['later']);
    for (const delaySeconds of [901, 1.5, -1]) {
      expect(() => queue.send('x', { delaySeconds })).toThrow(LocalQueueError);
    }
  });

  it('hands out the messages that became visible first, however many wait behind them', () => {
    const time = clock();
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 60_000, now: time.now });
    for (let i = 0; i < 5_000; i++) queue.send(`waiting-${i}`, { delaySeconds: 600 });
    queue.send('b', { delaySeconds: 2 });
    queue.send('a', { delaySeconds: 1 });
    time.state.now += 2_000;
    expect(queue.receive(10).map((m) => m.body)).toEqual(['a', 'b']);
    expect(queue.stats()).toEqual({ total: 5_002, visible: 0, inFlight: 5_002 });
  });

  it('wakes a waiter when a delayed message comes due', async () => {
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 1000 });
    queue.send('due', { delaySeconds: 1 });
    const started = Date.now();
    await queue.waitForMessages(10_000);
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(queue.receive(1).map((m) => m.body)).toEqual(['due']);
  });

  it('resolves waiters when a message arrives', async () => {
    const queue = new LocalQueue({ name: 'q', visibilityTimeoutMs: 1000 });
    const waiting = queue.waitForMessages(10_000);
    queue.send('wake');
    await waiting;
    expect(queue.receive(1)).toHaveLength(1);
  });
});
