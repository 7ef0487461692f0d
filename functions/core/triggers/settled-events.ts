/**
 * Events this process knows are settled: recorded in the ledger *and* published under a cursor version that has
 * since been checkpointed. Re-reading the overlap window (every tick re-reads the last minutes) can skip the ledger
 * for them, saving a conditional write per event per tick. Purely an optimization: an event missing from the cache
 * is checked against the ledger as before, so correctness never depends on it (containers and restarts start empty).
 */
export class SettledEvents {
  private readonly entries = new Map<string, true>();

  constructor(private readonly capacity = 50_000) {}

  has(connectionId: string, eventId: string): boolean {
    return this.entries.has(`${connectionId}|${eventId}`);
  }

  add(connectionId: string, eventIds: Iterable<string>): void {
    for (const eventId of eventIds) {
      const key = `${connectionId}|${eventId}`;
      this.entries.delete(key);
      this.entries.set(key, true);
    }
    // Oldest first out (Map keeps insertion order).
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
