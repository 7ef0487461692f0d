/**
 * A small per-process cache of each connection's campaigns, so a Zap editor opening the campaign and product
 * dropdowns (and paging through them) does not walk `campaign/query` on every keystroke.
 */
import type { Clock } from '../ports.js';

export interface CampaignCacheOptions {
  clock: Clock;
  /** How long a connection's list is served before it is read again. Default 5 minutes. */
  ttlMs?: number;
  /** Connections kept at most; the least recently used is dropped first. Default 200. */
  maxEntries?: number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * TTL + LRU map keyed by connectionId, with single-flight loading: concurrent misses for one connection share
 * one load. A failed load is not cached (the next request tries again).
 */
export class CampaignCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly clock: Clock;

  constructor(options: CampaignCacheOptions) {
    this.clock = options.clock;
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 200);
  }

  /** The cached value for `key`, or the result of `load()` (then cached). */
  async get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt > now) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    if (entry !== undefined) this.entries.delete(key);
    const pending = this.loading.get(key);
    if (pending !== undefined) return pending;
    const promise = load()
      .then((value) => {
        this.set(key, value);
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }

  /** Drops a connection's entry (e.g. after Konnektive rejected its credentials). */
  invalidate(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.now().getTime() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
