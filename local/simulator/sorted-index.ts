/**
 * Records kept sorted by a numeric key with a numeric tie-breaker, so a query reads one date window by binary
 * search instead of scanning and sorting every record. The caller must `remove` a record before changing its
 * key and `insert` it again afterwards.
 */
export class SortedIndex<T> {
  private items: T[] = [];

  constructor(
    private readonly key: (item: T) => number,
    private readonly tie: (item: T) => number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** First position whose (key, tie) is ≥ the given pair. */
  private lowerBound(key: number, tie: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const item = this.items[mid] as T;
      const k = this.key(item);
      if (k < key || (k === key && this.tie(item) < tie)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    this.items.splice(this.lowerBound(this.key(item), this.tie(item)), 0, item);
  }

  remove(item: T): void {
    const at = this.lowerBound(this.key(item), this.tie(item));
    if (this.items[at] === item) {
      this.items.splice(at, 1);
      return;
    }
    // The key changed without a remove first: fall back to a scan so the index never keeps a stale entry.
    const index = this.items.indexOf(item);
    if (index >= 0) this.items.splice(index, 1);
  }

  /** Items whose key is within [from, to] (inclusive), ascending. Omitted bounds are open. */
  range(from?: number, to?: number): T[] {
    const start = from === undefined ? 0 : this.lowerBound(from, Number.NEGATIVE_INFINITY);
    const end = to === undefined ? this.items.length : this.lowerBound(to, Number.POSITIVE_INFINITY);
    return this.items.slice(start, Math.max(start, end));
  }

  clear(): void {
    this.items = [];
  }
}
