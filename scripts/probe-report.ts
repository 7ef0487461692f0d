/**
 * The contract probe's findings as a report for a person: per unknown, the variant, what it means for the poller,
 * and the evidence. Used by `npm run probe`.
 */
import type { ContractFindings } from '../functions/core/contract/findings.js';

type Unknown = Exclude<keyof ContractFindings, 'checkedAt'>;

const TITLES: Record<Unknown, string> = {
  timeFilters: 'Time filters (startTime/endTime)',
  sorting: 'Sorting (sortBy/sortDir)',
  dateUpdated: 'dateUpdated on conversion / cancel',
  emptyTexts: 'Empty-result texts',
  permissions: 'Permissions',
  refunds: 'Refund bookings',
  pageLatency: 'Page latency',
  campaignDates: 'campaign/query without dates',
};

/** What each answer means for the poller, in one line. */
const MEANING: Record<Unknown, Record<string, string>> = {
  timeFilters: {
    honoured: 'windows narrow: the poller reads small time windows (time-window)',
    ignored:
      'only whole days filter: the poller reads whole days (newest-first, or day-scan if sorting is ignored too)',
    inconclusive:
      'not enough data: the poller starts with time windows and switches on the first page that shows otherwise',
  },
  sorting: {
    honoured: 'newest-first paging stops at the high-water mark: one call per idle poll',
    ignored: 'every page of the day is read when time filters are ignored too (day-scan)',
    inconclusive: 'not enough data: checked on every page the poller reads',
  },
  dateUpdated: {
    both: 'the orders stream sees conversions and cancellations; reconciliation runs every 6 h as a check',
    conversion: 'cancellations are found by the reconciliation by dateCreated (every 5 min)',
    cancel: 'conversions are found by the reconciliation by dateCreated (every 5 min)',
    neither: 'conversions and cancellations are found by the reconciliation by dateCreated (every 5 min)',
    inconclusive: 'the reconciliation by dateCreated runs every 15 min',
  },
  emptyTexts: {
    known: 'recognised as empty results',
    unrecognised: 'NOT recognised: empty windows would fail — report these texts',
    inconclusive: 'could not be read',
  },
  permissions: {
    granted: 'every endpoint the integration reads answered',
    missing: 'grant the missing permissions under Admin → Users → API user → Access Details',
    inconclusive: 'could not be checked',
  },
  refunds: {
    REFUND: 'the Refund trigger fires on REFUND (and would on VOID)',
    VOID: 'the Refund trigger fires on VOID (txnType in the payload says which)',
    both: 'the Refund trigger fires on both (txnType in the payload says which)',
    'none-seen': 'no refunds in the last 30 days',
    inconclusive: 'could not be counted',
  },
  pageLatency: {
    fast: 'pages answer in seconds',
    slow: 'pages are slow: the poller waits up to 240 s a page within its time budget',
    inconclusive: 'no page with records was read',
  },
  campaignDates: {
    optional: 'credential checks and dropdowns work without dates',
    required: 'the client adds a wide date range when asked for dates',
    inconclusive: 'could not be checked',
  },
};

const wrap = (text: string, width: number, indent: string): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
};

export const formatProbeReport = (
  findings: ContractFindings,
  context: { apiUrl?: string; loginId?: string; poller?: Record<string, string> } = {},
): string => {
  const out: string[] = [];
  out.push(`Konnektive contract probe${context.loginId ? ` — API user ${context.loginId}` : ''}`);
  out.push(`checked ${findings.checkedAt}${context.apiUrl ? ` through ${context.apiUrl}` : ''}`);
  out.push('');
  for (const key of Object.keys(TITLES) as Unknown[]) {
    const finding = findings[key];
    const variant = finding.variant;
    out.push(`${TITLES[key].padEnd(36)} ${variant.toUpperCase()}`);
    const meaning = MEANING[key][variant];
    if (meaning) out.push(wrap(`→ ${meaning}`, 100, '    '));
    if ('missing' in finding && finding.missing.length > 0)
      out.push(`    missing: ${finding.missing.join(', ')}`);
    out.push(wrap(`evidence: ${finding.evidence}`, 100, '    '));
    out.push('');
  }
  if (context.poller && Object.keys(context.poller).length > 0) {
    out.push('What the poller does now:');
    for (const [name, value] of Object.entries(context.poller)) out.push(`    ${name}: ${value}`);
    out.push('');
  }
  const open = (Object.keys(TITLES) as Unknown[]).filter((key) => findings[key].variant === 'inconclusive');
  out.push(
    open.length === 0
      ? 'Every unknown was answered.'
      : `Inconclusive: ${open.map((key) => TITLES[key]).join('; ')} — the account had no data to tell; run the probe again later.`,
  );
  return out.join('\n');
};
