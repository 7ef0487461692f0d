/**
 * Reads one window of a stream with the strategy in force (docs/polling.md):
 * - a **newest-first walk** (sorting works): pages newest first and stops as soon as it is below the window, or
 *   below the high-water mark when Konnektive's count of what lies below it matches what was recorded (so re-reading
 *   the overlap costs nothing while nothing changed there);
 * - a **listed walk** (sorting does not work): every page of the window — the narrowed window when time filters
 *   work, the whole day when they do not — with the client filtering records to the window.
 * Both check the contract on every page (records outside a narrowed window; a page out of order) and hand back the
 * evidence instead of reading on; both stop when time runs out and say where to resume.
 */
import {
  type KonnektiveCredentials,
  type KonnektiveGateway,
  KonnektiveTransientError,
  type Page,
  type ReadOptions,
} from '../konnektive.js';
import type { Stream } from '../model.js';
import type { Clock, CursorStore } from '../ports.js';
import { formatKonnektiveDateTime, isKonnektiveDateTime, parseKonnektiveDateTime } from '../zoned-time.js';
import type { ScanProgress, StreamProgress } from './cursor-state.js';
import { recordIdOf } from './detect.js';
import type { EventSink, StreamRecord } from './event-sink.js';
import type { ReadTimeouts } from './read-timeouts.js';
import type { ContractEvidence } from './strategy.js';
import { floorToBucket, floorToSecond, localDayOf, type WindowPlan } from './window.js';

const SECOND_MS = 1000;

/** The date field each stream is read by. */
export const STREAM_DATE_FIELD = { orders: 'dateUpdated', transactions: 'dateCreated' } as const;

/** Instant of an account-zone wall time (the earlier one when ambiguous), or undefined when it is not one. */
export const instantOf = (wall: unknown, zone: string): number | undefined => {
  if (typeof wall !== 'string' || !isKonnektiveDateTime(wall.trim())) return undefined;
  return parseKonnektiveDateTime(wall, zone).instant.getTime();
};

/** Bounds every read by the invocation's remaining time and the poll's page budget. */
export class ReadBudget {
  pages = 0;

  constructor(
    private readonly limits: {
      remainingMs: () => number;
      /** No page starts with less than this left. */
      minRemainingMs: number;
      /** Kept free after the last read, for the checkpoint and the lease release. */
      checkpointMarginMs: number;
      /** Per-attempt timeout of a page (Konnektive pages may take minutes on large accounts). */
      pageTimeoutMs: number;
      maxPages: number;
    },
  ) {}

  canStartPage(): boolean {
    return this.pages < this.limits.maxPages && this.limits.remainingMs() >= this.limits.minRemainingMs;
  }

  /** The long per-attempt timeout (a big page). */
  get pageTimeoutMs(): number {
    return this.limits.pageTimeoutMs;
  }

  /** Read options for a query started now: its deadline leaves the checkpoint margin. */
  readOptions(timeoutMs = this.limits.pageTimeoutMs): ReadOptions {
    return {
      deadline: Date.now() + this.limits.remainingMs() - this.limits.checkpointMarginMs,
      timeoutMs,
    };
  }
}

/**
 * Keeps the poll's lease alive: a short lease renewed every `everyMs` for as long as the poll runs (`start` … `stop`),
 * so a poll that crashes or times out frees its stream within one lease, while a long poll keeps it. `hold` fails its
 * caller when a renewal found the lease lost (another poller took the stream over); without `start`, `hold` renews
 * only while its own work is in flight.
 */
export class LeaseKeeper {
  private timer: ReturnType<typeof setInterval> | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private lost: unknown;

  constructor(
    private readonly cursors: CursorStore,
    private readonly key: { connectionId: string; stream: Stream; owner: string },
    private readonly leaseMs: number,
    private readonly clock: Clock,
    private readonly everyMs = Math.floor(leaseMs / 3),
  ) {}

  private renew(): void {
    this.renewing = this.renewing
      .then(() => this.cursors.renewLease({ ...this.key, now: this.clock.now(), leaseMs: this.leaseMs }))
      .catch((error: unknown) => {
        this.lost ??= error;
      });
  }

  /** Renews the lease every `everyMs` until `stop`. */
  start(): void {
    this.timer ??= setInterval(() => this.renew(), this.everyMs);
  }

  /** Stops renewing (the lease is then released or left to expire). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
  }

  async hold<T>(work: () => Promise<T>): Promise<T> {
    const own = this.timer === undefined ? setInterval(() => this.renew(), this.everyMs) : undefined;
    try {
      const value = await work();
      await this.renewing;
      if (this.lost !== undefined) throw this.lost;
      return value;
    } finally {
      if (own !== undefined) clearInterval(own);
    }
  }
}

export type WindowOutcome =
  /**
   * Everything in the window was read; `progress` holds the counts for the next poll; `sorted` when a page was
   * seen newest first as asked (the stream may then trust the order even of pages that cannot show it).
   */
  | { kind: 'complete'; progress: Pick<StreamProgress, 'buckets' | 'day'>; sorted?: true }
  /** Out of time or pages (or a page failed after others were read): resume at `scan`. */
  | { kind: 'partial'; scan: ScanProgress; failure?: unknown }
  /** The API does not behave as the strategy assumes: nothing was concluded from this window. */
  | { kind: 'evidence'; evidence: ContractEvidence }
  /** A narrowed window holds too much for one checkpoint: read `[start, end]` first. */
  | { kind: 'shrink'; end: Date };

export interface ReaderContext {
  konnektive: KonnektiveGateway;
  credentials: KonnektiveCredentials;
  stream: Stream;
  timeZone: string;
  pageSize: number;
  overlapMs: number;
  /** Granularity of the overlap counts. */
  bucketMs: number;
  /** A narrowed window is shrunk when it holds more than this many pages. */
  maxPagesPerWindow: number;
  budget: ReadBudget;
  keeper: LeaseKeeper;
  sink: EventSink;
  /** Short timeouts for small reads, learnt per (connection, stream); absent: the long page timeout for all. */
  timeouts?: { readTimeouts: ReadTimeouts; key: string } | undefined;
}

type PageIterator = AsyncIterator<Page<StreamRecord>>;

/** How the dates of a page are ordered (empty values skipped). */
const orderOf = (dates: string[]): 'descending' | 'ascending' | 'flat' | 'mixed' => {
  let up = false;
  let down = false;
  let previous: string | undefined;
  for (const date of dates) {
    if (date === '') continue;
    if (previous !== undefined) {
      if (date > previous) up = true;
      else if (date < previous) down = true;
    }
    previous = date;
  }
  if (up && down) return 'mixed';
  if (up) return 'ascending';
  if (down) return 'descending';
  return 'flat';
};

export class StreamReader {
  private readonly field: 'dateUpdated' | 'dateCreated';

  constructor(private readonly ctx: ReaderContext) {
    this.field = STREAM_DATE_FIELD[ctx.stream];
  }

  private instantOf(wall: unknown): number | undefined {
    return instantOf(wall, this.ctx.timeZone);
  }

  async read(
    plan: WindowPlan,
    hwmMs: number,
    prior: StreamProgress,
    cursorVersion: number,
  ): Promise<WindowOutcome> {
    return plan.newestFirst
      ? this.newestFirst(plan, hwmMs, prior, cursorVersion)
      : this.listed(plan, hwmMs, prior, cursorVersion);
  }

  /** A narrowed window about as long as the overlap: a small answer expected (what a current stream reads). */
  private isSmall(plan: WindowPlan): boolean {
    return plan.narrow && plan.end.getTime() - plan.start.getTime() <= this.ctx.overlapMs + 60_000;
  }

  private open(plan: WindowPlan, sortDir: 0 | 1, page: number): PageIterator {
    const query = {
      range: { start: plan.start, end: plan.end },
      timeZone: this.ctx.timeZone,
      resultsPerPage: this.ctx.pageSize,
      dateRangeType: this.field,
      sortBy: this.field,
      sortDir,
      page,
    };
    const timeouts = this.ctx.timeouts;
    const small = timeouts !== undefined && this.isSmall(plan);
    const timeoutMs = small
      ? timeouts.readTimeouts.small(timeouts.key, this.ctx.budget.pageTimeoutMs)
      : this.ctx.budget.pageTimeoutMs;
    const options = this.ctx.budget.readOptions(timeoutMs);
    const { konnektive, credentials } = this.ctx;
    const pages: AsyncIterable<Page<StreamRecord>> =
      this.ctx.stream === 'orders'
        ? konnektive.queryOrders(credentials, query, options)
        : konnektive.queryTransactions(credentials, query, options);
    const iterator = pages[Symbol.asyncIterator]();
    if (!small || timeouts === undefined) return iterator;
    // Learn from small reads: how long each page took, and whether it ran into its timeout.
    return {
      next: async () => {
        const started = Date.now();
        try {
          const result = await iterator.next();
          timeouts.readTimeouts.answered(timeouts.key, Date.now() - started);
          return result;
        } catch (error) {
          if (Date.now() - started >= timeoutMs) timeouts.readTimeouts.timedOut(timeouts.key);
          throw error;
        }
      },
      ...(iterator.return
        ? { return: (value?: unknown) => iterator.return?.(value) as ReturnType<PageIterator['next']> }
        : {}),
    };
  }

  private async next(iterator: PageIterator): Promise<IteratorResult<Page<StreamRecord>>> {
    this.ctx.budget.pages += 1;
    return this.ctx.keeper.hold(() => iterator.next());
  }

  /** Evidence that a narrowed query was not narrowed, or undefined. */
  private filtersEvidence(
    plan: WindowPlan,
    page: Page<StreamRecord>,
    pageNo: number,
  ): ContractEvidence | undefined {
    const outside = page.scan?.outside ?? 0;
    if (!plan.narrow || outside === 0) return undefined;
    const from = formatKonnektiveDateTime(plan.start, this.ctx.timeZone);
    const to = formatKonnektiveDateTime(plan.end, this.ctx.timeZone);
    return {
      timeFilters: 'ignored',
      reason:
        `asked for ${this.field} ${from} – ${to.slice(11)}; page ${pageNo} held ${outside} of ` +
        `${page.scan?.received ?? 0} records outside it (totalResults ${page.totalResults}): time filters are ignored`,
    };
  }

  /**
   * A narrowed window with more new records (above the hwm) than `maxPagesPerWindow` pages: its share of that many
   * pages, from the hwm, so catch-up checkpoints as it goes. `above` is what lies above the hwm, when known.
   */
  private shrink(plan: WindowPlan, hwmMs: number, above: number): WindowOutcome | undefined {
    const capacity = this.ctx.pageSize * this.ctx.maxPagesPerWindow;
    const span = plan.end.getTime() - hwmMs;
    if (!plan.narrow || plan.page !== 1 || above <= capacity || span <= 2 * SECOND_MS) return undefined;
    const share = Math.max(SECOND_MS, floorToSecond((span * (capacity - this.ctx.pageSize)) / above));
    return { kind: 'shrink', end: new Date(hwmMs + share) };
  }

  private scanAt(plan: WindowPlan, page: number, total: number, order: ScanProgress['order']): ScanProgress {
    return { start: plan.start.toISOString(), end: plan.end.toISOString(), page, total, order };
  }

  /** What the last poll recorded as lying at or below the hwm, in what this query counts; undefined if unknown. */
  private expectedBelow(plan: WindowPlan, hwmMs: number, prior: StreamProgress): number | undefined {
    const zone = this.ctx.timeZone;
    if (!plan.narrow) {
      const day = localDayOf(plan.end.getTime(), zone);
      if (localDayOf(hwmMs, zone) !== day) return 0;
      return prior.day?.date === day ? prior.day.below : undefined;
    }
    const buckets = prior.buckets;
    const startMs = plan.start.getTime();
    if (buckets === undefined || buckets.from === undefined || buckets.from * SECOND_MS > startMs)
      return undefined;
    let sum = 0;
    for (const [key, count] of Object.entries(buckets.counts)) {
      const at = Number(key) * SECOND_MS;
      if (at >= startMs && at <= hwmMs) sum += count;
    }
    return sum;
  }

  /**
   * Overlap counts for the next poll, over `[end − overlap, end]`: buckets at or above `freshFrom` are counted from
   * `seen`; older ones are the last poll's figure for what lay at or below the hwm (the count check vouched for it)
   * plus what was seen above the hwm. Buckets nobody counted are left out (`from` starts after them).
   */
  /**
   * Where the next poll's overlap counts start (`bucketsAfter`). Records read below it are never counted, so a window
   * read keeps only the records at or above it (`seen`): a catch-up of any length holds the overlap's ids, not the
   * backlog's.
   */
  private countedFrom(plan: WindowPlan): number {
    return floorToBucket(plan.end.getTime() - this.ctx.overlapMs, this.ctx.bucketMs);
  }

  private bucketsAfter(
    plan: WindowPlan,
    hwmMs: number,
    seen: Map<string, number>,
    freshFrom: number,
    prior: StreamProgress,
  ): StreamProgress['buckets'] {
    const endMs = plan.end.getTime();
    const { bucketMs } = this.ctx;
    const from = this.countedFrom(plan);
    const priorFrom = prior.buckets === undefined ? Number.POSITIVE_INFINITY : prior.buckets.from * SECOND_MS;
    const knownFrom = freshFrom <= from ? from : Math.max(from, Math.min(priorFrom, freshFrom));
    const counts: Record<string, number> = {};
    for (let bucket = knownFrom; bucket < freshFrom && bucket <= endMs; bucket += bucketMs) {
      const previous = prior.buckets?.counts[String(bucket / SECOND_MS)];
      if (previous) counts[String(bucket / SECOND_MS)] = previous;
    }
    for (const at of seen.values()) {
      if (at < knownFrom || at > endMs) continue;
      const bucket = floorToBucket(at, bucketMs);
      if (bucket < freshFrom && at <= hwmMs) continue;
      const key = String(bucket / SECOND_MS);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return { from: knownFrom / SECOND_MS, counts };
  }

  private async newestFirst(
    plan: WindowPlan,
    hwmMs: number,
    prior: StreamProgress,
    cursorVersion: number,
  ): Promise<WindowOutcome> {
    const startMs = plan.start.getTime();
    const endMs = plan.end.getTime();
    const { sink, budget } = this.ctx;
    const seen = new Map<string, number>();
    const countFrom = this.countedFrom(plan);
    let aboveHwm = 0;
    let aboveEnd = 0;
    /** Orders above the hwm created at or before it: each may have moved up from below it (an update). */
    let moved = 0;
    let oldest = Number.POSITIVE_INFINITY;
    let orderProven = plan.orderTrusted;
    let countCheck = plan.page === 1;
    let pageNo = plan.page;
    let total = plan.total ?? 0;
    const iterator = this.open(plan, 0, plan.page);
    const complete = (freshFrom: number): WindowOutcome => ({
      kind: 'complete',
      ...(orderProven ? { sorted: true as const } : {}),
      progress: plan.narrow
        ? { buckets: this.bucketsAfter(plan, hwmMs, seen, freshFrom, prior) }
        : plan.page === 1
          ? { day: { date: localDayOf(endMs, this.ctx.timeZone), below: Math.max(0, total - aboveEnd) } }
          : {},
    });
    try {
      for (;;) {
        if (!budget.canStartPage())
          return { kind: 'partial', scan: this.scanAt(plan, pageNo, total, 'newest') };
        let next: IteratorResult<Page<StreamRecord>>;
        try {
          next = await this.next(iterator);
        } catch (error) {
          if (error instanceof KonnektiveTransientError && pageNo > plan.page) {
            return { kind: 'partial', scan: this.scanAt(plan, pageNo, total, 'newest'), failure: error };
          }
          throw error;
        }
        if (next.done) return complete(Number.NEGATIVE_INFINITY);
        const page = next.value;
        total = page.totalResults;
        const dates = page.scan?.dates ?? [];
        const order = orderOf(dates);
        if (order === 'ascending' || order === 'mixed') {
          return {
            kind: 'evidence',
            evidence: {
              sorting: 'ignored',
              reason: `asked for ${this.field} newest first; page ${pageNo} came ${order === 'ascending' ? 'oldest first' : 'in no order'} (${dates.length} records): sorting is ignored`,
            },
          };
        }
        if (order === 'descending') orderProven = true;
        const evidence = this.filtersEvidence(plan, page, pageNo);
        if (evidence) return { kind: 'evidence', evidence };
        if (pageNo === 1 && dates.every((wall) => (this.instantOf(wall) ?? 0) > hwmMs)) {
          // The whole first page is new: how much more is, is Konnektive's total less what lay below the hwm.
          const shrunk = this.shrink(plan, hwmMs, total - (this.expectedBelow(plan, hwmMs, prior) ?? 0));
          if (shrunk) return shrunk;
        }

        sink.reject(page.rejected);
        // Oldest first within the page, so a Zap sees events of one page in the order they happened.
        await sink.accept([...page.records].reverse(), cursorVersion);
        for (const wall of dates) {
          const at = this.instantOf(wall);
          if (at === undefined) continue;
          if (at > hwmMs) aboveHwm += 1;
          if (at > endMs) aboveEnd += 1;
          if (at < oldest) oldest = at;
        }
        for (const record of page.records) {
          const at = this.instantOf(record[this.field]);
          if (at === undefined) continue;
          if (at >= countFrom) seen.set(recordIdOf(this.ctx.stream, record), at);
          if (this.field === 'dateUpdated' && at > hwmMs) {
            const created = this.instantOf(record.dateCreated);
            if (created !== undefined && created <= hwmMs) moved += 1;
          }
        }
        const received = page.scan?.received ?? page.records.length;
        if (received < page.resultsPerPage || pageNo * page.resultsPerPage >= total) {
          return complete(Number.NEGATIVE_INFINITY);
        }
        if (orderProven && oldest < startMs) return complete(Number.NEGATIVE_INFINITY);
        if (orderProven && countCheck && oldest <= hwmMs) {
          const expected = this.expectedBelow(plan, hwmMs, prior);
          const below = total - aboveHwm;
          // Orders that moved above the hwm (updated) left its count; nothing else may change it.
          const slack = this.field === 'dateUpdated' ? moved + aboveEnd : 0;
          if (expected !== undefined && below <= expected && below >= expected - slack) {
            return complete(floorToBucket(oldest, this.ctx.bucketMs) + this.ctx.bucketMs);
          }
          countCheck = false;
        }
        pageNo += 1;
      }
    } finally {
      await iterator.return?.();
    }
  }

  private async listed(
    plan: WindowPlan,
    hwmMs: number,
    prior: StreamProgress,
    cursorVersion: number,
  ): Promise<WindowOutcome> {
    const endMs = plan.end.getTime();
    const { sink, budget, pageSize } = this.ctx;
    const seen = new Map<string, number>();
    const countFrom = this.countedFrom(plan);
    let aboveEnd = 0;
    let pageNo = plan.page;
    let lastTotal = plan.total;
    let restarts = 0;
    let iterator = this.open(plan, 1, pageNo);
    try {
      for (;;) {
        if (!budget.canStartPage()) {
          return { kind: 'partial', scan: this.scanAt(plan, pageNo, lastTotal ?? 0, 'listed') };
        }
        let next: IteratorResult<Page<StreamRecord>>;
        try {
          next = await this.next(iterator);
        } catch (error) {
          if (error instanceof KonnektiveTransientError && pageNo > plan.page) {
            return {
              kind: 'partial',
              scan: this.scanAt(plan, pageNo, lastTotal ?? 0, 'listed'),
              failure: error,
            };
          }
          throw error;
        }
        if (next.done) break;
        const page = next.value;
        const total = page.totalResults;
        const evidence = this.filtersEvidence(plan, page, pageNo);
        if (evidence) return { kind: 'evidence', evidence };
        const shrunk = this.shrink(plan, hwmMs, total - (this.expectedBelow(plan, hwmMs, prior) ?? 0));
        if (shrunk) return shrunk;

        sink.reject(page.rejected);
        await sink.accept(page.records, cursorVersion);
        for (const wall of page.scan?.dates ?? []) {
          const at = this.instantOf(wall);
          if (at !== undefined && at > endMs) aboveEnd += 1;
        }
        for (const record of page.records) {
          const at = this.instantOf(record[this.field]);
          if (at !== undefined && at >= countFrom) seen.set(recordIdOf(this.ctx.stream, record), at);
        }
        // Records that left the list before our position shifted the rest up: step back over them.
        if (lastTotal !== undefined && total < lastTotal && restarts < 3 && pageNo > 1) {
          restarts += 1;
          await iterator.return?.();
          pageNo = Math.max(1, pageNo - Math.ceil((lastTotal - total) / pageSize));
          lastTotal = total;
          iterator = this.open(plan, 1, pageNo);
          continue;
        }
        lastTotal = total;
        const received = page.scan?.received ?? page.records.length;
        if (received < page.resultsPerPage || pageNo * page.resultsPerPage >= total) break;
        pageNo += 1;
      }
    } finally {
      await iterator.return?.();
    }
    return {
      kind: 'complete',
      progress: plan.narrow
        ? { buckets: this.bucketsAfter(plan, hwmMs, seen, plan.start.getTime(), prior) }
        : plan.page === 1
          ? {
              day: {
                date: localDayOf(endMs, this.ctx.timeZone),
                below: Math.max(0, (lastTotal ?? 0) - aboveEnd),
              },
            }
          : {},
    };
  }
}
