/**
 * Timeouts that follow the answer's expected size (docs/polling.md, "Read timeouts"). A read of a small, current
 * window (what nearly every poll is) gets a timeout of a few times the latency such reads have shown lately on this
 * (connection, stream), so a hung request fails over to its retry in seconds instead of holding the stream's only
 * poll for the long page timeout; big reads (catch-up, whole days) keep the long timeout the field needs. Kept per
 * process, so warm invocations learn from each other.
 */

export interface ReadTimeoutSettings {
  /** A small read's timeout is `factor` × the recent 90th percentile of its latency … */
  factor: number;
  /** … never below this … */
  floorMs: number;
  /** … and the long page timeout until this many small reads were seen. */
  minSamples: number;
  /** Latencies kept per (connection, stream). */
  window: number;
  /** Reads timed out in a row after which the timeout doubles (the API got slower, not one request hung). */
  slowAfterTimeouts: number;
}

export const DEFAULT_READ_TIMEOUT_SETTINGS: ReadTimeoutSettings = {
  factor: 4,
  floorMs: 3_000,
  minSamples: 5,
  window: 50,
  slowAfterTimeouts: 3,
};

interface History {
  samples: number[];
  timeoutsInARow: number;
  /** Doublings in force since reads timed out in a row; cleared by the next success. */
  boost: number;
}

export class ReadTimeouts {
  private readonly histories = new Map<string, History>();

  constructor(private readonly settings: ReadTimeoutSettings = DEFAULT_READ_TIMEOUT_SETTINGS) {}

  private history(key: string): History {
    let history = this.histories.get(key);
    if (!history) {
      history = { samples: [], timeoutsInARow: 0, boost: 0 };
      this.histories.set(key, history);
      // Bounded: one entry per (connection, stream) this process polls; the oldest goes past 10,000.
      if (this.histories.size > 10_000) this.histories.delete(this.histories.keys().next().value as string);
    }
    return history;
  }

  /** The per-attempt timeout of a small read on `key`, at most `longMs`. */
  small(key: string, longMs: number): number {
    const history = this.history(key);
    if (history.samples.length < this.settings.minSamples) return longMs;
    const sorted = [...history.samples].sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))] ?? longMs;
    const base = Math.max(this.settings.floorMs, Math.ceil(this.settings.factor * p90));
    return Math.min(longMs, base * 2 ** history.boost);
  }

  /** A small read on `key` answered after `ms`. */
  answered(key: string, ms: number): void {
    const history = this.history(key);
    history.samples.push(ms);
    if (history.samples.length > this.settings.window) history.samples.shift();
    history.timeoutsInARow = 0;
    history.boost = 0;
  }

  /** A small read on `key` failed after at least its timeout. */
  timedOut(key: string): void {
    const history = this.history(key);
    history.timeoutsInARow += 1;
    if (history.timeoutsInARow % this.settings.slowAfterTimeouts === 0) history.boost += 1;
  }
}
