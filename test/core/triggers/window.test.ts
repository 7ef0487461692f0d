import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextWindow, splitWindow } from '../../../functions/core/triggers/window.js';

const settings = { overlapMs: 300_000, settleMs: 5_000, sliceMs: 3_600_000 };

describe('nextWindow', () => {
  it('reads from hwm − overlap to now − settle', () => {
    const hwm = new Date('2026-11-25T12:00:00Z');
    const now = new Date('2026-11-25T12:01:00.700Z');
    expect(nextWindow(hwm, now, settings)).toEqual({
      start: new Date('2026-11-25T11:55:00Z'),
      end: new Date('2026-11-25T12:00:55Z'),
    });
  });

  it('returns nothing when the hwm already reaches now − settle', () => {
    const now = new Date('2026-11-25T12:00:04Z');
    expect(nextWindow(new Date('2026-11-25T12:00:00Z'), now, settings)).toBeUndefined();
  });

  it('bounds catch-up after an outage to one slice', () => {
    const hwm = new Date('2026-11-20T00:00:00Z');
    const window = nextWindow(hwm, new Date('2026-11-25T00:00:00Z'), settings);
    expect(window?.end).toEqual(new Date('2026-11-20T01:00:00Z'));
  });

  it('crosses midnight and DST changes in UTC terms (the adapter maps to the account zone)', () => {
    const hwm = new Date('2026-11-01T05:58:00Z'); // 01:58 EDT, just before the fall-back
    const window = nextWindow(hwm, new Date('2026-11-01T06:30:00Z'), settings);
    expect(window).toEqual({
      start: new Date('2026-11-01T05:53:00Z'),
      end: new Date('2026-11-01T06:29:55Z'),
    });
  });

  it('property: successive windows cover the whole timeline with no gap, and each overlaps the previous', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }),
        fc.array(fc.integer({ min: 1, max: 7_200 }), { minLength: 1, maxLength: 40 }),
        (startSeconds, ticks) => {
          let hwm = new Date(startSeconds * 1000);
          let now = hwm.getTime();
          let previousEnd = hwm.getTime();
          for (const tick of ticks) {
            now += tick * 1000;
            for (;;) {
              const window = nextWindow(hwm, new Date(now), settings);
              if (!window) break;
              expect(window.start.getTime()).toBeLessThanOrEqual(previousEnd - settings.overlapMs);
              expect(window.end.getTime()).toBeGreaterThan(hwm.getTime());
              expect(window.end.getTime()).toBeLessThanOrEqual(now - settings.settleMs);
              expect(window.end.getTime() % 1000).toBe(0);
              previousEnd = window.end.getTime();
              hwm = window.end;
            }
            expect(hwm.getTime()).toBeGreaterThan(now - settings.settleMs - 1000);
          }
        },
      ),
    );
  });
});

describe('splitWindow', () => {
  it('splits on a whole second and the halves cover the window', () => {
    const halves = splitWindow({
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2026-01-01T00:00:11Z'),
    });
    expect(halves).toEqual([
      { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T00:00:05Z') },
      { start: new Date('2026-01-01T00:00:05Z'), end: new Date('2026-01-01T00:00:11Z') },
    ]);
  });

  it('refuses to split below two seconds', () => {
    expect(splitWindow({ start: new Date(0), end: new Date(1500) })).toBeUndefined();
  });
});
