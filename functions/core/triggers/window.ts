/**
 * Poll window arithmetic (design §2.3): read `[hwm − overlap, min(now − settle, hwm + slice)]`.
 * The overlap re-reads the edge so rows sharing the watermark's second, or committed late, are not skipped (the
 * ledger makes the re-read invisible); the settle lag leaves the newest seconds for the next tick; the slice bounds
 * one read so catch-up after an outage walks in checkpointed steps.
 */

export interface WindowSettings {
  overlapMs: number;
  settleMs: number;
  sliceMs: number;
}

export interface PollWindow {
  start: Date;
  /** Inclusive; becomes the new high-water mark once everything in the window is published. */
  end: Date;
}

/** Konnektive timestamps have whole seconds: keep bounds on whole seconds so they map exactly. */
const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/** The next window after `hwm`, or undefined when `hwm` already reaches `now − settle`. */
export const nextWindow = (hwm: Date, now: Date, settings: WindowSettings): PollWindow | undefined => {
  const horizon = floorToSecond(now.getTime() - settings.settleMs);
  const from = hwm.getTime();
  if (horizon <= from) return undefined;
  const end = Math.min(horizon, floorToSecond(from + settings.sliceMs));
  if (end <= from) return undefined;
  return { start: new Date(from - settings.overlapMs), end: new Date(end) };
};

/** Splits a window in two halves on a whole second (for result sets too big for one page); undefined if it can't. */
export const splitWindow = (window: PollWindow): [PollWindow, PollWindow] | undefined => {
  const span = window.end.getTime() - window.start.getTime();
  if (span < 2000) return undefined;
  const middle = floorToSecond(window.start.getTime() + span / 2);
  return [
    { start: window.start, end: new Date(middle) },
    { start: new Date(middle), end: window.end },
  ];
};
