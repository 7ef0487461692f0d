import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamStrategy } from '../../../functions/core/triggers/cursor-state.js';
import { planWindow } from '../../../functions/core/triggers/window.js';

const OVERLAP = 300_000;
const SLICE = 3_600_000;
const strategy = (name: StreamStrategy['name'], sorted?: boolean): StreamStrategy => ({
  name,
  ...(sorted === undefined ? {} : { sorted }),
  since: '2026-11-25T00:00:00.000Z',
  reason: 'test',
});
const plan = (
  s: StreamStrategy,
  hwm: string,
  now: string,
  extra: { overlapMs?: number; timeZone?: string; endCapMs?: number; progress?: object } = {},
) =>
  planWindow({
    strategy: s,
    hwm,
    horizonMs: Math.floor((Date.parse(now) - 5_000) / 1000) * 1000,
    overlapMs: extra.overlapMs ?? OVERLAP,
    progress: extra.progress ?? {},
    endCapMs: extra.endCapMs,
    timeZone: extra.timeZone ?? 'America/New_York',
    sliceMs: SLICE,
  });

describe('planWindow: narrowed windows (time filters honoured)', () => {
  it('reads from hwm − overlap (on a 10-second bucket) to now − settle, newest first', () => {
    expect(plan(strategy('time-window'), '2026-11-25T12:00:03.000Z', '2026-11-25T12:01:00.700Z')).toEqual({
      start: new Date('2026-11-25T11:55:00Z'),
      end: new Date('2026-11-25T12:00:55Z'),
      page: 1,
      narrow: true,
      newestFirst: true,
      orderTrusted: false,
    });
  });

  it('a quick poll reads a short overlap; unsorted reads are listed', () => {
    const quick = plan(strategy('time-window', false), '2026-11-25T12:00:03.000Z', '2026-11-25T12:00:20Z', {
      overlapMs: 10_000,
    });
    expect(quick).toMatchObject({ start: new Date('2026-11-25T11:59:50Z'), newestFirst: false });
  });

  it('returns nothing when the hwm already reaches now − settle', () => {
    expect(plan(strategy('time-window'), '2026-11-25T12:00:00.000Z', '2026-11-25T12:00:04Z')).toBeUndefined();
  });

  it('bounds catch-up after an outage to one slice, or to a cap when the slice held too much', () => {
    const hwm = '2026-11-20T00:00:00.000Z';
    expect(plan(strategy('time-window'), hwm, '2026-11-25T00:00:00Z')?.end).toEqual(
      new Date('2026-11-20T01:00:00Z'),
    );
    const capped = plan(strategy('time-window'), hwm, '2026-11-25T00:00:00Z', {
      endCapMs: Date.parse('2026-11-20T00:07:00Z'),
    });
    expect(capped?.end).toEqual(new Date('2026-11-20T00:07:00Z'));
  });

  it('resumes an interrupted walk of the same order, and ignores one of the other order', () => {
    const scan = { start: '2026-11-25T11:00:00.000Z', end: '2026-11-25T11:30:00.000Z', page: 4, total: 900 };
    const resumed = plan(strategy('time-window', true), '2026-11-25T11:00:00.000Z', '2026-11-25T12:00:00Z', {
      progress: { scan: { ...scan, order: 'newest' } },
    });
    expect(resumed).toMatchObject({
      start: new Date(scan.start),
      end: new Date(scan.end),
      page: 4,
      total: 900,
    });
    const fresh = plan(strategy('time-window', true), '2026-11-25T11:00:00.000Z', '2026-11-25T12:00:00Z', {
      progress: { scan: { ...scan, order: 'listed' } },
    });
    expect(fresh).toMatchObject({ page: 1, end: new Date('2026-11-25T11:59:55Z') });
  });
});

describe('planWindow: whole days (time filters ignored)', () => {
  it('reads the rest of the hwm’s account-zone day, never back over midnight', () => {
    // 00:02 in New York: the overlap would reach into yesterday.
    const early = plan(strategy('newest-first'), '2026-11-25T05:02:00.000Z', '2026-11-25T05:03:00Z');
    expect(early).toMatchObject({
      start: new Date('2026-11-25T05:00:00Z'),
      end: new Date('2026-11-25T05:02:55Z'),
      narrow: false,
      newestFirst: true,
    });
    const scan = plan(strategy('day-scan', false), '2026-11-25T05:02:00.000Z', '2026-11-25T05:03:00Z');
    expect(scan).toMatchObject({ narrow: false, newestFirst: false });
  });

  it('ends a window at the day’s last second and starts the next day at midnight', () => {
    const hwm = '2026-11-25T04:50:00.000Z'; // 23:50 on the 24th in New York
    const first = plan(strategy('newest-first'), hwm, '2026-11-25T06:00:00Z');
    expect(first?.end).toEqual(new Date('2026-11-25T04:59:59Z'));
    const next = plan(strategy('newest-first'), '2026-11-25T04:59:59.000Z', '2026-11-25T06:00:00Z');
    expect(next).toMatchObject({
      start: new Date('2026-11-25T05:00:00Z'),
      end: new Date('2026-11-25T05:59:55Z'),
    });
  });

  it('knows the day of a DST change is 25 hours long', () => {
    // 2026-11-01 in New York runs from 04:00Z to 05:00Z the next day.
    const window = plan(strategy('day-scan', false), '2026-11-01T12:00:00.000Z', '2026-11-03T00:00:00Z');
    expect(window?.end).toEqual(new Date('2026-11-02T04:59:59Z'));
  });

  it('property: successive windows cover the timeline with no gap, whatever the strategy', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(strategy('time-window'), strategy('newest-first'), strategy('day-scan', false)),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata'),
        fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
        fc.array(fc.integer({ min: 1, max: 30_000 }), { minLength: 1, maxLength: 30 }),
        (s, timeZone, startSeconds, ticks) => {
          let hwm = startSeconds * 1000;
          let now = hwm;
          for (const tick of ticks) {
            now += tick * 1000;
            for (let guard = 0; ; guard++) {
              expect(guard).toBeLessThan(100);
              const window = plan(s, new Date(hwm).toISOString(), new Date(now).toISOString(), { timeZone });
              if (!window) break;
              // No gap: at most the next second (whole-day windows start a new day at its midnight).
              expect(window.start.getTime()).toBeLessThanOrEqual(hwm + 1000);
              expect(window.end.getTime()).toBeGreaterThan(hwm);
              expect(window.end.getTime()).toBeLessThanOrEqual(now - 5_000);
              expect(window.end.getTime() % 1000).toBe(0);
              hwm = window.end.getTime();
            }
            expect(hwm).toBeGreaterThan(now - 5_000 - 1000);
          }
        },
      ),
    );
  });
});
