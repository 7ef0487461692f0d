import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIsoWithOffset,
  formatKonnektiveDate,
  formatKonnektiveDateTime,
  formatKonnektiveTime,
  isKonnektiveDateTime,
  isValidTimeZone,
  type KonnektiveWindow,
  konnektiveDateTimeToIso,
  parseKonnektiveDateTime,
  windowsFor,
  zonedParts,
} from '../../functions/core/zoned-time.js';

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
  'Pacific/Chatham',
  'America/Sao_Paulo',
] as const;

const HOUR = 3_600_000;
const DAY = 86_400_000;
const utc = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

// ---------------------------------------------------------------------------------------------------------
// An independent oracle for offsets (Intl's `longOffset` zone name, not the module's part arithmetic), used to
// find real DST transitions so the property runs concentrate on them.

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function oracleOffsetMinutes(ms: number, zone: string): number {
  let f = offsetFormatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, f);
  }
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (m === null) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3]));
}

/** Instants (ms) where the zone's offset changes, 2010–2030, found by a daily scan and bisection. */
function transitionsOf(zone: string): number[] {
  const found: number[] = [];
  let prev = Date.UTC(2010, 0, 1);
  let prevOffset = oracleOffsetMinutes(prev, zone);
  for (let t = prev + DAY; t < Date.UTC(2031, 0, 1); t += DAY) {
    const offset = oracleOffsetMinutes(t, zone);
    if (offset !== prevOffset) {
      let lo = prev;
      let hi = t;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (oracleOffsetMinutes(mid, zone) === prevOffset) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
    prev = t;
    prevOffset = offset;
  }
  return found;
}

const TRANSITIONS = new Map<string, number[]>(ZONES.map((zone) => [zone, transitionsOf(zone)]));

// ---------------------------------------------------------------------------------------------------------

describe('zonedParts and formatting', () => {
  it('reads wall time in the zone', () => {
    expect(zonedParts(utc('2026-07-04T03:05:09.999Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 7,
      day: 3,
      hour: 23,
      minute: 5,
      second: 9,
    });
    expect(zonedParts(utc('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toMatchObject({ hour: 5, minute: 30 });
  });

  it('formats Konnektive dates, times and date-times', () => {
    const t = utc('2026-03-08T04:59:59Z'); // 2026-03-07 23:59:59 EST
    expect(formatKonnektiveDate(t, 'America/New_York')).toBe('03/07/2026');
    expect(formatKonnektiveTime(t, 'America/New_York')).toBe('23:59:59');
    expect(formatKonnektiveDateTime(t, 'America/New_York')).toBe('2026-03-07 23:59:59');
    expect(formatKonnektiveTime(utc('2026-03-08T05:00:00Z'), 'America/New_York')).toBe('00:00:00');
  });

  it('rejects invalid instants and zones with a RangeError', () => {
    expect(() => formatKonnektiveDate(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
    expect(() => zonedParts(new Date(0), 'Mars/Base')).toThrow(/Mars\/Base/);
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Base')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('ISO-8601 with the account offset', () => {
  it('prints the offset in force at the instant: winter, summer, half-hour zones and UTC', () => {
    expect(konnektiveDateTimeToIso('2026-11-28 09:15:00', 'America/New_York')).toBe(
      '2026-11-28T09:15:00-05:00',
    );
    expect(konnektiveDateTimeToIso('2026-07-04 18:00:05', 'America/New_York')).toBe(
      '2026-07-04T18:00:05-04:00',
    );
    expect(konnektiveDateTimeToIso('2026-01-15 10:30:00', 'Asia/Kolkata')).toBe('2026-01-15T10:30:00+05:30');
    expect(konnektiveDateTimeToIso('2026-01-15 10:30:00', 'UTC')).toBe('2026-01-15T10:30:00+00:00');
    expect(formatIsoWithOffset(new Date('2026-03-08T06:59:59.900Z'), 'America/New_York')).toBe(
      '2026-03-08T01:59:59-05:00',
    );
  });

  it('reads a fall-back hour as its earlier occurrence and moves a spring-forward gap time past the gap', () => {
    expect(konnektiveDateTimeToIso('2026-11-01 01:30:00', 'America/New_York')).toBe(
      '2026-11-01T01:30:00-04:00',
    );
    expect(formatIsoWithOffset(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe(
      '2026-11-01T01:30:00-05:00',
    );
    expect(konnektiveDateTimeToIso('2026-03-08 02:30:00', 'America/New_York')).toBe(
      '2026-03-08T03:30:00-04:00',
    );
  });

  it('refuses what is not a Konnektive date-time', () => {
    expect(() => konnektiveDateTimeToIso('03/08/2026', 'America/New_York')).toThrow(RangeError);
    expect(() => konnektiveDateTimeToIso('2026-02-30 10:00:00', 'America/New_York')).toThrow(RangeError);
  });
});

describe('parseKonnektiveDateTime', () => {
  it('reads an ordinary wall time', () => {
    const parsed = parseKonnektiveDateTime('2026-06-10 12:00:00', 'America/New_York');
    expect(parsed.kind).toBe('unique');
    expect(iso(parsed.instant)).toBe('2026-06-10T16:00:00.000Z');
    expect(parsed.alternatives.map(iso)).toEqual(['2026-06-10T16:00:00.000Z']);
  });

  it('accepts YYYY-MM-DD and the fractional form', () => {
    expect(iso(parseKonnektiveDateTime('2026-06-10', 'UTC').instant)).toBe('2026-06-10T00:00:00.000Z');
    expect(iso(parseKonnektiveDateTime('2015-01-16 12:20:49.000000', 'America/New_York').instant)).toBe(
      '2015-01-16T17:20:49.000Z',
    );
    expect(iso(parseKonnektiveDateTime('2015-01-16 12:20:49.250000', 'UTC').instant)).toBe(
      '2015-01-16T12:20:49.250Z',
    );
  });

  it.each([
    ['06/10/2026'],
    ['2026-02-30 00:00:00'],
    ['2026-13-01 00:00:00'],
    ['2026-06-10 24:00:00'],
    ['2026-06-10 12:60:00'],
    ['0000-00-00 00:00:00'],
    [''],
  ])('throws a RangeError naming %j', (text) => {
    expect(() => parseKonnektiveDateTime(text, 'America/New_York')).toThrow(RangeError);
    expect(() => parseKonnektiveDateTime(text, 'America/New_York')).toThrow(`"${text}"`);
    expect(isKonnektiveDateTime(text)).toBe(false);
  });

  it('throws a RangeError for an unknown zone', () => {
    expect(() => parseKonnektiveDateTime('2026-06-10 12:00:00', 'Mars/Base')).toThrow(/Mars\/Base/);
  });

  // Hand-picked DST cases.
  it('America/New_York 2026-03-08: the skipped 02:30 is shifted forward by the gap', () => {
    const parsed = parseKonnektiveDateTime('2026-03-08 02:30:00', 'America/New_York');
    expect(parsed.kind).toBe('gap');
    // 02:30 read as EST = 07:30Z, which is 03:30 EDT.
    expect(iso(parsed.instant)).toBe('2026-03-08T07:30:00.000Z');
    expect(parsed.alternatives.map(iso)).toEqual(['2026-03-08T07:30:00.000Z']);
    expect(formatKonnektiveDateTime(parsed.instant, 'America/New_York')).toBe('2026-03-08 03:30:00');
  });

  it('America/New_York 2026-11-01: the repeated 01:30 is the earlier one, both listed', () => {
    const parsed = parseKonnektiveDateTime('2026-11-01 01:30:00', 'America/New_York');
    expect(parsed.kind).toBe('ambiguous');
    expect(iso(parsed.instant)).toBe('2026-11-01T05:30:00.000Z');
    expect(parsed.alternatives.map(iso)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-01T06:30:00.000Z']);
  });

  it('Europe/London 2026-03-29 and 2026-10-25', () => {
    const gap = parseKonnektiveDateTime('2026-03-29 01:30:00', 'Europe/London');
    expect([gap.kind, iso(gap.instant)]).toEqual(['gap', '2026-03-29T01:30:00.000Z']);
    const fold = parseKonnektiveDateTime('2026-10-25 01:30:00', 'Europe/London');
    expect([fold.kind, ...fold.alternatives.map(iso)]).toEqual([
      'ambiguous',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    // Just outside the fold and the gap.
    expect(parseKonnektiveDateTime('2026-10-25 02:00:00', 'Europe/London').kind).toBe('unique');
    expect(parseKonnektiveDateTime('2026-03-29 02:00:00', 'Europe/London').kind).toBe('unique');
  });

  it('handles half-hour DST (Lord Howe) and midnight DST (Sao Paulo, 2019)', () => {
    const lordHowe = parseKonnektiveDateTime('2026-04-05 01:45:00', 'Australia/Lord_Howe');
    expect(lordHowe.alternatives.map(iso)).toEqual(['2026-04-04T14:45:00.000Z', '2026-04-04T15:15:00.000Z']);
    const saoPaulo = parseKonnektiveDateTime('2019-02-16 23:30:00', 'America/Sao_Paulo');
    expect(saoPaulo.alternatives.map(iso)).toEqual(['2019-02-17T01:30:00.000Z', '2019-02-17T02:30:00.000Z']);
    // Midnight did not exist on 2018-11-04 in Sao Paulo.
    expect(parseKonnektiveDateTime('2018-11-04', 'America/Sao_Paulo').kind).toBe('gap');
  });
});

describe('windowsFor', () => {
  const NY = 'America/New_York';

  it('gives one slice for a range within a day', () => {
    expect(
      windowsFor({ start: utc('2026-06-10T15:00:00Z'), end: utc('2026-06-10T16:00:00.999Z') }, NY),
    ).toEqual([
      { startDate: '06/10/2026', endDate: '06/10/2026', startTime: '11:00:00', endTime: '12:00:00' },
    ]);
    expect(windowsFor({ start: utc('2026-06-10T15:00:00Z'), end: utc('2026-06-10T15:00:00Z') }, NY)).toEqual([
      { startDate: '06/10/2026', endDate: '06/10/2026', startTime: '11:00:00', endTime: '11:00:00' },
    ]);
  });

  it('splits at local midnight across the 2026-03-08 spring-forward', () => {
    expect(windowsFor({ start: utc('2026-03-08T03:00:00Z'), end: utc('2026-03-08T08:00:00Z') }, NY)).toEqual([
      { startDate: '03/07/2026', endDate: '03/07/2026', startTime: '22:00:00', endTime: '23:59:59' },
      { startDate: '03/08/2026', endDate: '03/08/2026', startTime: '00:00:00', endTime: '04:00:00' },
    ]);
  });

  it('widens an inverted fall-back slice to both occurrences (2026-11-01)', () => {
    // 01:30 EDT → 01:10 EST.
    expect(windowsFor({ start: utc('2026-11-01T05:30:00Z'), end: utc('2026-11-01T06:10:00Z') }, NY)).toEqual([
      { startDate: '11/01/2026', endDate: '11/01/2026', startTime: '01:00:00', endTime: '01:59:59' },
    ]);
  });

  it('covers the Europe/London transitions of 2026-03-29 and 2026-10-25', () => {
    const london = 'Europe/London';
    expect(
      windowsFor({ start: utc('2026-03-29T00:30:00Z'), end: utc('2026-03-29T01:30:00Z') }, london),
    ).toEqual([
      { startDate: '03/29/2026', endDate: '03/29/2026', startTime: '00:30:00', endTime: '02:30:00' },
    ]);
    expect(
      windowsFor({ start: utc('2026-10-25T00:00:00Z'), end: utc('2026-10-25T02:00:00Z') }, london),
    ).toEqual([
      { startDate: '10/25/2026', endDate: '10/25/2026', startTime: '01:00:00', endTime: '02:00:00' },
    ]);
  });

  it('gives full middle days for a multi-day range', () => {
    const slices = windowsFor({ start: utc('2026-06-10T16:00:00Z'), end: utc('2026-06-13T16:00:00Z') }, NY);
    expect(slices.map((s) => `${s.startDate} ${s.startTime}-${s.endTime}`)).toEqual([
      '06/10/2026 12:00:00-23:59:59',
      '06/11/2026 00:00:00-23:59:59',
      '06/12/2026 00:00:00-23:59:59',
      '06/13/2026 00:00:00-12:00:00',
    ]);
  });

  it('rejects an inverted range, invalid dates and unknown zones', () => {
    expect(() =>
      windowsFor({ start: utc('2026-06-11T00:00:00Z'), end: utc('2026-06-10T00:00:00Z') }, NY),
    ).toThrow(/range\.start/);
    expect(() => windowsFor({ start: new Date(Number.NaN), end: utc('2026-06-10T00:00:00Z') }, NY)).toThrow(
      RangeError,
    );
    expect(() =>
      windowsFor({ start: utc('2026-06-10T00:00:00Z'), end: utc('2026-06-10T00:00:00Z') }, 'X/Y'),
    ).toThrow(/X\/Y/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const zoneArb = fc.constantFrom(...ZONES);
const MIN = Date.UTC(2000, 0, 1);
const MAX = Date.UTC(2035, 11, 31);

/** A range in a zone: anywhere, around a real transition of that zone, or tightly around one. */
const rangeArb = zoneArb.chain((zone) => {
  const transitions = TRANSITIONS.get(zone) ?? [];
  const anywhere = fc.tuple(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 4 * DAY }));
  const arbs = [anywhere];
  if (transitions.length > 0) {
    const pick = fc.integer({ min: 0, max: transitions.length - 1 }).map((i) => transitions[i] ?? MIN);
    arbs.push(
      fc
        .tuple(pick, fc.integer({ min: -36 * HOUR, max: 36 * HOUR }), fc.integer({ min: 0, max: 50 * HOUR }))
        .map(([t, shift, length]): [number, number] => [t + shift, length]),
      fc
        .tuple(pick, fc.integer({ min: -2 * HOUR, max: 2 * HOUR }), fc.integer({ min: 0, max: 3 * HOUR }))
        .map(([t, shift, length]): [number, number] => [t + shift, length]),
    );
  }
  return fc.tuple(fc.constant(zone), fc.oneof(...arbs));
});

function coveredBy(slices: KonnektiveWindow[], instant: Date, zone: string): boolean {
  const date = formatKonnektiveDate(instant, zone);
  const time = formatKonnektiveTime(instant, zone);
  return slices.some((s) => s.startDate === date && s.startTime <= time && time <= s.endTime);
}

describe('zoned-time properties', () => {
  it('has real transitions to aim at (the oracle works)', () => {
    expect(TRANSITIONS.get('America/New_York')?.length).toBeGreaterThan(30);
    expect(TRANSITIONS.get('Australia/Lord_Howe')?.length).toBeGreaterThan(30);
    expect(TRANSITIONS.get('America/Sao_Paulo')?.length).toBeGreaterThan(10);
    expect(TRANSITIONS.get('UTC')).toEqual([]);
  });

  it('windowsFor covers every instant of the range with well-formed single-day slices', () => {
    fc.assert(
      fc.property(
        rangeArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 25 }),
        ([zone, [startMs, length]], fractions) => {
          const range = { start: new Date(startMs), end: new Date(startMs + length) };
          const slices = windowsFor(range, zone);
          expect(slices.length).toBeGreaterThan(0);
          for (const s of slices) {
            expect(s.startDate).toBe(s.endDate);
            expect(s.startDate).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
            expect(s.startTime).toMatch(/^\d{2}:\d{2}:\d{2}$/);
            expect(s.startTime <= s.endTime).toBe(true);
          }
          expect(new Set(slices.map((s) => s.startDate)).size).toBe(slices.length);
          const samples = [
            startMs,
            startMs + length,
            ...fractions.map((f) => startMs + Math.floor(f * length)),
          ];
          for (const ms of samples) {
            const instant = new Date(ms);
            if (!coveredBy(slices, instant, zone)) {
              throw new Error(
                `${instant.toISOString()} (${formatKonnektiveDateTime(instant, zone)} ${zone}) not covered by ${JSON.stringify(slices)}`,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('parse(format(instant)) lists the instant among its alternatives, earliest first', () => {
    fc.assert(
      fc.property(rangeArb, ([zone, [startMs, length]]) => {
        for (const ms of [startMs, startMs + length]) {
          const instant = new Date(ms);
          const text = formatKonnektiveDateTime(instant, zone);
          const parsed = parseKonnektiveDateTime(text, zone);
          const alternatives = parsed.alternatives.map((d) => d.getTime());
          expect(alternatives).toContain(Math.floor(ms / 1000) * 1000);
          expect(parsed.kind).not.toBe('gap');
          expect(parsed.instant.getTime()).toBe(alternatives[0]);
          expect(alternatives).toEqual([...alternatives].sort((a, b) => a - b));
          expect(parsed.kind === 'ambiguous').toBe(alternatives.length === 2);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every wall time resolves under a documented rule (unique, ambiguous → earliest, gap → forward)', () => {
    const wallTextArb = zoneArb.chain((zone) => {
      const transitions = TRANSITIONS.get(zone) ?? [];
      const anywhere = fc.integer({ min: MIN, max: MAX });
      const near =
        transitions.length > 0
          ? fc
              .tuple(
                fc.integer({ min: 0, max: transitions.length - 1 }),
                fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
              )
              .map(([i, shift]) => (transitions[i] ?? MIN) + shift)
          : anywhere;
      // Wall texts are built from UTC fields of an arbitrary instant, so gap and fold texts occur.
      return fc.tuple(fc.constant(zone), fc.oneof(anywhere, near)).map(([z, ms]) => {
        const text = new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
        return [z, text] as const;
      });
    });
    fc.assert(
      fc.property(wallTextArb, ([zone, text]) => {
        const parsed = parseKonnektiveDateTime(text, zone);
        const formatted = parsed.alternatives.map((d) => formatKonnektiveDateTime(d, zone));
        if (parsed.kind === 'gap') {
          expect(parsed.alternatives).toHaveLength(1);
          // Shifted forward: the instant shows a later wall time than the one that does not exist.
          expect(formatted[0] !== undefined && formatted[0] > text).toBe(true);
        } else {
          expect(formatted.every((f) => f === text)).toBe(true);
          expect(parsed.alternatives.length).toBe(parsed.kind === 'ambiguous' ? 2 : 1);
          expect(parsed.instant.getTime()).toBe(Math.min(...parsed.alternatives.map((d) => d.getTime())));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('formatIsoWithOffset names the same instant and the same wall time as the Konnektive formatter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, ms) => {
          const instant = new Date(ms);
          const iso = formatIsoWithOffset(instant, zone);
          expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
          expect(Date.parse(iso)).toBe(Math.floor(ms / 1000) * 1000);
          expect(iso.slice(0, 19).replace('T', ' ')).toBe(formatKonnektiveDateTime(instant, zone));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('wall times read again', () => {
  it('give the same answer as the first reading, in Dates of their own', () => {
    const first = parseKonnektiveDateTime('2026-11-01 01:30:00', 'America/New_York');
    first.instant.setTime(0);
    first.alternatives[1]?.setTime(0);
    const again = parseKonnektiveDateTime('2026-11-01 01:30:00', 'America/New_York');
    expect(again.kind).toBe('ambiguous');
    expect(again.alternatives.map((date) => date.toISOString())).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ]);
    expect(again.instant.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(konnektiveDateTimeToIso('2026-11-01 01:30:00', 'America/New_York')).toBe(
      '2026-11-01T01:30:00-04:00',
    );
    expect(konnektiveDateTimeToIso('2026-11-01 01:30:00', 'America/New_York')).toBe(
      '2026-11-01T01:30:00-04:00',
    );
    // Per zone: the same text elsewhere is another instant.
    expect(parseKonnektiveDateTime('2026-11-01 01:30:00', 'UTC').instant.toISOString()).toBe(
      '2026-11-01T01:30:00.000Z',
    );
  });
});
