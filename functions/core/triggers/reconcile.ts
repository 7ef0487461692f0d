/**
 * Reconciliation of the orders stream (docs/polling.md): Konnektive may leave `dateUpdated` unchanged when a lead
 * is converted or an order cancelled, and then the `dateUpdated` stream never sees the new status. On a slower
 * cadence this reads orders by `dateCreated` over the last few days, COMPLETE and CANCELLED, through the same
 * ledger (nothing fires twice). It only re-reads a day whose counts changed since the last run, and it only reports
 * what the stream had seen in an earlier state — a conversion of a lead the stream saw, a cancellation of an order
 * it saw — so orders from before the stream started are recorded as a baseline, never replayed.
 */
import type { ContractFindings } from '../contract/findings.js';
import { KonnektiveTransientError, type OrderRecord, type Page } from '../konnektive.js';
import type { DetectedEvent } from '../model.js';
import type { EventLedger } from '../ports.js';
import type { ReconcileState } from './cursor-state.js';
import { eventIdOf } from './detect.js';
import type { EventSink, FreshnessGate } from './event-sink.js';
import { DEFAULT_RECONCILE_SETTINGS } from './settings.js';
import { instantOf, type ReaderContext } from './stream-reader.js';
import { lastSecondOfLocalDay, localDayOf, startOfLocalDay } from './window.js';

export interface ReconcileSettings {
  /** Days of `dateCreated` read, today included (0 turns reconciliation off). */
  horizonDays: number;
  /** Cadence while nothing is known about `dateUpdated`. */
  everyMs: number;
  /** Cadence when `dateUpdated` is known not to move (probe), or a run recently found what the stream missed. */
  fastEveryMs: number;
  /** Cadence when the probe showed `dateUpdated` moving on conversions and cancellations (a sanity check). */
  slowEveryMs: number;
}

export { DEFAULT_RECONCILE_SETTINGS };

/** How long a run that found missed events keeps the fast cadence. */
const MISSED_MEMORY_MS = 7 * 86_400_000;

const STATUSES = ['COMPLETE', 'CANCELLED'] as const;
type Status = (typeof STATUSES)[number];

/** Milliseconds between runs for this connection. */
export const reconcileCadenceMs = (
  contract: ContractFindings | undefined,
  state: ReconcileState | undefined,
  now: Date,
  settings: ReconcileSettings,
): number => {
  if (state?.missedAt !== undefined && now.getTime() - Date.parse(state.missedAt) < MISSED_MEMORY_MS) {
    return settings.fastEveryMs;
  }
  const moves = contract?.dateUpdated.variant;
  if (moves === 'both') return settings.slowEveryMs;
  if (moves === 'neither' || moves === 'conversion' || moves === 'cancel') return settings.fastEveryMs;
  return settings.everyMs;
};

export const reconcileDue = (
  contract: ContractFindings | undefined,
  state: ReconcileState | undefined,
  now: Date,
  settings: ReconcileSettings,
): boolean =>
  settings.horizonDays > 0 &&
  (state === undefined ||
    now.getTime() - Date.parse(state.at) >= reconcileCadenceMs(contract, state, now, settings));

export interface ReconcileOutcome {
  /** Absent when the run could not finish (out of time): the last state stays, so the next poll runs again. */
  state: ReconcileState | undefined;
  /** Events published by this run. */
  published: number;
  /** Of those, how many the `dateUpdated` stream should have seen (their dateUpdated is at or before the hwm). */
  missed: number;
}

/**
 * Conversions are reported when the stream saw the lead; cancellations when it saw the order as a lead or a sale
 * (a sale the reconciliation itself recorded as a baseline counts: it was seen COMPLETE after the stream started).
 */
export const seenBeforeGate =
  (ledger: EventLedger, connectionId: string, now: () => Date): FreshnessGate =>
  async (candidates: DetectedEvent[]) => {
    const earlier = (event: DetectedEvent) =>
      event.type === 'NEW_SALE'
        ? [eventIdOf('NEW_LEAD', event.recordId)]
        : [eventIdOf('NEW_LEAD', event.recordId), eventIdOf('NEW_SALE', event.recordId)];
    const present = await ledger.has({ connectionId, eventIds: candidates.flatMap(earlier), now: now() });
    return new Set(
      candidates
        .filter((event) => earlier(event).some((id) => present.has(id)))
        .map((event) => event.eventId),
    );
  };

/**
 * One run: per day of the horizon (newest first), page 1 of COMPLETE and of CANCELLED orders by `dateCreated`;
 * a day whose counts differ from the last run's is read in full (both statuses, so a conversion hidden by another
 * order leaving COMPLETE still shows). The first run only records the counts.
 */
export const reconcileOrders = async (args: {
  reader: ReaderContext;
  sink: EventSink;
  gate: FreshnessGate;
  prior: ReconcileState | undefined;
  now: Date;
  hwmMs: number;
  cursorVersion: number;
  settings: ReconcileSettings;
}): Promise<ReconcileOutcome> => {
  const { reader, sink, prior, now } = args;
  const zone = reader.timeZone;
  const today = localDayOf(now.getTime(), zone);
  const days: string[] = [];
  for (let i = 0, at = now.getTime(); i < args.settings.horizonDays; i++) {
    const day = localDayOf(at, zone);
    days.push(day);
    at = startOfLocalDay(day, zone) - 1_000;
  }
  const counts: ReconcileState['days'] = {};
  let published = 0;
  let missed = 0;
  for (const day of days) {
    const range = {
      start: new Date(startOfLocalDay(day, zone)),
      end: new Date(day === today ? now.getTime() : lastSecondOfLocalDay(day, zone)),
    };
    const firstPages: Partial<
      Record<Status, { page: Page<OrderRecord>; rest: AsyncIterator<Page<OrderRecord>> }>
    > = {};
    try {
      for (const status of STATUSES) {
        if (!reader.budget.canStartPage()) return { state: undefined, published, missed };
        const iterator = reader.konnektive
          .queryOrders(
            reader.credentials,
            {
              range,
              timeZone: zone,
              dateRangeType: 'dateCreated',
              orderStatus: status,
              resultsPerPage: reader.pageSize,
            },
            reader.budget.readOptions(),
          )
          [Symbol.asyncIterator]();
        reader.budget.pages += 1;
        const first = await reader.keeper.hold(() => iterator.next());
        if (first.done) {
          await iterator.return?.();
          continue;
        }
        firstPages[status] = { page: first.value, rest: iterator };
      }
      const dayCounts = {
        complete: firstPages.COMPLETE?.page.totalResults ?? 0,
        cancelled: firstPages.CANCELLED?.page.totalResults ?? 0,
      };
      const before = prior?.days[day];
      const changed =
        prior !== undefined &&
        (before === undefined ||
          before.complete !== dayCounts.complete ||
          before.cancelled !== dayCounts.cancelled);
      // Orders whose dateUpdated is still within the stream's reach (overlap or above the hwm) are the stream's:
      // recording one here as a baseline could hide it from the stream. The day is then looked at again next run.
      const streamsReach = args.hwmMs - reader.overlapMs;
      let settled = true;
      if (changed) {
        for (const status of STATUSES) {
          const entry = firstPages[status];
          if (entry === undefined) continue;
          let page: Page<OrderRecord> | undefined = entry.page;
          while (page !== undefined) {
            sink.reject(page.rejected);
            const behind = page.records.filter((record) => {
              const at = instantOf(record.dateUpdated ?? record.dateCreated, zone);
              return at !== undefined && at <= streamsReach;
            });
            if (behind.length < page.records.length) settled = false;
            const fresh = await sink.accept(behind, args.cursorVersion, args.gate);
            published += fresh.length;
            // When the new status is as old as the hwm, the dateUpdated stream could not have seen it.
            missed += fresh.filter((event) => Date.parse(event.occurredAt) <= args.hwmMs).length;
            const received = page.scan?.received ?? page.records.length;
            if (received < page.resultsPerPage || page.page * page.resultsPerPage >= page.totalResults) break;
            if (!reader.budget.canStartPage()) return { state: undefined, published, missed };
            reader.budget.pages += 1;
            const next: IteratorResult<Page<OrderRecord>> = await reader.keeper.hold(() => entry.rest.next());
            page = next.done ? undefined : next.value;
          }
        }
      }
      if (settled) counts[day] = dayCounts;
      else if (before !== undefined) counts[day] = before;
    } catch (error) {
      // A slow or failing page ends the run; what was published stays published, the counts wait for next time.
      if (error instanceof KonnektiveTransientError) return { state: undefined, published, missed };
      throw error;
    } finally {
      for (const entry of Object.values(firstPages)) await entry?.rest.return?.();
    }
  }
  const state: ReconcileState = {
    at: now.toISOString(),
    days: counts,
    ...(missed > 0 ? { missedAt: now.toISOString() } : prior?.missedAt ? { missedAt: prior.missedAt } : {}),
  };
  return { state, published, missed };
};
