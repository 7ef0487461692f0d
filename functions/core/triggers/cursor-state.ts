/**
 * What a cursor remembers besides its high-water mark: the read strategy that works for this (connection, stream)
 * and the poll's progress (overlap counts, an unfinished walk, the reconciliation's counts). Stored with the cursor
 * and written by the same conditional checkpoint, so it can never disagree with the hwm it describes.
 */
import * as z from 'zod';

/**
 * How a stream is read (docs/polling.md):
 * - `time-window`: Konnektive narrows a query to `startTime`/`endTime`; windows of the stream's date field.
 * - `newest-first`: time filters are ignored (whole days only) but sorting works: whole-day queries, newest first,
 *   paging down to the overlap.
 * - `day-scan`: neither works: every page of the day, filtered on our side.
 */
export const POLL_STRATEGIES = ['time-window', 'newest-first', 'day-scan'] as const;
export type PollStrategy = (typeof POLL_STRATEGIES)[number];

const isoInstant = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

export const streamStrategySchema = z.object({
  name: z.enum(POLL_STRATEGIES),
  /** Whether a newest-first sort on the stream's date field was seen applied (absent: not known yet). */
  sorted: z.boolean().optional(),
  /** When this strategy was chosen. */
  since: isoInstant,
  /** The evidence it was chosen on (logged, shown to operators). */
  reason: z.string().max(1000),
  /** When to try the cheaper strategy once more (the API may have changed, or the evidence was a fluke). */
  recheckAt: isoInstant.optional(),
});
export type StreamStrategy = z.output<typeof streamStrategySchema>;

export const scanProgressSchema = z.object({
  /** The window being read: its start (overlap included) and end (the hwm once the walk completes). */
  start: isoInstant,
  end: isoInstant,
  /** Next page to read, and the total Konnektive reported when the walk last read a page. */
  page: z.number().int().min(1),
  total: count,
  /** Newest first (sorted walk) or as Konnektive lists them. */
  order: z.enum(['newest', 'listed']),
});
export type ScanProgress = z.output<typeof scanProgressSchema>;

export const reconcileStateSchema = z.object({
  /** When the last reconciliation ran. */
  at: isoInstant,
  /** Per account-zone day (`YYYY-MM-DD`) of `dateCreated`: how many orders were COMPLETE and CANCELLED. */
  days: z.record(z.string(), z.object({ complete: count, cancelled: count })),
  /** When a reconciliation last found an event the `dateUpdated` stream had missed. */
  missedAt: isoInstant.optional(),
});
export type ReconcileState = z.output<typeof reconcileStateSchema>;

export const streamProgressSchema = z.object({
  /**
   * Records at or below the hwm per 10-second bucket of the stream's date field, over the overlap (keys: a bucket's
   * start in epoch seconds; empty buckets omitted; `from`: the first bucket counted). A poll compares Konnektive's
   * count of what lies below the hwm with these instead of re-reading the overlap.
   */
  buckets: z.object({ from: z.number().int(), counts: z.record(z.string(), count) }).optional(),
  /** Whole-day strategies: how many records of the hwm's account-zone day lay at or below the hwm. */
  day: z.object({ date: z.string(), below: count }).optional(),
  /** A walk that did not finish within one invocation; the next poll resumes it. */
  scan: scanProgressSchema.optional(),
  /** Orders only: the reconciliation by `dateCreated`. */
  reconcile: reconcileStateSchema.optional(),
  /** When a poll last published events: a stream quiet for longer skips its quick polls (adaptive cadence). */
  activeAt: isoInstant.optional(),
});
export type StreamProgress = z.output<typeof streamProgressSchema>;
