import { describe, expect, it } from 'vitest';
import { ReadTimeouts } from '../../../functions/core/triggers/read-timeouts.js';

const LONG = 240_000;

describe('ReadTimeouts', () => {
  it('keeps the long timeout until small reads were seen, then a few times their latency (with a floor)', () => {
    const timeouts = new ReadTimeouts();
    for (let i = 0; i < 4; i++) timeouts.answered('c1|orders', 400);
    expect(timeouts.small('c1|orders', LONG)).toBe(LONG);
    timeouts.answered('c1|orders', 400);
    expect(timeouts.small('c1|orders', LONG)).toBe(3_000); // 4 × 400 ms is below the 3 s floor
    for (let i = 0; i < 50; i++) timeouts.answered('c1|orders', 2_000);
    expect(timeouts.small('c1|orders', LONG)).toBe(8_000);
    // Per (connection, stream): a slow account does not slow another down, nor the other way round.
    expect(timeouts.small('c2|orders', LONG)).toBe(LONG);
    expect(timeouts.small('c1|orders', 5_000)).toBe(5_000);
  });

  it('a hung request now and then leaves the timeout alone; reads timing out in a row double it until one answers', () => {
    const timeouts = new ReadTimeouts();
    for (let i = 0; i < 10; i++) timeouts.answered('k', 1_000);
    expect(timeouts.small('k', LONG)).toBe(4_000);
    timeouts.timedOut('k');
    timeouts.timedOut('k');
    expect(timeouts.small('k', LONG)).toBe(4_000);
    timeouts.timedOut('k');
    expect(timeouts.small('k', LONG)).toBe(8_000);
    for (let i = 0; i < 3; i++) timeouts.timedOut('k');
    expect(timeouts.small('k', LONG)).toBe(16_000);
    timeouts.answered('k', 1_000);
    expect(timeouts.small('k', LONG)).toBe(4_000);
  });
});
