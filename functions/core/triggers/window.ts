/**
 * Poll window arithmetic (docs/polling.md): the next window a stream reads, in UTC instants on whole seconds.
 * - Time filters honoured (a narrowed window): `[hwm − overlap, min(now − settle, hwm + slice)]`, its start on a
 *   10-second bucket so the overlap counts line up with it; catch-up walks in slices that are checkpointed.
 * - Whole days (time filters ignored): the rest of the hwm's account-zone day, from `hwm − overlap` but never
 *   before that day's midnight; one day per window, since each day is one query whatever the window.
 * The overlap re-reads the edge so rows sharing the watermark's second, or committed late, are not skipped (the
 * ledger makes the re-read invisible); the settle lag leaves the newest seconds for the next tick. A walk that was
 * interrupted is resumed where it stopped.
 */
import { formatKonnektiveDateTime, parseKonnektiveDateTime } from '../zoned-time.js';
import type { StreamProgress, StreamStrategy } from './cursor-state.js';
import { pagesNewestFirst, readsWholeDays } from './strategy.js';

export interface WindowSettings {
  overlapMs: number;
  settleMs: number;
  sliceMs: number;
}

/** Default granularity of the overlap counts. */
export const BUCKET_MS = 10_000;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

/** Konnektive timestamps have whole seconds: keep bounds on whole seconds so they map exactly. */
export const floorToSecond = (ms: number): number => Math.floor(ms / SECOND_MS) * SECOND_MS;
export const floorToBucket = (ms: number, bucketMs = BUCKET_MS): number =>
  Math.floor(ms / bucketMs) * bucketMs;

/** `YYYY-MM-DD` of an instant in the account zone. */
export const localDayOf = (ms: number, zone: string): string =>
  formatKonnektiveDateTime(new Date(ms), zone).slice(0, 10);

const nextDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** First instant of an account-zone day (a midnight that does not exist starts the day at the shifted instant). */
export const startOfLocalDay = (day: string, zone: string): number =>
  parseKonnektiveDateTime(`${day} 00:00:00`, zone).instant.getTime();

/** Last whole second of an account-zone day. */
export const lastSecondOfLocalDay = (day: string, zone: string): number =>
  startOfLocalDay(nextDay(day), zone) - SECOND_MS;

/** A window to read, as planned for the strategy in force. */
export interface WindowPlan {
  start: Date;
  /** Inclusive; becomes the new high-water mark once everything in the window is published. */
  end: Date;
  /** Page to start at (1, or where an interrupted walk stopped). */
  page: number;
  /** Konnektive's total when the walk was interrupted (resumed walks only). */
  total?: number | undefined;
  /** Whether Konnektive is believed to narrow queries to the window (otherwise it answers whole days). */
  narrow: boolean;
  newestFirst: boolean;
  /** Whether newest-first order has been seen working (early stops need it). */
  orderTrusted: boolean;
}

/** The next window of `strategy` after `hwm`, or undefined when the hwm already reaches `now − settle`. */
export const planWindow = (args: {
  strategy: StreamStrategy;
  hwm: string;
  /** `now − settle`, on a whole second. */
  horizonMs: number;
  overlapMs: number;
  progress: StreamProgress;
  /** A narrowed window holding too much is capped here (see the reader's shrink). */
  endCapMs?: number | undefined;
  timeZone: string;
  sliceMs: number;
  /** Granularity of the overlap counts: a narrowed window starts on a bucket (default 10 s). */
  bucketMs?: number;
}): WindowPlan | undefined => {
  const { strategy, progress, timeZone } = args;
  const newestFirst = pagesNewestFirst(strategy);
  const narrow = !readsWholeDays(strategy);
  const common = { narrow, newestFirst, orderTrusted: strategy.sorted === true };
  const scan = progress.scan;
  if (scan !== undefined && scan.order === (newestFirst ? 'newest' : 'listed')) {
    return {
      ...common,
      start: new Date(scan.start),
      end: new Date(scan.end),
      page: scan.page,
      total: scan.total,
    };
  }
  const hwmMs = Date.parse(args.hwm);
  if (args.horizonMs <= hwmMs) return undefined;
  if (narrow) {
    let end = Math.min(args.horizonMs, floorToSecond(hwmMs + args.sliceMs));
    if (args.endCapMs !== undefined) end = Math.min(end, args.endCapMs);
    if (end <= hwmMs) return undefined;
    const start = floorToBucket(hwmMs - args.overlapMs, args.bucketMs);
    return { ...common, start: new Date(start), end: new Date(end), page: 1 };
  }
  const day = localDayOf(hwmMs + SECOND_MS, timeZone);
  const end = Math.min(args.horizonMs, lastSecondOfLocalDay(day, timeZone));
  const start = Math.max(hwmMs - args.overlapMs, startOfLocalDay(day, timeZone));
  return { ...common, start: new Date(start), end: new Date(end), page: 1 };
};
