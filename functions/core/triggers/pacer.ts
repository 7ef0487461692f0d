/**
 * Per-URL token bucket: at most `ratePerSecond` requests per second to one hook URL, with bursts up to the rate.
 * In-memory per process; the deploy caps delivery concurrency so the sum stays under Zapier's 30/s per URL.
 */
import type { HookPacer } from './deliver.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketPacer implements HookPacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly maxUrls = 10_000,
  ) {}

  async acquire(url: string): Promise<void> {
    for (;;) {
      const bucket = this.refill(url);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000));
    }
  }

  private refill(url: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(url);
    if (!bucket) {
      if (this.buckets.size >= this.maxUrls) this.buckets.clear();
      bucket = { tokens: this.ratePerSecond, updatedAt: now };
      this.buckets.set(url, bucket);
    }
    bucket.tokens = Math.min(
      this.ratePerSecond,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond,
    );
    bucket.updatedAt = now;
    return bucket;
  }
}
