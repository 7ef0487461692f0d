import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  retriesExhausted,
  retryDelayMs,
} from '../../../functions/core/triggers/retry-schedule.js';

const HOUR = 3_600_000;

/** Attempt times (ms after the first) of a delivery that always fails, until the schedule gives up. */
const attemptsOfAlwaysFailing = (random: () => number) => {
  const times = [0];
  for (let attempt = 1; ; attempt++) {
    const now = times[times.length - 1] ?? 0;
    if (retriesExhausted(new Date(0), new Date(now), DEFAULT_RETRY_SCHEDULE)) return times;
    times.push(now + retryDelayMs(attempt, DEFAULT_RETRY_SCHEDULE, random));
  }
};

describe('retry schedule', () => {
  it('retries within seconds first: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h', () => {
    const delays = Array.from({ length: 9 }, (_, i) =>
      retryDelayMs(i + 1, DEFAULT_RETRY_SCHEDULE, () => 0.5),
    );
    expect(delays.map((ms) => ms / 1000)).toEqual([5, 30, 120, 600, 1800, 3600, 7200, 7200, 7200]);
  });

  it('spreads each wait over ±20 %', () => {
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE, () => 0)).toBe(24_000);
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE, () => 0.999_999)).toBe(36_000);
  });

  it('tries the fourth time about two and a half minutes after the first (at most 186 s with jitter)', () => {
    expect(attemptsOfAlwaysFailing(() => 0.5)[3]).toBe(155_000);
    expect(attemptsOfAlwaysFailing(() => 0.999_999)[3]).toBeLessThanOrEqual(186_000);
  });

  it('keeps trying for at least three days whatever the jitter, then gives up near the 96 h horizon', () => {
    for (const random of [() => 0, () => 0.5, () => 0.999_999]) {
      const times = attemptsOfAlwaysFailing(random);
      const last = times[times.length - 1] ?? 0;
      expect(last).toBeGreaterThanOrEqual(96 * HOUR);
      expect(last).toBeLessThan(96 * HOUR + 2.4 * HOUR);
      expect(times.length).toBeGreaterThan(45);
      expect(times.length).toBeLessThan(70);
    }
  });
});
