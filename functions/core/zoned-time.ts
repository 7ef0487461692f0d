/**
 * Pure time-zone helpers for Konnektive's offset-less dates (only `Intl`, no dependencies).
 *
 * Konnektive speaks in the account's local wall time: record timestamps are `YYYY-MM-DD HH:MM:SS` with no
 * offset, and query windows are `startDate`/`endDate` (`MM/DD/YYYY`) plus `startTime`/`endTime` (`HH:MM:SS`).
 * The rest of the system works in UTC instants. These helpers convert between the two, DST-correct.
 *
 * Documented rules for wall times that do not map to exactly one instant:
 * - **ambiguous** (the repeated hour when clocks fall back): `instant` is the EARLIER occurrence and
 *   `alternatives` lists every occurrence in ascending order;
 * - **non-existent** (the skipped hour when clocks spring forward): the wall time is read with the offset in
 *   force before the transition, i.e. shifted forward by the length of the gap (Temporal's `'compatible'`
 *   disambiguation); `alternatives` holds just that instant.
 */

/** Wall-clock fields of an instant in a zone (month 1–12, hour 0–23). */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** An inclusive UTC instant range (same shape as the core's `InstantRange`). */
export interface InstantRangeLike {
  start: Date;
  end: Date;
}

/**
 * One Konnektive query window: a single local day (`startDate === endDate`) and a wall-clock span within it.
 * Single-day slices make `startTime`/`endTime` mean the same thing whether Konnektive applies them per day or
 * as one combined date-time bound.
 */
export interface KonnektiveWindow {
  /** `MM/DD/YYYY` in the account zone. */
  startDate: string;
  /** `MM/DD/YYYY`; always equal to `startDate`. */
  endDate: string;
  /** `HH:MM:SS`, inclusive. */
  startTime: string;
  /** `HH:MM:SS`, inclusive. */
  endTime: string;
}

/** Result of reading a Konnektive wall time in a zone; see the module doc for the rules. */
export interface ParsedWallTime {
  /** The chosen instant: the earlier one when ambiguous, the forward-shifted one in a gap. */
  instant: Date;
  /** Every instant this wall time may denote, ascending (two in a fall-back hour, otherwise one). */
  alternatives: Date[];
  kind: 'unique' | 'ambiguous' | 'gap';
}

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// Formatter construction is the expensive part of Intl; one per zone, reused. Only zones Intl accepted are
// cached, so the map is bounded by the tz database.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new RangeError(`timeZone "${timeZone}" is not an IANA time zone`, { cause: error });
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** The zone of a Konnektive account that does not say otherwise (Konnektive's documented default). */
export const DEFAULT_TIME_ZONE = 'America/New_York';

/** True when `Intl` knows `zone` (an IANA name such as `America/New_York`, or `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function assertValidInstant(instant: Date, what = 'instant'): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not a valid Date`);
  return ms;
}

/** Wall-clock fields of `instant` in `timeZone` (sub-second part dropped). */
export function zonedParts(instant: Date, timeZone: string): ZonedParts {
  const ms = assertValidInstant(instant);
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year;
  const month = fields.month;
  const day = fields.day;
  const hour = fields.hour;
  const minute = fields.minute;
  const second = fields.second;
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  ) {
    throw new RangeError(`cannot read wall time of ${instant.toISOString()} in ${timeZone}`);
  }
  // Some older ICU builds print midnight as 24 even with h23; normalise defensively.
  return { year, month, day, hour: hour === 24 ? 0 : hour, minute, second };
}

/** Milliseconds of a wall time read as if it were UTC ("wall ms"); handles years below 100 correctly. */
function wallMs(p: ZonedParts, millisecond = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, millisecond);
  return d.getTime();
}

function floorToSecond(ms: number): number {
  return Math.floor(ms / SECOND_MS) * SECOND_MS;
}

/** Zone offset (wall − UTC) in ms at an instant, at one-second resolution, from `Intl` (a few microseconds). */
function exactOffsetAt(ms: number, timeZone: string): number {
  const floored = floorToSecond(ms);
  return wallMs(zonedParts(new Date(floored), timeZone)) - floored;
}

/**
 * Offsets already read, per zone and UTC hour: the hour's offset when its first and last second agree (no real zone
 * changes offset twice within an hour, so the offset then holds all through it), `null` for an hour with a
 * transition in it (read exactly each time). A poll's records span a few days, so a zone needs a few hundred
 * entries however many records it reads; bounded all the same, cleared when full.
 */
const hourOffsets = new Map<string, Map<number, number | null>>();
const MAX_REMEMBERED_HOURS = 10_000;

/** Zone offset (wall − UTC) in ms at an instant, at one-second resolution. */
function offsetAt(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / HOUR_MS);
  let byHour = hourOffsets.get(timeZone);
  if (byHour === undefined) {
    byHour = new Map();
    hourOffsets.set(timeZone, byHour);
  }
  let known = byHour.get(hour);
  if (known === undefined) {
    const first = exactOffsetAt(hour * HOUR_MS, timeZone);
    known = exactOffsetAt((hour + 1) * HOUR_MS - SECOND_MS, timeZone) === first ? first : null;
    if (byHour.size >= MAX_REMEMBERED_HOURS) byHour.clear();
    byHour.set(hour, known);
  }
  return known ?? exactOffsetAt(ms, timeZone);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function wallDateMdY(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear(), 4)}`;
}

function wallTimeHms(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `MM/DD/YYYY` of `instant` in `zone` (Konnektive's `startDate`/`endDate` format). */
export function formatKonnektiveDate(instant: Date, zone: string): string {
  const p = zonedParts(instant, zone);
  return `${pad(p.month)}/${pad(p.day)}/${pad(p.year, 4)}`;
}

/** `HH:MM:SS` (24 h) of `instant` in `zone` (Konnektive's `startTime`/`endTime` format). */
export function formatKonnektiveTime(instant: Date, zone: string): string {
  const p = zonedParts(instant, zone);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** `YYYY-MM-DD HH:MM:SS` of `instant` in `zone` (Konnektive's record timestamp format). */
export function formatKonnektiveDateTime(instant: Date, zone: string): string {
  const p = zonedParts(instant, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/**
 * `instant` as ISO-8601 in `zone` with the offset in force at that instant, e.g. `2026-11-28T09:15:00-05:00`
 * (whole seconds; `+00:00` for UTC). Offsets are whole minutes, as ISO-8601 requires: a historical offset with
 * seconds (local mean time before ~1900) is rounded, and the wall time printed is the one that goes with it.
 */
export function formatIsoWithOffset(instant: Date, zone: string): string {
  const ms = floorToSecond(assertValidInstant(instant));
  const offsetMinutes = Math.round(offsetAt(ms, zone) / 60_000);
  const wall = new Date(ms + offsetMinutes * 60_000);
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${date}T${wallTimeHms(wall.getTime())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DD HH:MM:SS.ffffff` (PHP DateTime's
// form); a `T` separator is tolerated as well.
const WALL_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

function parseWallText(text: string): { parts: ZonedParts; millisecond: number } | undefined {
  const match = WALL_TIME_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, frac] = match;
  const parts: ZonedParts = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
  };
  const millisecond = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  if (parts.month < 1 || parts.month > 12 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) {
    return undefined;
  }
  // Rejects 2026-02-30 and friends: the calendar must round-trip.
  const check = new Date(wallMs(parts));
  if (check.getUTCDate() !== parts.day || check.getUTCMonth() + 1 !== parts.month) return undefined;
  return { parts, millisecond };
}

/** True when `text` is a Konnektive wall time that `parseKonnektiveDateTime` accepts. */
export function isKonnektiveDateTime(text: string): boolean {
  return parseWallText(text) !== undefined;
}

/**
 * Reads a Konnektive wall time (`YYYY-MM-DD HH:MM:SS`, also `YYYY-MM-DD` and the fractional
 * `YYYY-MM-DD HH:MM:SS.000000`) in `zone` and returns the UTC instant(s) it denotes.
 * Ambiguous → earliest + all alternatives; non-existent → shifted forward by the gap. Throws `RangeError`
 * naming the value when the text is not such a wall time, or the zone is unknown.
 */
export function parseKonnektiveDateTime(text: string, zone: string): ParsedWallTime {
  const parsed = typeof text === 'string' ? parseWallText(text.trim()) : undefined;
  if (parsed === undefined) {
    throw new RangeError(`"${String(text)}" is not a Konnektive date-time (YYYY-MM-DD HH:MM:SS)`);
  }
  formatterFor(zone); // throws a RangeError naming an unknown zone
  // Work at whole seconds (offsets change on whole seconds) and add the fraction back at the end.
  const wall = wallMs(parsed.parts);
  // Real zones never change offset twice within a day, so the offsets one day either side (plus the one at
  // the wall value itself) include every offset that can be in force at this wall time.
  const offsetBefore = offsetAt(wall - DAY_MS, zone);
  const candidateOffsets = new Set([offsetBefore, offsetAt(wall, zone), offsetAt(wall + DAY_MS, zone)]);
  const matches: number[] = [];
  for (const offset of candidateOffsets) {
    const candidate = wall - offset;
    if (offsetAt(candidate, zone) === offset && !matches.includes(candidate)) matches.push(candidate);
  }
  matches.sort((a, b) => a - b);
  const ms = parsed.millisecond;
  if (matches.length === 0) {
    // Spring-forward gap: read with the offset in force before the transition, which lands after it.
    const shifted = new Date(wall - offsetBefore + ms);
    return { instant: shifted, alternatives: [shifted], kind: 'gap' };
  }
  const alternatives = matches.map((m) => new Date(m + ms));
  const [first] = alternatives;
  if (first === undefined) throw new RangeError(`cannot resolve "${text}" in ${zone}`);
  return { instant: first, alternatives, kind: alternatives.length > 1 ? 'ambiguous' : 'unique' };
}

/**
 * A Konnektive wall time (`YYYY-MM-DD HH:MM:SS`) as ISO-8601 with the account zone's offset, DST-correct: the
 * instant `parseKonnektiveDateTime` reads (the earlier one in a fall-back hour; a time in a spring-forward gap
 * moves forward by the gap, so its printed wall time is the real one). Throws the parser's `RangeError`.
 */
export function konnektiveDateTimeToIso(text: string, zone: string): string {
  return formatIsoWithOffset(parseKonnektiveDateTime(text, zone).instant, zone);
}

/**
 * Splits an inclusive UTC range into per-local-day Konnektive windows, in instant order.
 *
 * Each slice covers the wall-clock span [min, max] of the range's instants that fall on that local date, so:
 * - a slice is always one day (`startDate === endDate`) with `startTime <= endTime`;
 * - when a fall-back transition would invert the bounds (e.g. 01:30 EDT → 01:10 EST), the slice widens to
 *   the union of both occurrences (01:00:00–01:59:59): a superset, never a gap;
 * - a date that recurs (a fall-back across midnight) is one merged slice.
 * Times are floored to whole seconds: Konnektive stores seconds, so `endTime` 12:00:00 covers 12:00:00.999.
 * Callers that need the exact range filter records afterwards (the Konnektive client does).
 */
export function windowsFor(range: InstantRangeLike, zone: string): KonnektiveWindow[] {
  const startMs = assertValidInstant(range.start, 'range.start');
  const endMs = assertValidInstant(range.end, 'range.end');
  if (startMs > endMs) throw new RangeError('range.start must not be after range.end');
  formatterFor(zone);

  // Per local date (keyed by the wall ms of its midnight): the lowest and highest wall ms seen.
  const days = new Map<number, { low: number; high: number }>();
  const addWallSpan = (low: number, high: number): void => {
    for (let midnight = Math.floor(low / DAY_MS) * DAY_MS; midnight <= high; midnight += DAY_MS) {
      const from = Math.max(low, midnight);
      const to = Math.min(high, midnight + DAY_MS - 1);
      const seen = days.get(midnight);
      if (seen === undefined) days.set(midnight, { low: from, high: to });
      else days.set(midnight, { low: Math.min(seen.low, from), high: Math.max(seen.high, to) });
    }
  };

  // Walk the range as constant-offset pieces; within one, wall time is UTC + offset and monotonic.
  // Offsets are probed hourly and transitions located by bisection (no real zone changes offset twice
  // within an hour).
  let pieceStart = startMs;
  let offset = offsetAt(pieceStart, zone);
  let probe = pieceStart;
  while (probe < endMs) {
    const next = Math.min(probe + HOUR_MS, endMs);
    if (offsetAt(next, zone) === offset) {
      probe = next;
      continue;
    }
    // Bisect to the first millisecond carrying the new offset.
    let lo = probe;
    let hi = next;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (offsetAt(mid, zone) === offset) lo = mid;
      else hi = mid;
    }
    addWallSpan(pieceStart + offset, lo + offset);
    pieceStart = hi;
    offset = offsetAt(hi, zone);
    probe = hi;
  }
  addWallSpan(pieceStart + offset, endMs + offset);

  return [...days.entries()].map(([midnight, { low, high }]) => ({
    startDate: wallDateMdY(midnight),
    endDate: wallDateMdY(midnight),
    startTime: wallTimeHms(floorToSecond(low)),
    endTime: wallTimeHms(floorToSecond(high)),
  }));
}
