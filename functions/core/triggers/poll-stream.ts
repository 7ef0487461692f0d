/**
 * Poll one (connection, stream) — design §2.3–2.4. Single-flight by lease; reads bounded windows; records each
 * event in the ledger (conditional put), publishes what is new, and only then checkpoints the high-water mark.
 *
 * Crash safety: a ledger entry remembers the cursor version it was recorded under. An entry whose version is still
 * the cursor's current version was recorded by a poll that never checkpointed (crashed between ledger and publish,
 * or publish failed), so it is published again; entries from before the last checkpoint are suppressed. Duplicate
 * publishes this may cause are absorbed by per-subscription delivered markers.
 */
import { mapLimit } from '../concurrency.js';
import type {
  KonnektiveCredentials,
  KonnektiveGateway,
  OrderRecord,
  Page,
  TransactionRecord,
} from '../konnektive.js';
import { type CredentialReader, withStoredCredentials } from '../konnektive-access.js';
import type { Connection, Cursor, DetectedEvent, Stream } from '../model.js';
import type {
  Clock,
  ConnectionStore,
  CredentialCipher,
  CursorStore,
  EventLedger,
  EventPublisher,
} from '../ports.js';
import { parseKonnektiveDateTime } from '../zoned-time.js';
import {
  classifyOrder,
  classifyTransaction,
  eventIdOf,
  recordIdOf,
  serializeEvent,
  triggerOf,
} from './detect.js';
import { DEFAULT_POLL_SETTINGS } from './settings.js';
import type { SettledEvents } from './settled-events.js';
import { nextWindow, type PollWindow, splitWindow, type WindowSettings } from './window.js';

export interface PollDeps {
  connections: ConnectionStore;
  cipher: CredentialCipher;
  konnektive: KonnektiveGateway;
  cursors: CursorStore;
  ledger: EventLedger;
  publisher: EventPublisher;
  clock: Clock;
  /** Per-process memory of settled events, so overlap re-reads skip the ledger (optional optimization). */
  settled?: SettledEvents | undefined;
  /** How stored passwords are read; default: decrypted with `cipher`. */
  credentials?: CredentialReader;
}

export interface PollSettings extends WindowSettings {
  /** How long a lease lasts before another poller may take over (longer than one window's work). */
  leaseMs: number;
  /** Ledger entries live this long; records created before `now − retention` never fire (their entry may be gone). */
  ledgerRetentionMs: number;
  /** Konnektive page size (max 200). */
  pageSize: number;
  /** Stop starting new windows when less than this remains of the invocation. */
  minRemainingMs: number;
  /** Parallel ledger writes per page. */
  ledgerConcurrency: number;
}

export { DEFAULT_POLL_SETTINGS };

export interface PollInput {
  connectionId: string;
  stream: Stream;
  /** Unique per invocation: the lease holder's name. */
  owner: string;
  /** Time left in this invocation (Lambda context). */
  remainingMs: () => number;
}

export interface PollResult {
  status: 'skipped' | 'busy' | 'done' | 'partial';
  /** Windows read and checkpointed. */
  windows: number;
  /** Events published, by type. */
  published: Record<string, number>;
  /** Records Konnektive sent that failed our schema (schema drift): logged by id and counted, never silently skipped. */
  rejected: Array<{ id: string | undefined; issue: string }>;
  /** Seconds between now and the high-water mark after this poll. */
  lagSeconds?: number;
  hwm?: string;
}

/** Polls one stream of one connection until caught up or out of time. */
export const pollStream = async (
  deps: PollDeps,
  input: PollInput,
  settings: PollSettings = DEFAULT_POLL_SETTINGS,
): Promise<PollResult> => {
  const result: PollResult = { status: 'skipped', windows: 0, published: {}, rejected: [] };
  const connection = await deps.connections.get(input.connectionId);
  if (connection?.status !== 'active') return result;

  const start = deps.clock.now();
  const leased = await deps.cursors.acquireLease({
    connectionId: input.connectionId,
    stream: input.stream,
    owner: input.owner,
    now: start,
    leaseMs: settings.leaseMs,
    initialHwm: start.toISOString(),
  });
  if (!leased) return { ...result, status: 'busy' };

  try {
    // Konnektive failures come out as domain errors (a rejected password marks the connection invalid); the
    // handler logs them and leaves the window to the next tick. Nobody is shown the whitelist message here.
    return await withStoredCredentials({ ...deps, egressIps: [] }, connection, (_konnektive, credentials) =>
      readUntilCaughtUp(deps, input, settings, { connection, credentials, cursor: leased, result }),
    );
  } finally {
    await deps.cursors.releaseLease(input.connectionId, input.stream, input.owner).catch(() => undefined);
  }
};

/** Reads window after window, checkpointing each, until caught up with the horizon or out of time. */
const readUntilCaughtUp = async (
  deps: PollDeps,
  input: PollInput,
  settings: PollSettings,
  context: { connection: Connection; credentials: KonnektiveCredentials; cursor: Cursor; result: PollResult },
): Promise<PollResult> => {
  const { credentials, result } = context;
  let cursor = context.cursor;
  const reader = new WindowReader(deps, settings, input.stream, {
    credentials,
    connectionId: input.connectionId,
    timeZone: context.connection.timeZone,
    label: context.connection.label,
  });
  result.status = 'done';
  // One horizon for the whole poll: with a clock read per pass, every pass that took a second would find a new
  // second and re-read the whole overlap again, for as long as the invocation lasts.
  const horizon = deps.clock.now();
  for (;;) {
    const window = nextWindow(new Date(cursor.hwm), horizon, settings);
    if (!window) break;
    await reader.read(window, cursor);
    const now = deps.clock.now();
    cursor = await deps.cursors.checkpoint({
      connectionId: input.connectionId,
      stream: input.stream,
      owner: input.owner,
      expectedVersion: cursor.version,
      hwm: window.end.toISOString(),
      now,
      leaseExpiresAt: now.getTime() + settings.leaseMs,
    });
    reader.checkpointed();
    result.windows += 1;
    if (input.remainingMs() < settings.minRemainingMs) {
      result.status = nextWindow(new Date(cursor.hwm), horizon, settings) ? 'partial' : 'done';
      break;
    }
  }
  result.published = reader.published;
  result.rejected = reader.rejected;
  result.hwm = cursor.hwm;
  result.lagSeconds = Math.max(0, (deps.clock.now().getTime() - new Date(cursor.hwm).getTime()) / 1000);
  return result;
};

interface ReaderContext {
  credentials: KonnektiveCredentials;
  connectionId: string;
  timeZone: string;
  label: string;
}

/** Reads windows page by page, splitting windows whose result spans pages (so rows shifting between pages can't hide). */
class WindowReader {
  readonly published: Record<string, number> = {};
  readonly rejected: Array<{ id: string | undefined; issue: string }> = [];
  /** Events published since the last checkpoint, so split or overlapping reads in one invocation don't re-publish. */
  private readonly sinceCheckpoint = new Set<string>();

  constructor(
    private readonly deps: PollDeps,
    private readonly settings: PollSettings,
    private readonly stream: Stream,
    private readonly context: ReaderContext,
  ) {}

  checkpointed(): void {
    this.deps.settled?.add(this.context.connectionId, this.sinceCheckpoint);
    this.sinceCheckpoint.clear();
  }

  async read(window: PollWindow, cursor: Cursor): Promise<void> {
    for await (const page of this.query(window)) {
      if (page.page === 1 && page.totalResults > page.resultsPerPage) {
        const halves = splitWindow(window);
        if (halves) {
          await this.read(halves[0], cursor);
          await this.read(halves[1], cursor);
          return;
        }
      }
      await this.processPage(page, cursor);
    }
  }

  private query(window: PollWindow): AsyncIterable<Page<OrderRecord | TransactionRecord>> {
    const common = {
      range: { start: window.start, end: window.end },
      timeZone: this.context.timeZone,
      resultsPerPage: this.settings.pageSize,
      sortDir: 1 as const,
    };
    return this.stream === 'orders'
      ? this.deps.konnektive.queryOrders(this.context.credentials, {
          ...common,
          dateRangeType: 'dateUpdated',
        })
      : this.deps.konnektive.queryTransactions(this.context.credentials, {
          ...common,
          dateRangeType: 'dateCreated',
        });
  }

  private async processPage(page: Page<OrderRecord | TransactionRecord>, cursor: Cursor): Promise<void> {
    this.rejected.push(...page.rejected);
    const now = this.deps.clock.now();
    const oldest = now.getTime() - this.settings.ledgerRetentionMs;
    const candidates: DetectedEvent[] = [];
    for (const record of page.records) {
      const type =
        this.stream === 'orders'
          ? classifyOrder(record as OrderRecord)
          : classifyTransaction(record as TransactionRecord);
      if (!type) continue;
      const recordId = recordIdOf(this.stream, record);
      const eventId = eventIdOf(type, recordId);
      if (this.sinceCheckpoint.has(eventId)) continue;
      if (this.deps.settled?.has(this.context.connectionId, eventId)) continue;
      try {
        if (
          parseKonnektiveDateTime(String(record.dateCreated), this.context.timeZone).instant.getTime() <
          oldest
        ) {
          continue;
        }
        const payload = serializeEvent({
          record,
          type,
          recordId,
          timeZone: this.context.timeZone,
          connectionLabel: this.context.label,
        });
        candidates.push({
          eventId,
          connectionId: this.context.connectionId,
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
    const expiresAt = new Date(now.getTime() + this.settings.ledgerRetentionMs);
    const outcomes = await mapLimit(candidates, this.settings.ledgerConcurrency, (event) =>
      this.deps.ledger.record({
        connectionId: this.context.connectionId,
        eventId: event.eventId,
        firstSeenAt: now,
        cursorVersion: cursor.version,
        expiresAt,
      }),
    );
    // Entries first seen under an older, checkpointed version are settled: remember them to skip the next re-read.
    this.deps.settled?.add(
      this.context.connectionId,
      candidates
        .filter((_, index) => {
          const outcome = outcomes[index];
          return outcome?.status === 'seen' && outcome.cursorVersion < cursor.version;
        })
        .map((event) => event.eventId),
    );
    const fresh = candidates.filter((_, index) => {
      const outcome = outcomes[index];
      return (
        outcome?.status === 'new' || (outcome?.status === 'seen' && outcome.cursorVersion >= cursor.version)
      );
    });
    if (fresh.length === 0) return;
    await this.deps.publisher.publish(fresh);
    for (const event of fresh) {
      this.sinceCheckpoint.add(event.eventId);
      this.published[event.type] = (this.published[event.type] ?? 0) + 1;
    }
  }
}
