/**
 * Account-zone time handling.
 *
 * Konnektive stores naive local date-times (no offset) in the account's zone. The simulator models that
 * exactly: every timestamp is kept as an instant (for the clock) plus its *wall time* in the account zone,
 * encoded as "wall milliseconds" (the local fields read as if they were UTC). Filters and sorting compare
 * wall milliseconds, like a MySQL DATETIME column would, so DST days are handled naturally: a spring-forward
 * day has 23 hours of wall time, and in the repeated fall-back hour records of both passes share wall times.
 */

/** A timestamp: the real instant and its naive wall time in the account zone. */
export interface Stamp {
  /** Epoch milliseconds (whole seconds). */
  readonly instant: number;
  /** The account-zone wall time read as UTC epoch milliseconds. */
  readonly wall: number;
}

/** Thrown for an unknown IANA zone name. */
export class UnknownTimeZoneError extends Error {
  constructor(zone: string, options?: { cause?: unknown }) {
    super(`Unknown time zone "${zone}" (expected an IANA name such as America/New_York)`, options);
    this.name = 'UnknownTimeZoneError';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterFor = (zone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new UnknownTimeZoneError(zone, { cause });
    }
    formatters.set(zone, formatter);
  }
  return formatter;
};

/** Throws {@link UnknownTimeZoneError} unless `zone` is a zone this runtime knows. */
export const assertTimeZone = (zone: string): void => {
  formatterFor(zone);
};

/** The wall time of `instantMs` in `zone` straight from Intl (uncached; for checks). */
export const computeWallMs = (instantMs: number, zone: string): number => {
  const parts = formatterFor(zone).formatToParts(new Date(instantMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part ? Number(part.value) : 0;
  };
  return Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
};

/**
 * Zone offsets per 15-minute bucket of UTC time. Intl formatting costs ~15 µs a call, which dominated seeding;
 * every zone transition on record happens on a quarter-hour boundary, so one lookup per bucket is exact.
 */
const BUCKET_MS = 15 * 60_000;
const offsetCache = new Map<string, Map<number, number>>();

/** The wall time of `instantMs` in `zone`, as wall milliseconds (whole seconds). */
export const wallMsOf = (instantMs: number, zone: string): number => {
  let cache = offsetCache.get(zone);
  if (!cache) {
    formatterFor(zone);
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const bucket = Math.floor(instantMs / BUCKET_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    const start = bucket * BUCKET_MS;
    offset = computeWallMs(start, zone) - start;
    if (cache.size > 100_000) cache.clear();
    cache.set(bucket, offset);
  }
  return Math.floor(instantMs / 1000) * 1000 + offset;
};

/** A stamp for `instantMs`, truncated to the second (Konnektive keeps seconds). */
export const stampOf = (instantMs: number, zone: string): Stamp => {
  const instant = Math.floor(instantMs / 1000) * 1000;
  return { instant, wall: wallMsOf(instant, zone) };
};

/** `YYYY-MM-DD HH:MM:SS` for wall milliseconds. */
export const formatWall = (wall: number): string =>
  new Date(wall).toISOString().slice(0, 19).replace('T', ' ');

/** `YYYY-MM-DD` for wall milliseconds. */
export const formatWallDate = (wall: number): string => new Date(wall).toISOString().slice(0, 10);

/** PHP's DateTime JSON form, as `leads/import` answers `dateCreated`. */
export const phpDateTime = (wall: number, zone: string) => ({
  date: `${formatWall(wall)}.000000`,
  timezone_type: 3,
  timezone: zone,
});

/** A calendar day. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const isValidDate = (year: number, month: number, day: number): boolean => {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2999) return false;
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
};

/**
 * Parses a date parameter: `MM/DD/YYYY` (canonical), `M/D/YY` (20YY) or `YYYY-MM-DD`. A time appended after a
 * space is ignored, as the live API ignores it. Returns undefined for anything else or an impossible day.
 */
export const parseDateParam = (raw: string): CalendarDate | undefined => {
  const value = raw.trim().split(/\s+/)[0] ?? '';
  let year: number;
  let month: number;
  let day: number;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(value);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (us) {
    month = Number(us[1]);
    day = Number(us[2]);
    const y = us[3] ?? '';
    year = y.length === 2 ? 2000 + Number(y) : Number(y);
  } else if (iso) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else {
    return undefined;
  }
  return isValidDate(year, month, day) ? { year, month, day } : undefined;
};

/** Parses `HH:MM` or `HH:MM:SS` into seconds after midnight; undefined when malformed. */
export const parseTimeParam = (raw: string): number | undefined => {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(raw.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = match[3] === undefined ? 0 : Number(match[3]);
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return hours * 3600 + minutes * 60 + seconds;
};

/** Wall milliseconds at `secondsOfDay` on `date`. */
export const wallAt = (date: CalendarDate, secondsOfDay: number): number =>
  Date.UTC(date.year, date.month - 1, date.day) + secondsOfDay * 1000;

export const SECONDS_PER_DAY = 86_400;
