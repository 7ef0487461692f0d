/**
 * Per-URL token bucket: a sustained `ratePerSecond` with bursts of at most `burst`, so any one-second span carries at
 * most `ratePerSecond + burst` requests (25 + 5 ≤ Zapier's 30/s per URL). In-memory per process; the deploy caps
 * delivery concurrency so processes don't add up past the limit.
 */
import type { HookPacer } from './deliver.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface PacerOptions {
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Buckets kept at most (one per URL); the map is cleared past it. */
  maxUrls?: number;
}

export class TokenBucketPacer implements HookPacer {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxUrls: number;

  constructor(
    private readonly ratePerSecond: number,
    options: PacerOptions = {},
  ) {
    this.burst = options.burst ?? Math.max(1, Math.ceil(ratePerSecond / 5));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxUrls = options.maxUrls ?? 10_000;
  }

  async acquire(url: string): Promise<void> {
    for (;;) {
      const bucket = this.refill(url);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      await this.sleep(Math.max(1, Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000)));
    }
  }

  private refill(url: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(url);
    if (!bucket) {
      if (this.buckets.size >= this.maxUrls) this.buckets.clear();
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(url, bucket);
    }
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond,
    );
    bucket.updatedAt = now;
    return bucket;
  }
}
