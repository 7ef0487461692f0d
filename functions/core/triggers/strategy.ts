/**
 * Which read strategy a (connection, stream) uses, and when it changes (docs/polling.md): the probe's findings pick
 * the first one; evidence seen while reading (a narrowed window that returned records outside it, a page not in the
 * requested order) moves to a strategy that does not depend on what was shown not to work; now and then the cheaper
 * strategy is tried once more, since evidence can be a fluke and APIs change.
 */
import type { ContractFindings } from '../contract/findings.js';
import type { PollStrategy, StreamStrategy } from './cursor-state.js';

/** What a read showed about the contract. */
export interface ContractEvidence {
  timeFilters?: 'ignored';
  sorting?: 'ignored';
  /** One sentence: what was asked, what came back. */
  reason: string;
}

/** A strategy change, for the log line `poll strategy changed` and the `PollStrategyChanged` metric. */
export interface StrategyChange {
  from: PollStrategy | 'none';
  to: PollStrategy;
  sorted: boolean | undefined;
  reason: string;
}

/** The strategy to start with: from the probe's findings when there are some, else the cheapest one. */
export const initialStrategy = (contract: ContractFindings | undefined, now: Date): StreamStrategy => {
  const since = now.toISOString();
  const filters = contract?.timeFilters.variant;
  const sorting = contract?.sorting.variant;
  const sorted = sorting === 'honoured' ? true : sorting === 'ignored' ? false : undefined;
  if (filters === 'ignored') {
    return sorted === false
      ? {
          name: 'day-scan',
          sorted,
          since,
          reason: `contract probe: ${contract?.timeFilters.evidence}; ${contract?.sorting.evidence}`,
        }
      : { name: 'newest-first', sorted, since, reason: `contract probe: ${contract?.timeFilters.evidence}` };
  }
  return {
    name: 'time-window',
    ...(sorted === undefined ? {} : { sorted }),
    since,
    reason:
      filters === 'honoured'
        ? `contract probe: ${contract?.timeFilters.evidence}`
        : 'default (no probe findings)',
  };
};

/** The strategy after `evidence`, with the next re-check of the cheaper one. */
export const afterEvidence = (
  current: StreamStrategy,
  evidence: ContractEvidence,
  now: Date,
  recheckMs: number,
): StreamStrategy => {
  const since = now.toISOString();
  const recheckAt = new Date(now.getTime() + recheckMs).toISOString();
  const sorted = evidence.sorting === 'ignored' ? false : current.sorted;
  const filtersIgnored = evidence.timeFilters === 'ignored' || current.name !== 'time-window';
  const name: PollStrategy = !filtersIgnored ? 'time-window' : sorted === false ? 'day-scan' : 'newest-first';
  return { name, ...(sorted === undefined ? {} : { sorted }), since, reason: evidence.reason, recheckAt };
};

/**
 * The cheaper strategy to try once when `recheckAt` has passed (undefined when none is cheaper or it is not time):
 * newest-first → time-window (are time filters honoured now?), day-scan → newest-first and time-window with
 * unsorted reads → sorted ones (does sorting work now?). Trying is safe: every strategy reads correctly, and the
 * first page that contradicts it moves the stream back (one call).
 */
export const recheckOf = (
  current: StreamStrategy,
  now: Date,
  recheckMs: number,
): StreamStrategy | undefined => {
  if (current.recheckAt === undefined || now.getTime() < Date.parse(current.recheckAt)) return undefined;
  const since = now.toISOString();
  if (current.name === 'newest-first') {
    return { name: 'time-window', sorted: true, since, reason: 're-check: are time filters honoured now?' };
  }
  if (current.name === 'day-scan') {
    // Newest-first is still not the cheapest: it re-checks the time filters in turn.
    const recheckAt = new Date(now.getTime() + recheckMs).toISOString();
    return { name: 'newest-first', since, reason: 're-check: does sorting work now?', recheckAt };
  }
  if (current.name === 'time-window' && current.sorted === false) {
    return { name: 'time-window', since, reason: 're-check: does sorting work now?' };
  }
  return undefined;
};

/** Whether a strategy reads whole days (the API ignores `startTime`/`endTime`). */
export const readsWholeDays = (strategy: StreamStrategy): boolean => strategy.name !== 'time-window';

/** Whether a strategy pages newest first (sorting believed to work, or not yet known not to). */
export const pagesNewestFirst = (strategy: StreamStrategy): boolean =>
  strategy.name === 'newest-first' || (strategy.name === 'time-window' && strategy.sorted !== false);
