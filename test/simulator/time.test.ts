import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeWallMs,
  formatWall,
  parseDateParam,
  parseTimeParam,
  stampOf,
  wallMsOf,
} from '../../local/simulator/time.js';

describe('simulator account-zone time', () => {
  it.each([
    'America/New_York',
    'America/Los_Angeles',
    'America/St_Johns',
    'Europe/London',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'UTC',
  ])('cached wall times equal Intl for any instant in %s (DST edges included)', (zone) => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), (instant) => {
        const whole = Math.floor(instant / 1000) * 1000;
        expect(wallMsOf(instant, zone)).toBe(computeWallMs(whole, zone));
      }),
      { numRuns: 2000, seed: 42 },
    );
    // Seconds around the 2026 US transitions, one by one.
    for (const edge of [Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6)]) {
      for (let t = edge - 3_600_000; t <= edge + 3_600_000; t += 59_000) {
        expect(wallMsOf(t, zone)).toBe(computeWallMs(Math.floor(t / 1000) * 1000, zone));
      }
    }
  });

  it('formats naive local times for the transitions of America/New_York', () => {
    const local = (iso: string) => formatWall(stampOf(Date.parse(iso), 'America/New_York').wall);
    expect(local('2026-03-08T06:59:59Z')).toBe('2026-03-08 01:59:59');
    expect(local('2026-03-08T07:00:00Z')).toBe('2026-03-08 03:00:00');
    expect(local('2026-11-01T05:30:00Z')).toBe('2026-11-01 01:30:00');
    expect(local('2026-11-01T06:30:00Z')).toBe('2026-11-01 01:30:00');
    expect(local('2026-11-01T06:30:00.999Z')).toBe('2026-11-01 01:30:00');
  });

  it.each([
    ['04/10/2026', { year: 2026, month: 4, day: 10 }],
    ['4/1/26', { year: 2026, month: 4, day: 1 }],
    ['2026-04-10', { year: 2026, month: 4, day: 10 }],
    ['02/29/2028', { year: 2028, month: 2, day: 29 }],
    ['04/10/2026 23:15:00', { year: 2026, month: 4, day: 10 }],
  ])('parses the date parameter %s', (raw, expected) => {
    expect(parseDateParam(raw)).toEqual(expected);
  });

  it.each(['02/29/2026', '13/01/2026', '00/10/2026', '2026/04/10', '10-04-2026', 'today', '', '4/10/202'])(
    'rejects the date parameter %j',
    (raw) => {
      expect(parseDateParam(raw)).toBeUndefined();
    },
  );

  it('parses HH:MM and HH:MM:SS and rejects the rest', () => {
    expect(parseTimeParam('00:00')).toBe(0);
    expect(parseTimeParam('9:05')).toBe(9 * 3600 + 5 * 60);
    expect(parseTimeParam('23:59:59')).toBe(86_399);
    for (const bad of ['24:00', '12:60', '12:00:60', '1200', '12:5', 'noon', ''])
      expect(parseTimeParam(bad)).toBeUndefined();
  });
});
