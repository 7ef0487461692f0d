/**
 * The local bus's archive, as the stateful stack's EventBridge archive is in AWS: every published event, kept for
 * `retentionMs` (30 days, as deployed) in `<dataDir>/event-archive.jsonl` so a replay works after restarts. Read back
 * by `replay` (functions/core/operations/replay.ts); older lines are dropped when the runtime starts.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DetectedEvent } from '../../functions/core/model.js';
import type { ArchiveQuery, EventArchive } from '../../functions/core/operations/replay.js';
import { detectedEventSchema } from '../../functions/core/triggers/schemas.js';

export const ARCHIVE_RETENTION_MS = 30 * 86_400_000;
const BATCH = 500;

export class LocalEventArchive implements EventArchive {
  private readonly path: string | undefined;
  private fd: number | undefined;
  /** Without a data directory: kept in memory (tests). */
  private readonly memory: string[] = [];

  constructor(options: { dataDir?: string; retentionMs?: number; now?: () => number } = {}) {
    if (!options.dataDir) return;
    mkdirSync(options.dataDir, { recursive: true });
    this.path = join(options.dataDir, 'event-archive.jsonl');
    const oldest = (options.now ?? Date.now)() - (options.retentionMs ?? ARCHIVE_RETENTION_MS);
    if (existsSync(this.path)) {
      const lines = this.lines();
      const kept = lines.filter((line) => archivedAt(line) >= oldest);
      if (kept.length < lines.length) {
        writeFileSync(this.path, kept.map((line) => `${line}\n`).join(''));
      }
    }
  }

  /** Archives `events` (synchronously: durable before the publish returns). */
  append(events: readonly DetectedEvent[]): void {
    if (events.length === 0) return;
    const lines = events.map((event) => JSON.stringify(event));
    if (!this.path) {
      this.memory.push(...lines);
      return;
    }
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, lines.map((line) => `${line}\n`).join(''));
  }

  async *events(query: ArchiveQuery): AsyncIterable<DetectedEvent[]> {
    let batch: DetectedEvent[] = [];
    for (const line of this.lines()) {
      const parsed = detectedEventSchema.safeParse(parseLine(line));
      if (!parsed.success) continue; // a line cut short by a crash
      const event = parsed.data;
      const at = Date.parse(event.detectedAt);
      if (at < query.from.getTime() || at >= query.to.getTime()) continue;
      if (event.connectionId !== query.connectionId) continue;
      if (event.trigger !== query.trigger || event.type !== query.type) continue;
      batch.push(event);
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private lines(): string[] {
    if (!this.path) return [...this.memory];
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  }
}

const parseLine = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

/** When an archived line's event was detected (its archive time); unreadable lines count as old. */
const archivedAt = (line: string): number => {
  const detectedAt = (parseLine(line) as { detectedAt?: unknown } | undefined)?.detectedAt;
  const at = typeof detectedAt === 'string' ? Date.parse(detectedAt) : Number.NaN;
  return Number.isNaN(at) ? 0 : at;
};
