/**
 * The contract probe (docs/polling.md, "Finding out on a live account"): read-only calls that tell, for one API
 * user, which answer holds to each unknown of Konnektive's API the poller depends on, with the evidence. It never
 * writes to Konnektive. About fifteen reads, what the poller depends on most first (time filters, sorting,
 * dateUpdated); each step that cannot conclude (no data, a refusal, out of time) says `inconclusive` and why, and
 * the others still run.
 */
import {
  type KonnektiveCredentials,
  KonnektiveError,
  type KonnektiveGateway,
  KonnektivePermissionError,
  KonnektiveTransientError,
  type OrderQuery,
  type OrderRecord,
  type Page,
  type ReadOptions,
  type TransactionQuery,
  type TransactionRecord,
} from '../konnektive.js';
import type { Clock } from '../ports.js';
import { isKonnektiveDateTime, parseKonnektiveDateTime } from '../zoned-time.js';
import type { ContractFindings } from './findings.js';

export interface ProbeDeps {
  konnektive: KonnektiveGateway;
  clock: Clock;
  /** Monotonic milliseconds, for page latency (default `performance.now`). */
  elapsed?: () => number;
}

export interface ProbeInput {
  credentials: KonnektiveCredentials;
  /** IANA zone of the account. */
  timeZone: string;
  /** Epoch ms by which the probe must answer; steps not reached by then are inconclusive. */
  deadline?: number | undefined;
}

const DAY_MS = 86_400_000;
/** A page slower than this makes the account `slow` (integrators wait 120–240 s). */
const SLOW_PAGE_MS = 10_000;
/** A lead counts as converted later when its sale came at least this long after the order was created. */
const CONVERSION_GAP_MS = 60_000;

type Step<T> = { ok: true; value: T } | { ok: false; why: string };

const ENDPOINT_OF = { orders: 'order/query', transactions: 'transactions/query' } as const;
type Endpoint = (typeof ENDPOINT_OF)[keyof typeof ENDPOINT_OF];
const ENDPOINTS: readonly Endpoint[] = [ENDPOINT_OF.orders, ENDPOINT_OF.transactions];

/** How a page's dates are ordered ('' skipped). */
const orderOf = (dates: string[]): 'descending' | 'ascending' | 'flat' | 'mixed' => {
  let up = false;
  let down = false;
  let previous: string | undefined;
  for (const date of dates.filter((d) => d !== '')) {
    if (previous !== undefined && date > previous) up = true;
    if (previous !== undefined && date < previous) down = true;
    previous = date;
  }
  return up && down ? 'mixed' : up ? 'ascending' : down ? 'descending' : 'flat';
};

/** Runs the probe. Throws only when nothing can be learnt: bad credentials or a refused IP (from the first read). */
export const probeContract = async (deps: ProbeDeps, input: ProbeInput): Promise<ContractFindings> => {
  const elapsed = deps.elapsed ?? (() => performance.now());
  const { konnektive, clock } = deps;
  const { credentials, timeZone } = input;
  const now = clock.now();
  const missing = new Set<string>();
  const latency: Record<string, number> = {};
  const options = (): ReadOptions => ({ deadline: input.deadline, maxAttempts: 2 });
  const timeLeft = () => input.deadline === undefined || Date.now() < input.deadline;
  const instant = (value: unknown) =>
    typeof value === 'string' && isKonnektiveDateTime(value.trim())
      ? parseKonnektiveDateTime(value, timeZone).instant.getTime()
      : undefined;
  let first = true;

  /** One step: its refusals and failures become a reason, except those that end the probe. */
  const step = async <T>(run: () => Promise<T>): Promise<Step<T>> => {
    if (!timeLeft()) return { ok: false, why: 'not reached within the time limit' };
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      if (error instanceof KonnektivePermissionError) {
        missing.add(error.permission);
        return { ok: false, why: `the API user lacks "${error.permission}"` };
      }
      if (error instanceof KonnektiveTransientError)
        return { ok: false, why: `Konnektive failed: ${error.message}` };
      if (
        error instanceof KonnektiveError &&
        (error.errorClass === 'auth' || error.errorClass === 'not_whitelisted')
      ) {
        if (first) throw error;
        return { ok: false, why: error.message };
      }
      if (error instanceof KonnektiveError)
        return { ok: false, why: `Konnektive answered "${error.message}"` };
      throw error;
    } finally {
      first = false;
    }
  };

  /** The first page of a query (the iterator is closed after it), timed. */
  const page1 = async <T>(pages: AsyncIterable<Page<T>>, timing?: string): Promise<Page<T>> => {
    const started = elapsed();
    for await (const page of pages) {
      if (timing !== undefined && page.scan && page.scan.received > 0)
        latency[timing] = Math.round(elapsed() - started);
      return page;
    }
    throw new KonnektiveError('Konnektive answered no page at all', timing ?? 'query');
  };
  const orders = (query: OrderQuery, timing?: string) =>
    page1(
      konnektive.queryOrders(credentials, { timeZone, resultsPerPage: 200, ...query }, options()),
      timing,
    );
  const transactions = (query: TransactionQuery, timing?: string) =>
    page1(
      konnektive.queryTransactions(credentials, { timeZone, resultsPerPage: 200, ...query }, options()),
      timing,
    );
  /** A query both endpoints understand, sent to one of them. */
  const either = (
    endpoint: Endpoint,
    query: Pick<OrderQuery, 'range' | 'dateRangeType' | 'resultsPerPage'>,
  ): Promise<Page<OrderRecord | TransactionRecord>> =>
    endpoint === ENDPOINT_OF.orders ? orders(query) : transactions(query);
  const lastDays = (days: number) => ({ start: new Date(now.getTime() - days * DAY_MS), end: now });

  // 1. The newest records of the last 30 days, newest first by creation: data for the other steps, page latency,
  //    and (by their order) sorting.
  const recentOrders = await step(() =>
    orders(
      {
        range: lastDays(30),
        rangeCalls: 'whole-days',
        dateRangeType: 'dateCreated',
        sortBy: 'dateCreated',
        sortDir: 0,
      },
      ENDPOINT_OF.orders,
    ),
  );
  const recentTransactions = await step(() =>
    transactions(
      {
        range: lastDays(30),
        rangeCalls: 'whole-days',
        dateRangeType: 'dateCreated',
        sortBy: 'dateCreated',
        sortDir: 0,
      },
      ENDPOINT_OF.transactions,
    ),
  );

  // 3. Time filters: per endpoint, a day with records both inside and outside one of its hours.
  const filterEvidence: string[] = [];
  const filterVerdicts: Array<'honoured' | 'ignored'> = [];
  for (const [name, recent] of [
    [ENDPOINT_OF.orders, recentOrders],
    [ENDPOINT_OF.transactions, recentTransactions],
  ] as const) {
    if (!recent.ok) {
      filterEvidence.push(`${name}: ${recent.why}`);
      continue;
    }
    const dates = (recent.value.scan?.dates ?? []).filter((d) => d !== '');
    const byDay = new Map<string, string[]>();
    for (const date of dates) byDay.set(date.slice(0, 10), [...(byDay.get(date.slice(0, 10)) ?? []), date]);
    const day = [...byDay.entries()]
      .sort((a, b) => b[0].localeCompare(a[0]))
      .find(([, list]) => new Set(list.map((d) => d.slice(11, 13))).size > 1);
    if (day === undefined) {
      filterEvidence.push(`${name}: no day in the last 30 days has records in more than one hour`);
      continue;
    }
    const [dayText, list] = day;
    const hour = [...list].sort().at(-1)?.slice(11, 13) ?? '00';
    const outsideKnown = list.filter((d) => d.slice(11, 13) !== hour).length;
    const dayStart = parseKonnektiveDateTime(`${dayText} 00:00:00`, timeZone).instant;
    const dayEnd = new Date(parseKonnektiveDateTime(`${dayText} 23:59:59`, timeZone).instant.getTime());
    const hourStart = parseKonnektiveDateTime(`${dayText} ${hour}:00:00`, timeZone).instant;
    const hourEnd = parseKonnektiveDateTime(`${dayText} ${hour}:59:59`, timeZone).instant;
    const whole = await step(() =>
      either(name, {
        range: { start: dayStart, end: dayEnd },
        dateRangeType: 'dateCreated',
        resultsPerPage: 1,
      }),
    );
    const narrow = await step(() =>
      either(name, { range: { start: hourStart, end: hourEnd }, dateRangeType: 'dateCreated' }),
    );
    if (!whole.ok || !narrow.ok) {
      filterEvidence.push(`${name}: ${whole.ok ? '' : whole.why}${narrow.ok ? '' : narrow.why}`);
      continue;
    }
    const outside = narrow.value.scan?.outside ?? 0;
    const said = `${name} ${dayText}: totalResults ${whole.value.totalResults} for the day, ${narrow.value.totalResults} for ${hour}:00:00–${hour}:59:59 (${outsideKnown} known records outside that hour; ${outside} returned outside it)`;
    filterEvidence.push(said);
    if (outside > 0 || narrow.value.totalResults >= whole.value.totalResults) filterVerdicts.push('ignored');
    else filterVerdicts.push('honoured');
  }

  // 4. Sorting: newest first by creation (step 1), and orders newest first by dateUpdated (what the poller uses).
  const sortEvidence: string[] = [];
  const sortVerdicts: Array<'descending' | 'ascending' | 'flat' | 'mixed'> = [];
  for (const [name, recent] of [
    [`${ENDPOINT_OF.orders} by dateCreated`, recentOrders],
    [`${ENDPOINT_OF.transactions} by dateCreated`, recentTransactions],
  ] as const) {
    if (!recent.ok) continue;
    const order = orderOf(recent.value.scan?.dates ?? []);
    sortVerdicts.push(order);
    sortEvidence.push(`${name}, asked newest first: ${order} (${recent.value.scan?.received ?? 0} records)`);
  }
  const byUpdate = await step(() =>
    orders({
      range: lastDays(7),
      rangeCalls: 'whole-days',
      dateRangeType: 'dateUpdated',
      sortBy: 'dateUpdated',
      sortDir: 0,
    }),
  );
  if (byUpdate.ok) {
    const order = orderOf(byUpdate.value.scan?.dates ?? []);
    sortVerdicts.push(order);
    sortEvidence.push(
      `${ENDPOINT_OF.orders} by dateUpdated, asked newest first: ${order} (${byUpdate.value.scan?.received ?? 0} records)`,
    );
  } else sortEvidence.push(`${ENDPOINT_OF.orders} by dateUpdated: ${byUpdate.why}`);

  // 5. dateUpdated on conversion: sales charged well after their order was created (converted leads), and whether
  //    the order's dateUpdated is at least the charge. On cancel: cancelled orders never updated since creation.
  const sales = await step(() =>
    transactions({
      range: lastDays(7),
      rangeCalls: 'whole-days',
      dateRangeType: 'dateCreated',
      txnType: 'SALE',
      responseType: 'SUCCESS',
      sortBy: 'dateCreated',
      sortDir: 0,
    }),
  );
  const cancelled = await step(() =>
    orders({
      range: lastDays(30),
      rangeCalls: 'whole-days',
      dateRangeType: 'dateUpdated',
      orderStatus: 'CANCELLED',
    }),
  );
  const orderById = new Map<string, OrderRecord>();
  for (const record of [
    ...(recentOrders.ok ? recentOrders.value.records : []),
    ...(byUpdate.ok ? byUpdate.value.records : []),
  ]) {
    orderById.set(String(record.orderId), record);
  }
  let convMoved = 0;
  let convStale = 0;
  for (const sale of sales.ok ? (sales.value.records as TransactionRecord[]) : []) {
    const record = orderById.get(String(sale.orderId));
    const charged = instant(sale.dateCreated);
    const created = instant(record?.dateCreated);
    const updated = instant(record?.dateUpdated);
    if (charged === undefined || created === undefined || updated === undefined) continue;
    if (charged - created < CONVERSION_GAP_MS) continue;
    if (updated + 1_000 < charged) convStale += 1;
    else convMoved += 1;
  }
  let cancelStale = 0;
  let cancelMoved = 0;
  for (const record of cancelled.ok ? cancelled.value.records : []) {
    const created = instant(record.dateCreated);
    const updated = instant(record.dateUpdated);
    if (created === undefined || updated === undefined) continue;
    if (updated <= created) cancelStale += 1;
    else cancelMoved += 1;
  }
  const conversion = convStale > 0 ? 'stale' : convMoved > 0 ? 'moves' : 'unknown';
  const cancel = cancelStale > 0 ? 'stale' : cancelMoved > 0 ? 'moves' : 'unknown';
  const dateUpdatedVariant =
    conversion === 'unknown' || cancel === 'unknown'
      ? 'inconclusive'
      : conversion === 'moves' && cancel === 'moves'
        ? 'both'
        : conversion === 'moves'
          ? 'conversion'
          : cancel === 'moves'
            ? 'cancel'
            : 'neither';
  const dateUpdatedEvidence = [
    sales.ok
      ? `conversions (sale charged ≥ 1 min after the order was created, last 7 days): ${convMoved} with dateUpdated at or after the charge, ${convStale} before it`
      : `conversions: ${sales.why}`,
    cancelled.ok
      ? `cancelled orders (last 30 days): ${cancelMoved} updated after creation, ${cancelStale} with dateUpdated = dateCreated`
      : `cancellations: ${cancelled.why}`,
  ].join('; ');

  // 5b. Empty results: a one-second window long ago.
  const nothing = { start: new Date('2001-01-02T12:00:00Z'), end: new Date('2001-01-02T12:00:01Z') };
  const emptyTexts: Record<string, string> = {};
  const emptyNotes: string[] = [];
  let unrecognised = false;
  for (const name of ENDPOINTS) {
    const result = await step(() => either(name, { range: nothing }));
    if (result.ok) {
      if (result.value.emptyText !== undefined) emptyTexts[name] = result.value.emptyText;
      else
        emptyNotes.push(`${name}: ${result.value.totalResults} records in a window of 2001 (no empty text)`);
    } else {
      if (result.why.startsWith('Konnektive answered')) {
        unrecognised = true;
        emptyTexts[name] = result.why.replace(/^Konnektive answered "(.*)"$/s, '$1');
      }
      emptyNotes.push(`${name}: ${result.why}`);
    }
  }

  // 6. Refunds: successful REFUND and VOID transactions of the last 30 days.
  const refundCounts: Record<string, number | string> = {};
  for (const txnType of ['REFUND', 'VOID'] as const) {
    const counted = await step(() =>
      transactions({
        range: lastDays(30),
        rangeCalls: 'whole-days',
        txnType,
        responseType: 'SUCCESS',
        resultsPerPage: 1,
      }),
    );
    refundCounts[txnType] = counted.ok ? counted.value.totalResults : counted.why;
  }
  const refunds = Number(refundCounts.REFUND);
  const voids = Number(refundCounts.VOID);

  // 7. campaign/query without dates.
  const campaigns = await step(() =>
    page1(konnektive.queryCampaigns(credentials, { resultsPerPage: 1, dateFallback: false }, options())),
  );
  const datesRequired =
    !campaigns.ok && /\b(?:start|end) ?date\b|dates? (?:is|are) required/i.test(campaigns.why);

  const sortHonoured =
    sortVerdicts.includes('descending') && sortVerdicts.every((v) => v === 'descending' || v === 'flat');
  const sortIgnored = sortVerdicts.some((v) => v === 'ascending' || v === 'mixed');
  const slowest = Math.max(0, ...Object.values(latency));
  return {
    checkedAt: now.toISOString(),
    timeFilters: {
      variant: filterVerdicts.includes('ignored')
        ? 'ignored'
        : filterVerdicts.length > 0
          ? 'honoured'
          : 'inconclusive',
      evidence: filterEvidence.join('; '),
    },
    sorting: {
      variant: sortIgnored ? 'ignored' : sortHonoured ? 'honoured' : 'inconclusive',
      evidence: sortEvidence.join('; ') || 'no records to compare',
    },
    dateUpdated: { variant: dateUpdatedVariant, evidence: dateUpdatedEvidence },
    emptyTexts: {
      variant: unrecognised ? 'unrecognised' : Object.keys(emptyTexts).length > 0 ? 'known' : 'inconclusive',
      evidence: [
        ...Object.entries(emptyTexts).map(([name, text]) => `${name}: "${text}"`),
        ...emptyNotes,
      ].join('; '),
      texts: emptyTexts,
    },
    permissions: {
      variant:
        missing.size > 0 ? 'missing' : recentOrders.ok && recentTransactions.ok ? 'granted' : 'inconclusive',
      evidence:
        missing.size > 0
          ? `refused: ${[...missing].join(', ')}`
          : 'order/query, transactions/query and campaign/query answered',
      missing: [...missing],
    },
    refunds: {
      variant:
        Number.isNaN(refunds) || Number.isNaN(voids)
          ? 'inconclusive'
          : refunds > 0 && voids > 0
            ? 'both'
            : refunds > 0
              ? 'REFUND'
              : voids > 0
                ? 'VOID'
                : 'none-seen',
      evidence: `successful transactions in the last 30 days: REFUND ${refundCounts.REFUND}, VOID ${refundCounts.VOID}`,
    },
    pageLatency: {
      variant: Object.keys(latency).length === 0 ? 'inconclusive' : slowest > SLOW_PAGE_MS ? 'slow' : 'fast',
      evidence:
        Object.entries(latency)
          .map(([name, ms]) => `${name}: a page of up to 200 records in ${ms} ms`)
          .join('; ') || 'no page with records was read',
      msByEndpoint: latency,
    },
    campaignDates: campaigns.ok
      ? { variant: 'optional', evidence: 'campaign/query answered without dates' }
      : datesRequired
        ? { variant: 'required', evidence: `campaign/query without dates: ${campaigns.why}` }
        : { variant: 'inconclusive', evidence: `campaign/query without dates: ${campaigns.why}` },
  };
};
