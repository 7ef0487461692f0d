/** Small statistics helpers for the benchmarks (nearest-rank percentiles; no interpolation games). */

/** The p-th percentile (0–100) by nearest rank; NaN for an empty list. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
};

export const median = (values: readonly number[]): number => percentile(values, 50);

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

export const max = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((top, value) => Math.max(top, value), -Infinity);

/** min / p50 / p90 / p99 / max / mean of a sample, for the JSON results. */
export const summarize = (values: readonly number[]) => ({
  count: values.length,
  min: values.length === 0 ? Number.NaN : values.reduce((low, value) => Math.min(low, value), Infinity),
  p50: percentile(values, 50),
  p90: percentile(values, 90),
  p99: percentile(values, 99),
  max: max(values),
  mean: mean(values),
});

/** `12.3 ms`, `1.23 s` — readable durations. */
export const ms = (value: number, digits = 1): string => {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) >= 10_000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(digits)} ms`;
};

/** `1.5 MB`, `830 KB`. */
export const bytes = (value: number): string => {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${value.toFixed(0)} B`;
};

/** `312/s`. */
export const rate = (count: number, durationMs: number): number =>
  durationMs > 0 ? (count * 1000) / durationMs : Number.NaN;

export const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));

/** Polls `done` every `everyMs` until it holds; false on timeout. */
export const waitUntil = async (done: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
};
