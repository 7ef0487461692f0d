import { describe, expect, it } from 'vitest';
import { TokenBucketPacer } from '../../../functions/core/triggers/pacer.js';

const virtualTime = () => {
  const clock = { now: 0 };
  return {
    clock,
    options: {
      now: () => clock.now,
      sleep: async (ms: number) => {
        clock.now += ms;
      },
    },
  };
};

describe('TokenBucketPacer', () => {
  it('keeps every one-second span of requests to one URL under 30 at the default rate of 25/s', async () => {
    const { clock, options } = virtualTime();
    const pacer = new TokenBucketPacer(25, options);
    const sent: number[] = [];
    for (let i = 0; i < 300; i++) {
      await pacer.acquire('https://hooks.zapier.com/a');
      sent.push(clock.now);
    }
    for (const start of sent) {
      expect(sent.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(30);
    }
    // Sustained throughput is the rate: 300 requests take about (300 − burst) / 25 seconds.
    expect(clock.now).toBeGreaterThanOrEqual(11_500);
    expect(clock.now).toBeLessThanOrEqual(12_500);
  });

  it('paces each URL on its own bucket', async () => {
    const { clock, options } = virtualTime();
    const pacer = new TokenBucketPacer(25, options);
    for (let i = 0; i < 100; i++) await pacer.acquire('https://hooks.zapier.com/a');
    const before = clock.now;
    await pacer.acquire('https://hooks.zapier.com/b');
    expect(clock.now).toBe(before);
  });
});
