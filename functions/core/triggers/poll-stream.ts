/**
 * Poll one (connection, stream) — docs/polling.md. Single-flight by lease; reads windows with the strategy that
 * works for this account's API (time-window, newest-first or day-scan), switching when a page shows otherwise;
 * records each event in the ledger, publishes what is new, and only then checkpoints the high-water mark (with the
 * strategy and the poll's progress, in the same conditional write). Orders are also reconciled by `dateCreated` on
 * a slower cadence, for conversions and cancellations that do not move `dateUpdated`.
 *
 * Bounded: every read fits the invocation's remaining time (slow pages included; the lease is renewed while one is
 * read), a poll reads at most `maxPagesPerPoll` pages, and a walk that does not finish is checkpointed where it
 * stopped and resumed by the next poll — a poll never ends without a checkpoint of what it read.
 */

import type { KonnektiveGateway } from '../konnektive.js';
import { type CredentialReader, withStoredCredentials } from '../konnektive-access.js';
import type { Cursor, Stream } from '../model.js';
import type {
  Clock,
  ConnectionStore,
  CredentialCipher,
  CursorStore,
  EventLedger,
  EventPublisher,
} from '../ports.js';
import type { StreamProgress, StreamStrategy } from './cursor-state.js';
import { EventSink, type EventSinkDeps } from './event-sink.js';
import type { ReadTimeouts } from './read-timeouts.js';
import { type ReconcileSettings, reconcileDue, reconcileOrders, seenBeforeGate } from './reconcile.js';
import { DEFAULT_POLL_SETTINGS } from './settings.js';
import type { SettledEvents } from './settled-events.js';
import { afterEvidence, initialStrategy, recheckOf, type StrategyChange } from './strategy.js';
import { LeaseKeeper, ReadBudget, type ReaderContext, StreamReader } from './stream-reader.js';
import { floorToSecond, planWindow, type WindowSettings } from './window.js';

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
  /** Told when Konnektive refused the stored password and the connection was marked invalid. */
  onStoredCredentialsRejected?: (connectionId: string) => void;
  /** Per-process read latencies, for short timeouts on small reads (absent: the long page timeout for all). */
  readTimeouts?: ReadTimeouts | undefined;
  /** Waits `ms` (for a dead poller's lease to run out); default: timers. */
  wait?: (ms: number) => Promise<void>;
  /** Told of each event as it is published, with its record and detection times (the detection latency). */
  onPublished?: EventSinkDeps['onPublished'];
}

export interface PollSettings extends WindowSettings {
  /**
   * How long a lease lasts before another poller may take over: short, renewed all through the poll, so a poll that
   * crashed frees its stream within this (and shorter than the poll function's timeout).
   */
  leaseMs: number;
  /** How often the lease is renewed while a poll runs (a third of the lease). */
  heartbeatMs: number;
  /** Ledger entries live this long; records created before `now − retention` never fire (their entry may be gone). */
  ledgerRetentionMs: number;
  /** Konnektive page size (max 200). */
  pageSize: number;
  /** No page starts when less than this remains of the invocation. */
  minRemainingMs: number;
  /** Parallel ledger writes per page. */
  ledgerConcurrency: number;
  /** Overlap of a quick poll (several a minute); a full poll re-checks `overlapMs`. */
  quickOverlapMs: number;
  /**
   * A stream that published nothing for this long skips its quick polls and is read by the full ones only (once per
   * scheduler tick) until it publishes again; 0 polls at full cadence always.
   */
  idleAfterMs: number;
  /** Granularity of the overlap counts (a narrowed window starts on one). */
  bucketMs: number;
  /** Per-attempt timeout of one page: integrators wait 120–240 s on large accounts. */
  pageTimeoutMs: number;
  /** Time kept after the last read for the checkpoint and the lease release. */
  checkpointMarginMs: number;
  /** Pages one poll may read (a bound on the work, whatever the API does). */
  maxPagesPerPoll: number;
  /** A narrowed window holding more pages than this is shrunk, so catch-up checkpoints as it goes. */
  maxPagesPerWindow: number;
  /** How long a strategy chosen on evidence stays before the cheaper one is tried once more. */
  recheckMs: number;
  reconcile: ReconcileSettings;
}

export { DEFAULT_POLL_SETTINGS };

export interface PollInput {
  connectionId: string;
  stream: Stream;
  /** Unique per invocation: the lease holder's name. */
  owner: string;
  /** Time left in this invocation (Lambda context). */
  remainingMs: () => number;
  /**
   * `full` (default) re-checks the whole overlap; `quick` only a short one (for several polls a minute, one of
   * them full).
   */
  overlap?: 'full' | 'quick' | undefined;
  /**
   * When this request is superseded (its successor is due). A lease found held that runs out before then belongs to
   * a poller that stopped renewing it (crashed, timed out): the poll waits for it and takes the stream over.
   */
  notAfter?: Date | undefined;
}

export interface PollResult {
  /**
   * `skipped`: the connection is not active; `busy`: another poll holds the lease; `idle`: a quick poll of a quiet
   * stream, not read.
   */
  status: 'skipped' | 'busy' | 'idle' | 'done' | 'partial';
  /** Windows read and checkpointed. */
  windows: number;
  /** Events published, by type. */
  published: Record<string, number>;
  /** Records Konnektive sent that failed our schema (schema drift): logged by id and counted, never silently skipped. */
  rejected: Array<{ id: string | undefined; issue: string }>;
  /** Konnektive pages requested by this poll (reconciliation included). */
  calls: number;
  /** The strategy the stream is read with after this poll. */
  strategy?: StreamStrategy;
  /** Strategy changes made by this poll, with their evidence. */
  strategyChanges: StrategyChange[];
  /** Set when the orders reconciliation ran. */
  reconciled?: { published: number; missed: number; complete: boolean };
  /** Seconds between now and the high-water mark after this poll. */
  lagSeconds?: number;
  hwm?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Strategy changes one poll may make (evidence can only move towards whole-day reads, so this is never reached). */
const MAX_CHANGES_PER_POLL = 4;

/**
 * Whether a stream is quiet: nothing published for `idleAfterMs` and caught up (no walk to resume, the hwm within
 * `idleAfterMs` of now).
 */
export const isIdle = (cursor: Cursor, nowMs: number, idleAfterMs: number): boolean => {
  const activeAt = cursor.progress?.activeAt;
  if (activeAt !== undefined && nowMs - Date.parse(activeAt) <= idleAfterMs) return false;
  if (cursor.progress?.scan !== undefined) return false;
  return nowMs - Date.parse(cursor.hwm) <= idleAfterMs;
};

/** Polls one stream of one connection until caught up or out of time. */
export const pollStream = async (
  deps: PollDeps,
  input: PollInput,
  settings: PollSettings = DEFAULT_POLL_SETTINGS,
): Promise<PollResult> => {
  const result: PollResult = {
    status: 'skipped',
    windows: 0,
    published: {},
    rejected: [],
    calls: 0,
    strategyChanges: [],
  };
  const connection = await deps.connections.get(input.connectionId);
  if (connection?.status !== 'active') return result;

  const start = deps.clock.now();
  if (input.overlap === 'quick' && settings.idleAfterMs > 0) {
    const current = await deps.cursors.get(input.connectionId, input.stream);
    if (current && isIdle(current, start.getTime(), settings.idleAfterMs))
      return { ...result, status: 'idle' };
  }
  const acquire = () =>
    deps.cursors.acquireLease({
      connectionId: input.connectionId,
      stream: input.stream,
      owner: input.owner,
      now: deps.clock.now(),
      leaseMs: settings.leaseMs,
      initialHwm: start.toISOString(),
    });
  let acquired = await acquire();
  if (!acquired && input.notAfter !== undefined) {
    // A live poller renews its lease a lease ahead; one that runs out before this request's successor is due was
    // abandoned: take it over at expiry rather than leave the stream to the next request.
    const held = await deps.cursors.get(input.connectionId, input.stream);
    const expiresAt = held?.leaseExpiresAt;
    const waitMs = expiresAt === undefined ? undefined : expiresAt - deps.clock.now().getTime() + 1;
    if (waitMs !== undefined && expiresAt !== undefined && expiresAt < input.notAfter.getTime()) {
      if (waitMs > 0) await (deps.wait ?? sleep)(waitMs);
      acquired = await acquire();
    }
  }
  if (!acquired) return { ...result, status: 'busy' };
  let cursor: Cursor = acquired;

  const budget = new ReadBudget({
    remainingMs: input.remainingMs,
    minRemainingMs: settings.minRemainingMs,
    checkpointMarginMs: settings.checkpointMarginMs,
    pageTimeoutMs: settings.pageTimeoutMs,
    maxPages: settings.maxPagesPerPoll,
  });
  const key = { connectionId: input.connectionId, stream: input.stream, owner: input.owner };
  // Renewed for the whole poll (ledger writes and publishing too, not only page reads).
  const keeper = new LeaseKeeper(deps.cursors, key, settings.leaseMs, deps.clock, settings.heartbeatMs);
  const sink = new EventSink(deps, {
    connectionId: input.connectionId,
    stream: input.stream,
    timeZone: connection.timeZone,
    label: connection.label,
    ledgerRetentionMs: settings.ledgerRetentionMs,
    ledgerConcurrency: settings.ledgerConcurrency,
  });
  try {
    // Konnektive failures come out as domain errors (a rejected password marks the connection invalid); the
    // handler logs them and leaves the window to the next tick. Nobody is shown the whitelist message here.
    return await withStoredCredentials(
      { ...deps, egressIps: [] },
      connection,
      async (konnektive, credentials) => {
        keeper.start();
        const readerContext: ReaderContext = {
          konnektive,
          credentials,
          stream: input.stream,
          timeZone: connection.timeZone,
          pageSize: settings.pageSize,
          overlapMs: settings.overlapMs,
          bucketMs: settings.bucketMs,
          maxPagesPerWindow: settings.maxPagesPerWindow,
          budget,
          keeper,
          sink,
          timeouts: deps.readTimeouts && {
            readTimeouts: deps.readTimeouts,
            key: `${input.connectionId}|${input.stream}`,
          },
        };
        const reader = new StreamReader(readerContext);

        // Findings newer than the stream's strategy (a probe just ran) decide afresh; evidence seen since wins.
        const contract = connection.contract;
        const probedSince =
          contract !== undefined &&
          cursor.strategy !== undefined &&
          Date.parse(contract.checkedAt) > Date.parse(cursor.strategy.since);
        let strategy =
          cursor.strategy === undefined || probedSince ? initialStrategy(contract, start) : cursor.strategy;
        const change = (next: StreamStrategy, from: StreamStrategy | undefined) => {
          result.strategyChanges.push({
            from: from?.name ?? 'none',
            to: next.name,
            sorted: next.sorted,
            reason: next.reason,
          });
          strategy = next;
        };
        if (cursor.strategy === undefined || probedSince) change(strategy, cursor.strategy);
        const recheck = recheckOf(strategy, start, settings.recheckMs);
        if (recheck) change(recheck, strategy);
        let progress: StreamProgress = cursor.progress ?? {};

        const save = async (hwm: string) => {
          const now = deps.clock.now();
          if (Object.keys(sink.published).length > 0) progress = { ...progress, activeAt: now.toISOString() };
          cursor = await deps.cursors.checkpoint({
            ...key,
            expectedVersion: cursor.version,
            hwm,
            now,
            leaseExpiresAt: now.getTime() + settings.leaseMs,
            strategy,
            progress,
          });
          sink.checkpointed();
        };

        result.status = 'done';
        // One horizon for the whole poll: with a clock read per pass, every pass that took a second would find a new
        // second and re-read the whole overlap again, for as long as the invocation lasts.
        const horizonMs = floorToSecond(deps.clock.now().getTime() - settings.settleMs);
        const overlapMs = input.overlap === 'quick' ? settings.quickOverlapMs : settings.overlapMs;
        let endCapMs: number | undefined;
        for (;;) {
          const plan = planWindow({
            strategy,
            hwm: cursor.hwm,
            horizonMs,
            overlapMs,
            progress,
            endCapMs,
            timeZone: connection.timeZone,
            sliceMs: settings.sliceMs,
            bucketMs: settings.bucketMs,
          });
          if (!plan) break;
          if (!budget.canStartPage()) {
            result.status = 'partial';
            break;
          }
          const outcome = await reader.read(plan, Date.parse(cursor.hwm), progress, cursor.version);
          if (outcome.kind === 'evidence') {
            if (result.strategyChanges.length >= MAX_CHANGES_PER_POLL) {
              result.status = 'partial';
              break;
            }
            change(afterEvidence(strategy, outcome.evidence, deps.clock.now(), settings.recheckMs), strategy);
            // What was counted or half-walked under the old strategy means nothing to the new one.
            progress = { ...(progress.reconcile ? { reconcile: progress.reconcile } : {}) };
            await save(cursor.hwm);
            continue;
          }
          if (outcome.kind === 'shrink') {
            endCapMs = outcome.end.getTime();
            continue;
          }
          if (outcome.kind === 'partial') {
            progress = { ...progress, scan: outcome.scan };
            await save(cursor.hwm);
            if (outcome.failure !== undefined) throw outcome.failure;
            result.status = 'partial';
            break;
          }
          const { scan: _done, ...kept } = progress;
          progress = { ...kept, ...outcome.progress };
          // Learnt, not a change of strategy: later pages that cannot show their order (one timestamp) are trusted.
          if (outcome.sorted && strategy.sorted === undefined) strategy = { ...strategy, sorted: true };
          await save(plan.end.toISOString());
          result.windows += 1;
          endCapMs = undefined;
        }

        if (input.stream === 'orders' && result.status === 'done') {
          const now = deps.clock.now();
          if (reconcileDue(connection.contract, progress.reconcile, now, settings.reconcile)) {
            const outcome = await reconcileOrders({
              reader: readerContext,
              sink,
              gate: seenBeforeGate(deps.ledger, input.connectionId, () => deps.clock.now()),
              prior: progress.reconcile,
              now,
              hwmMs: Date.parse(cursor.hwm),
              cursorVersion: cursor.version,
              settings: settings.reconcile,
            });
            result.reconciled = {
              published: outcome.published,
              missed: outcome.missed,
              complete: outcome.state !== undefined,
            };
            if (outcome.state) progress = { ...progress, reconcile: outcome.state };
            await save(cursor.hwm);
          }
        }

        result.published = { ...sink.published };
        result.rejected = sink.rejected;
        result.strategy = strategy;
        result.hwm = cursor.hwm;
        result.lagSeconds = Math.max(0, (deps.clock.now().getTime() - Date.parse(cursor.hwm)) / 1000);
        return result;
      },
    );
  } finally {
    result.calls = budget.pages;
    await keeper.stop();
    await deps.cursors.releaseLease(input.connectionId, input.stream, input.owner).catch(() => undefined);
  }
};
