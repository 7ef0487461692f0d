/**
 * Turns records read from Konnektive into published events, once: classify, record in the ledger (conditional put,
 * tagged with the cursor version), publish what is new or was recorded by a poll that never checkpointed.
 *
 * Crash safety: a ledger entry remembers the cursor version it was recorded under. An entry whose version is still
 * the cursor's current version was recorded by a poll that never checkpointed (crashed between ledger and publish,
 * or publish failed), so it is published again; entries from before the last checkpoint are suppressed. Duplicate
 * publishes this may cause are absorbed by per-subscription delivered markers.
 */
import { mapLimit } from '../concurrency.js';
import type { OrderRecord, TransactionRecord } from '../konnektive.js';
import type { DetectedEvent, EventType, Stream } from '../model.js';
import type { Clock, EventLedger, EventPublisher } from '../ports.js';
import { parseKonnektiveDateTime } from '../zoned-time.js';
import {
  classifyOrder,
  classifyTransaction,
  eventIdOf,
  recordIdOf,
  serializeEvent,
  triggerOf,
} from './detect.js';
import type { SettledEvents } from './settled-events.js';

export type StreamRecord = OrderRecord | TransactionRecord;

/** The record and detection times of a published event: what its detection latency is made of. */
export type PublishedTimes = Pick<DetectedEvent, 'occurredAt' | 'detectedAt'>;

export interface EventSinkDeps {
  ledger: EventLedger;
  publisher: EventPublisher;
  clock: Clock;
  settled?: SettledEvents | undefined;
  /**
   * Told of each event once it is published (the poll function emits its detection latency). Nothing per event is
   * kept here, so a catch-up of any length holds no more than the page in hand.
   */
  onPublished?: ((event: PublishedTimes) => void) | undefined;
}

export interface EventSinkContext {
  connectionId: string;
  stream: Stream;
  timeZone: string;
  label: string;
  /** Records created before `now − ledgerRetentionMs` never fire (their ledger entry may be gone). */
  ledgerRetentionMs: number;
  ledgerConcurrency: number;
}

/**
 * Decides, for candidates the ledger has never seen, whether they are events to publish (`true`) or records that
 * existed before the stream started and only now became visible (`false`: recorded as a baseline, never published).
 */
export type FreshnessGate = (candidates: DetectedEvent[]) => Promise<Set<string>>;

export class EventSink {
  readonly published: Partial<Record<EventType, number>> = {};
  readonly rejected: Array<{ id: string | undefined; issue: string }> = [];
  /** Events published since the last checkpoint, so overlapping reads in one invocation don't re-publish. */
  private readonly sinceCheckpoint = new Set<string>();

  constructor(
    private readonly deps: EventSinkDeps,
    private readonly context: EventSinkContext,
  ) {}

  /** Call after each successful checkpoint: what was published is now settled. */
  checkpointed(): void {
    this.deps.settled?.add(this.context.connectionId, this.sinceCheckpoint);
    this.sinceCheckpoint.clear();
  }

  /** Count of events published by this sink, all types. */
  get total(): number {
    return Object.values(this.published).reduce((sum, n) => sum + (n ?? 0), 0);
  }

  reject(entries: Array<{ id: string | undefined; issue: string }>): void {
    this.rejected.push(...entries);
  }

  /**
   * Publishes the events among `records` that are new. With a `gate`, events the ledger has never seen are only
   * published when the gate lets them through; the others are recorded as settled (cursor version −1), a baseline.
   * Returns the events published.
   */
  async accept(
    records: StreamRecord[],
    cursorVersion: number,
    gate?: FreshnessGate,
  ): Promise<DetectedEvent[]> {
    const candidates = this.candidates(records);
    if (candidates.length === 0) return [];
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.context.ledgerRetentionMs);
    const { connectionId } = this.context;
    // Gated: decide about the never-seen ones first, so each is recorded once with its final version.
    const baseline = new Set<string>();
    if (gate) {
      const present = await this.deps.ledger.has({
        connectionId,
        eventIds: candidates.map((event) => event.eventId),
        now,
      });
      const unseen = candidates.filter((event) => !present.has(event.eventId));
      const allowed = unseen.length > 0 ? await gate(unseen) : new Set<string>();
      for (const event of unseen) if (!allowed.has(event.eventId)) baseline.add(event.eventId);
    }
    const outcomes = await mapLimit(candidates, this.context.ledgerConcurrency, (event) =>
      this.deps.ledger.record({
        connectionId,
        eventId: event.eventId,
        firstSeenAt: now,
        // −1: settled from the start, so a crash before the checkpoint cannot make it look unpublished.
        cursorVersion: baseline.has(event.eventId) ? -1 : cursorVersion,
        expiresAt,
      }),
    );
    // Entries first seen under an older, checkpointed version are settled: remember them to skip the next re-read.
    const settled: string[] = [];
    const fresh: DetectedEvent[] = [];
    candidates.forEach((event, index) => {
      const outcome = outcomes[index];
      if (baseline.has(event.eventId)) settled.push(event.eventId);
      else if (outcome?.status === 'new') fresh.push(event);
      else if (outcome?.status === 'seen' && outcome.cursorVersion >= cursorVersion) fresh.push(event);
      else settled.push(event.eventId);
    });
    this.deps.settled?.add(connectionId, settled);
    if (fresh.length === 0) return [];
    await this.deps.publisher.publish(fresh);
    for (const event of fresh) {
      this.sinceCheckpoint.add(event.eventId);
      this.published[event.type] = (this.published[event.type] ?? 0) + 1;
      this.deps.onPublished?.({ occurredAt: event.occurredAt, detectedAt: event.detectedAt });
    }
    return fresh;
  }

  /** Classified, serialized events of `records` not already handled in this process. */
  private candidates(records: StreamRecord[]): DetectedEvent[] {
    const { connectionId, stream, timeZone, label } = this.context;
    const now = this.deps.clock.now();
    const oldest = now.getTime() - this.context.ledgerRetentionMs;
    const candidates: DetectedEvent[] = [];
    const ids = new Set<string>();
    for (const record of records) {
      const type =
        stream === 'orders'
          ? classifyOrder(record as OrderRecord)
          : classifyTransaction(record as TransactionRecord);
      if (!type) continue;
      const recordId = recordIdOf(stream, record);
      const eventId = eventIdOf(type, recordId);
      if (ids.has(eventId) || this.sinceCheckpoint.has(eventId)) continue;
      if (this.deps.settled?.has(connectionId, eventId)) continue;
      try {
        if (parseKonnektiveDateTime(String(record.dateCreated), timeZone).instant.getTime() < oldest)
          continue;
        const payload = serializeEvent({ record, type, recordId, timeZone, connectionLabel: label });
        ids.add(eventId);
        candidates.push({
          eventId,
          connectionId,
          trigger: triggerOf(type),
          type,
          recordId,
          occurredAt: payload.occurredAt,
          detectedAt: now.toISOString(),
          payload,
        });
      } catch (error) {
        this.rejected.push({ id: recordId, issue: error instanceof Error ? error.message : String(error) });
      }
    }
    return candidates;
  }
}
